import type { StandardSchemaV1 } from './standard-schema';

/**
 * Where a source stands. `reconnecting` covers both the browser's own retry and ours. `done`: a
 * finite stream delivered its `until` event and ended for good (not an error; `reconnect()`
 * starts it afresh).
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' | 'done';

/**
 * What went wrong, by kind:
 * - `network`: the request failed or the body ended (retryable);
 * - `http`: the server answered with a non-2xx status (see `status`);
 * - `content-type`: the response was not `text/event-stream`;
 * - `stopped`: HTTP 204, the server asked us not to reconnect;
 * - `cors`: the browser's CORS preflight was refused (a plain request gets through): final;
 * - `oversized`: one event was larger than `maxEventSize` and was dropped (the stream goes on);
 * - `parse` / `validation`: one event's data failed `JSON.parse` or the schema (the stream goes on).
 */
export type SSEErrorKind = SSEError['kind'];

/** What every {@link SSEError} carries; each kind says which fields it fills in. */
interface SSEErrorFields {
  readonly message: string;
  /** HTTP status, where one is known. */
  readonly status?: number;
  /** From a `Retry-After` header on 429/503, in milliseconds. */
  readonly retryAfterMs?: number;
  /** The raw event data that failed to parse or validate. */
  readonly raw?: string;
  /** Standard Schema issues for `validation` errors. */
  readonly issues?: readonly StandardSchemaV1.Issue[];
}

/** The request failed, was refused or ended: the connection's `error` (`status` where known). */
export interface SSERequestError extends SSEErrorFields {
  readonly kind: 'network' | 'http' | 'content-type' | 'stopped' | 'cors';
}

/** One event larger than `maxEventSize` was dropped; the stream goes on. */
export interface SSEOversizedError extends SSEErrorFields {
  readonly kind: 'oversized';
}

/** One event's data failed `JSON.parse` (or your `parse`); the stream goes on. */
export interface SSEParseError extends SSEErrorFields {
  readonly kind: 'parse';
  readonly raw: string;
}

/** One event's data failed its Standard Schema (`issues` says where); the stream goes on. */
export interface SSEValidationError extends SSEErrorFields {
  readonly kind: 'validation';
  readonly raw: string;
}

/**
 * A typed error, safe to render: it never contains header values. Narrow it by `kind`; every
 * field can be read on any kind (undefined where it does not apply).
 *
 * @example
 * if (error?.kind === 'validation') console.table(error.issues);
 */
export type SSEError = SSERequestError | SSEOversizedError | SSEParseError | SSEValidationError;

/** Retry state you can render: which attempt, how long we wait, and whether we gave up. */
export interface RetryState {
  /** Consecutive failed attempts since the last open that lasted; 0 when healthy. */
  readonly attempt: number;
  /** The delay chosen before the next attempt, or null when none is scheduled or it is unknown. */
  readonly delayMs: number | null;
  /**
   * Epoch milliseconds of the next attempt. Null when none is scheduled (open, closed, gave up,
   * offline: the `online` event reconnects at once) or when a native EventSource retries on its
   * own after the server's `retry:`, which the page cannot see.
   */
  readonly nextRetryAt: number | null;
  /** True once `maxAttempts` was reached or the server said stop (204). */
  readonly gaveUp: boolean;
}

/** Who holds the connection when sources are shared across tabs. */
export type SourceRole = 'local' | 'leader' | 'follower';

/** An immutable view of one source. `get()` returns the same object until something changed. */
export interface SourceSnapshot {
  readonly status: ConnectionStatus;
  readonly error: SSEError | null;
  readonly retry: RetryState;
  /** `local` unless cross-tab sharing is on. */
  readonly role: SourceRole;
  /**
   * How many `ssekit:reset` events the server sent: it could not resume from the last event id
   * (trimmed, unknown, other epoch) and continued live, so events may be missing in between.
   */
  readonly resets: number;
  /** Epoch milliseconds of the last `ssekit:reset`, or null. */
  readonly lastResetAt: number | null;
}

/** One dispatched event exactly as the WHATWG event-stream rules define it. */
export interface ServerSentEvent {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

/** An immutable view of one event type of a source. */
export interface EventSnapshot<T> {
  /** The latest successfully parsed (and validated) data; kept when a later event fails. */
  readonly data: T | undefined;
  /** The raw text of the latest event, parsed or not. */
  readonly raw: string | undefined;
  readonly lastEventId: string;
  /** Epoch milliseconds when the latest event arrived, or null before the first. */
  readonly receivedAt: number | null;
  /** How many events of this type arrived (including ones that failed to parse). */
  readonly count: number;
  /** The parse or validation error of the latest event, cleared by the next good one. */
  readonly error: SSEError | null;
  /** The last `buffer` good values, oldest first; empty unless `buffer` was set. */
  readonly history: readonly T[];
}

/** The smallest observable: what every handle and every binding is built on. */
export interface Readable<S> {
  /** The current value; the same object until something changed. */
  get(): S;
  /** Calls `listener` on every change (never immediately). Returns an unsubscribe. */
  listen(listener: (value: S) => void): () => void;
  /** Calls `run` at once with the current value, then on every change: a Svelte store. */
  subscribe(run: (value: S) => void): () => void;
}

/** Event type → payload type, e.g. `{ tick: { price: number } }`. */
export type EventMap = Record<string, unknown>;

/** An event as subscribers see it: the wire fields plus when it arrived. */
export interface ReceivedEvent extends ServerSentEvent {
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}
