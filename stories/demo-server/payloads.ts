/**
 * What the demo server sends and accepts: the payload of every event and the control API.
 * Stories import these types, so a change here shows up as a type error in every story using it.
 */
// A relative `.js` specifier: Storybook's Node loader reads this file too (demoStreams.ts imports it).
import { parseCursor } from '../../packages/server/src/index.js';

/**
 * One `tick` event of `/demo/ticker`.
 *
 * @example
 * const tick: Tick = { n: 1, symbol: 'ACME', price: 101.5, change: 0.25, at: Date.now() };
 */
export interface Tick {
  /** The tick's number in the stream (1, 2, 3…), so gaps and duplicates show. */
  readonly n: number;
  readonly symbol: string;
  readonly price: number;
  /** Difference from this symbol's previous price. */
  readonly change: number;
  readonly at: number;
}

/**
 * The named event types of `/demo/notifications`.
 *
 * @example
 * const kinds: NotificationKind[] = ['info', 'warning', 'mention'];
 */
export type NotificationKind = 'info' | 'warning' | 'mention';

/**
 * One `info`, `warning` or `mention` event of `/demo/notifications`; `id` is its number in the
 * stream (1, 2, 3…; the SSE ids are hub offsets that every stream shares).
 *
 * @example
 * const note: DemoNotification = { id: 7, kind: 'info', text: 'Deploy finished', at: Date.now() };
 */
export interface DemoNotification {
  readonly id: number;
  readonly kind: NotificationKind;
  readonly text: string;
  readonly at: number;
}

/**
 * One `progress` event of `/demo/job`.
 *
 * @example
 * const step: JobProgress = { job: 3, percent: 42 };
 */
export interface JobProgress {
  readonly job: number;
  /** 0–100. */
  readonly percent: number;
}

/**
 * The `done` event of `/demo/job`, sent once a job reached 100 %.
 *
 * @example
 * const done: JobDone = { job: 3, durationMs: 5200 };
 */
export interface JobDone {
  readonly job: number;
  readonly durationMs: number;
}

/**
 * The `cpu` event of `/demo/metrics`.
 *
 * @example
 * const cpu: CpuSample = { usage: 37, cores: [30, 41, 35, 42], at: Date.now() };
 */
export interface CpuSample {
  /** Percent, 0–100. */
  readonly usage: number;
  readonly cores: readonly number[];
  readonly at: number;
}

/**
 * The `memory` event of `/demo/metrics`.
 *
 * @example
 * const memory: MemorySample = { usedMb: 5120, totalMb: 16384, at: Date.now() };
 */
export interface MemorySample {
  readonly usedMb: number;
  readonly totalMb: number;
  readonly at: number;
}

/**
 * The `requests` event of `/demo/metrics`.
 *
 * @example
 * const requests: RequestsSample = { perSecond: 120, p95Ms: 84, errorRate: 0.4, statuses: { '2xx': 118, '4xx': 1, '5xx': 1 }, at: Date.now() };
 */
export interface RequestsSample {
  readonly perSecond: number;
  readonly p95Ms: number;
  /** Percent of requests that failed. */
  readonly errorRate: number;
  readonly statuses: Readonly<Record<'2xx' | '4xx' | '5xx', number>>;
  readonly at: number;
}

/**
 * One `message` event of `/demo/chat`; `id` is its number in the stream (1, 2, 3…), so gaps and
 * duplicates show (the SSE ids are hub offsets that every stream shares, so they skip).
 *
 * @example
 * const message: ChatMessage = { id: 12, user: 'ada', text: 'hello', at: Date.now() };
 */
export interface ChatMessage {
  readonly id: number;
  readonly user: string;
  readonly text: string;
  readonly at: number;
}

/**
 * One `reading` event of `/demo/typed`; `invalid-schema` makes `celsius` a string once.
 *
 * @example
 * const reading: Reading = { sensor: 'greenhouse', celsius: 21.4, humidity: 55, at: Date.now() };
 */
export interface Reading {
  readonly sensor: string;
  readonly celsius: number;
  /** Percent, 0–100. */
  readonly humidity: number;
  readonly at: number;
}

