import {
  type AccountUpdate,
  type ChatMessage,
  type CpuSample,
  DEMO_TOKEN,
  type DemoNotification,
  type DemoStreamName,
  type JobDone,
  type JobProgress,
  type MemorySample,
  type NotificationKind,
  type Reading,
  type RequestsSample,
  type Tick,
} from './payloads.js';

/**
 * One event a stream produces; no `type` means the default `message` event.
 *
 * @example
 * const event: DemoEvent = { type: 'tick', data: { symbol: 'ACME', price: 1 } };
 */
export interface DemoEvent {
  readonly type?: string;
  readonly data: unknown;
}

/**
 * How one demo stream behaves. Its state lives in the closure, one instance per server.
 *
 * @example
 * const stream: DemoStreamDefinition = { intervalMs: 1000, next: (_broken, n) => [{ data: { n } }] };
 */
export interface DemoStreamDefinition {
  /** How often {@link DemoStreamDefinition.next} runs while somebody listens. */
  readonly intervalMs: number;
  /** When set, requests must send `Authorization: Bearer <token>` or get a 401. */
  readonly bearerToken?: string;
  /**
   * The events of one step. `broken` asks for a payload that fails the stream's schema; `n` is
   * the first event's number in this stream (1, 2, 3…, every event counts). Payloads that carry
   * it let clients see gaps: the hub's ids are offsets shared by every stream, so they skip.
   */
  next(broken: boolean, n: number): readonly DemoEvent[];
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
const clamp = (value: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, value));
const pick = <T>(items: readonly T[], index: number): T => items[index % items.length] as T;
// A random walk stays plausible on screen, unlike independent random values.
const walk = (value: number, step: number, min: number, max: number): number =>
  clamp(value + (Math.random() - 0.5) * 2 * step, min, max);

/**
 * The eight symbols of `/demo/ticker`, in the order the stories show them.
 *
 * @example
 * for (const symbol of TICKER_SYMBOLS) render(symbol);
 */
export const TICKER_SYMBOLS = [
  'ACME',
  'GLOBX',
  'INITECH',
  'UMBRL',
  'WAYNE',
  'STARK',
  'TYRELL',
  'HOOLI',
] as const;

function ticker(): DemoStreamDefinition {
  const prices = new Map<string, number>(TICKER_SYMBOLS.map((s, i) => [s, 80 + i * 17]));
  return {
    intervalMs: 150,
    next(broken, n) {
      const symbol = pick(TICKER_SYMBOLS, Math.floor(Math.random() * TICKER_SYMBOLS.length));
      const before = prices.get(symbol) ?? 100;
      const price = round(walk(before, before * 0.01, 1, 10_000));
      prices.set(symbol, price);
      const tick: Tick = { n, symbol, price, change: round(price - before), at: Date.now() };
      return [{ type: 'tick', data: broken ? { ...tick, price: 'n/a' } : tick }];
    },
  };
}

const NOTIFICATION_TEXT: Record<NotificationKind, readonly string[]> = {
  info: ['Deploy #%d finished', 'Backup %d completed', 'Report %d is ready'],
  warning: ['Disk 80 % full on node %d', 'Slow query in job %d', 'Certificate %d expires soon'],
  mention: [
    '@you were mentioned in thread %d',
    'Ada replied to you in #%d',
    'Review requested on PR %d',
  ],
};
const NOTIFICATION_KINDS: readonly NotificationKind[] = ['info', 'warning', 'info', 'mention'];

function notifications(): DemoStreamDefinition {
  let step = 0;
  return {
    intervalMs: 900,
    next(broken, n) {
      const kind = pick(NOTIFICATION_KINDS, step++);
      const text = pick(NOTIFICATION_TEXT[kind], step).replace('%d', String(100 + step));
      const note: DemoNotification = { id: n, kind, text, at: Date.now() };
      return [{ type: kind, data: broken ? { ...note, id: String(n) } : note }];
    },
  };
}

function job(): DemoStreamDefinition {
  let number = 1;
  let percent = 0;
  let startedAt = Date.now();
  let pauseSteps = 0;
  return {
    intervalMs: 120,
    next(broken) {
      // A short pause between jobs, so "done" stays on screen before the next one starts.
      if (pauseSteps > 0) {
        pauseSteps--;
        if (pauseSteps > 0) return [];
        number++;
        percent = 0;
        startedAt = Date.now();
      }
      percent = Math.min(100, percent + 1 + Math.floor(Math.random() * 3));
      const progress: JobProgress = { job: number, percent };
      const events: DemoEvent[] = [
        { type: 'progress', data: broken ? { ...progress, percent: 'almost' } : progress },
      ];
      if (percent === 100) {
        const done: JobDone = { job: number, durationMs: Date.now() - startedAt };
        events.push({ type: 'done', data: done });
        pauseSteps = 20;
      }
      return events;
    },
  };
}