/**
 * One `account` event of `/demo/auth`, only sent to `Authorization: Bearer demo-token`.
 *
 * @example
 * const update: AccountUpdate = { account: 'demo', balanceCents: 125000, at: Date.now() };
 */
export interface AccountUpdate {
  readonly account: string;
  readonly balanceCents: number;
  readonly at: number;
}

/**
 * The offset in an event id of the demo server (`<epoch>-<offset>`, issued by @ssekit/server), or
 * NaN for anything else. Offsets grow across every stream, so within one epoch a larger one is newer.
 *
 * @example
 * idOffset('k3x9-41'); // 41
 */
export function idOffset(id: string): number {
  return parseCursor(id)?.offset ?? Number.NaN;
}

/**
 * The token `/demo/auth` accepts: it is a demo, the value is public.
 *
 * @example
 * const headers = { Authorization: `Bearer ${DEMO_TOKEN}` };
 */
export const DEMO_TOKEN = 'demo-token';

/**
 * The streams under `/demo/`.
 *
 * @example
 * const url = `/demo/${'ticker' satisfies DemoStreamName}`;
 */
export type DemoStreamName =
  | 'ticker'
  | 'notifications'
  | 'job'
  | 'metrics'
  | 'chat'
  | 'typed'
  | 'auth';

/**
 * What `POST /demo/control` can do to a stream (or to every stream when `stream` is left out):
 * - `drop`: destroy its open connections now (a network drop; clients resume by Last-Event-ID);
 * - `fail`: drop them and answer HTTP 500 for `seconds` (default 5);
 * - `silence`: hold everything written to its streams, heartbeats included, for `seconds`
 *   (default 15): a stale stream (one opened meanwhile gets its headers and replay, then silence);
 * - `stop`: drop them and answer the next request with 204 ("do not reconnect");
 * - `invalid-json` / `invalid-schema`: the next event's data is not JSON / fails the schema;
 * - `reset`: forget every fault.
 *
 * @example
 * const action: DemoControlAction = 'drop';
 */
export type DemoControlAction =
  | 'drop'
  | 'fail'
  | 'silence'
  | 'stop'
  | 'invalid-json'
  | 'invalid-schema'
  | 'reset';

/**
 * The JSON body of `POST /demo/control`.
 *
 * @example
 * await fetch('/demo/control', { method: 'POST', body: JSON.stringify({ action: 'fail', stream: 'chat', seconds: 5 } satisfies DemoControlRequest) });
 */
export interface DemoControlRequest {
  readonly action: DemoControlAction;
  readonly stream?: DemoStreamName;
  readonly seconds?: number;
}

/**
 * One stream's counters in `GET /demo/stats`.
 *
 * @example
 * const { connections, open } = stats.streams.ticker;
 */
export interface DemoStreamStats {
  /** Requests to the stream since the server started, refused ones included. */
  readonly connections: number;
  /** Streams open right now. */
  readonly open: number;
  /** Requests answered with an error status (401, 500) or 204. */
  readonly refused: number;
  /** Events delivered live, over all connections (the hub's replays are not counted). */
  readonly eventsSent: number;
  /** The hub id (`<epoch>-<offset>`) of the stream's newest event ('' before the first). */
  readonly lastEventId: string;
}

/**
 * The body of `GET /demo/stats`.
 *
 * @example
 * const stats = (await (await fetch('/demo/stats')).json()) as DemoStats;
 */
export interface DemoStats {
  /** Every fault-knob stream, `replay` (the drop-and-replay stream) and `run` (the finite runs of `/demo/run`, one per request). */
  readonly streams: Readonly<Record<DemoStreamName | 'replay' | 'run', DemoStreamStats>>;
}

/**
 * Event type → payload of `/demo/ticker`, for a typed handle.
 *
 * @example
 * const ticker = pool.source<TickerEvents>('/demo/ticker');
 */
export type TickerEvents = { tick: Tick };

/**
 * Event type → payload of `/demo/metrics`, for a typed handle.
 *
 * @example
 * const metrics = pool.source<MetricsEvents>('/demo/metrics');
 */
export type MetricsEvents = { cpu: CpuSample; memory: MemorySample; requests: RequestsSample };