function metrics(): DemoStreamDefinition {
  let cores = [35, 40, 30, 45];
  let usedMb = 6000;
  let perSecond = 120;
  return {
    intervalMs: 250,
    next(broken) {
      const at = Date.now();
      cores = cores.map((c) => round(walk(c, 8, 2, 99), 1));
      const usage = round(cores.reduce((a, b) => a + b, 0) / cores.length, 1);
      usedMb = Math.round(walk(usedMb, 250, 2048, 15_000));
      perSecond = Math.round(walk(perSecond, 25, 10, 400));
      const errors5xx = Math.random() < 0.3 ? Math.ceil(Math.random() * 3) : 0;
      const errors4xx = Math.floor(Math.random() * 4);
      const cpu: CpuSample = { usage, cores, at };
      const memory: MemorySample = { usedMb, totalMb: 16_384, at };
      const requests: RequestsSample = {
        perSecond,
        p95Ms: Math.round(40 + perSecond / 4 + Math.random() * 30),
        errorRate: round(((errors5xx + errors4xx) / perSecond) * 100),
        statuses: { '2xx': perSecond - errors4xx - errors5xx, '4xx': errors4xx, '5xx': errors5xx },
        at,
      };
      return [
        { type: 'cpu', data: broken ? { ...cpu, usage: 'high' } : cpu },
        { type: 'memory', data: memory },
        { type: 'requests', data: requests },
      ];
    },
  };
}

const CHAT_USERS = ['ada', 'grace', 'linus', 'margaret', 'ken'] as const;
const CHAT_LINES = [
  'deploying now',
  'looks green on my side',
  'who owns the flaky test?',
  'lunch?',
  'rolling back, one sec',
  'all good again',
  'reviewing your PR',
  'ship it',
] as const;

function chat(): DemoStreamDefinition {
  let step = 0;
  return {
    intervalMs: 1000,
    next(broken, n) {
      step++;
      const message: ChatMessage = {
        id: n,
        user: pick(CHAT_USERS, step),
        text: pick(CHAT_LINES, step * 3),
        at: Date.now(),
      };
      return [{ data: broken ? { ...message, text: null } : message }];
    },
  };
}

function typed(): DemoStreamDefinition {
  let celsius = 21;
  let humidity = 55;
  return {
    intervalMs: 700,
    next(broken) {
      celsius = round(walk(celsius, 0.4, 5, 40), 1);
      humidity = Math.round(walk(humidity, 2, 20, 95));
      const reading: Reading = { sensor: 'greenhouse-1', celsius, humidity, at: Date.now() };
      return [{ type: 'reading', data: broken ? { ...reading, celsius: 'warm' } : reading }];
    },
  };
}

function auth(): DemoStreamDefinition {
  let balanceCents = 125_000;
  return {
    intervalMs: 1000,
    bearerToken: DEMO_TOKEN,
    next(broken) {
      balanceCents += Math.round((Math.random() - 0.45) * 5000);
      const update: AccountUpdate = { account: 'demo', balanceCents, at: Date.now() };
      return [{ type: 'account', data: broken ? { ...update, balanceCents: 'lots' } : update }];
    },
  };
}

/**
 * `/demo/replay`: one numbered `item` a second. It has no fault knobs; `POST /demo/replay/drop`
 * drops its streams and publishes three items while the clients are away.
 *
 * @example
 * const [item] = replayStream().next(false, 1); // { type: 'item', data: { n: 1, at } }
 */
export function replayStream(): DemoStreamDefinition {
  return {
    intervalMs: 1000,
    next: (_broken, n) => [{ type: 'item', data: { n, at: Date.now() } }],
  };
}

/**
 * Every demo stream, by name: factories, so each server starts from fresh state.
 *
 * @example
 * const ticker = demoStreams.ticker();
 * const events = ticker.next(false, 1);
 */
export const demoStreams: Readonly<Record<DemoStreamName, () => DemoStreamDefinition>> = {
  ticker,
  notifications,
  job,
  metrics,
  chat,
  typed,
  auth,
};
