import { createEventChannel, type EventChannel, type EventOptions } from './event-channel';
import { createObservable } from './observable';
import type { Platform } from './platform';
import { type RetryPolicy, retryDelay } from './retry';
import { call, type NotifyMode, type Scheduler } from './scheduler';
import {
  RESET_EVENT,
  type Transport,
  type TransportAttempt,
  type TransportSink,
} from './transport';
import type {
  ReceivedEvent,
  RetryState,
  ServerSentEvent,
  SourceRole,
  SourceSnapshot,
  SSEError,
} from './types';

const NO_RETRY: RetryState = Object.freeze({
  attempt: 0,
  delayMs: null,
  nextRetryAt: null,
  gaveUp: false,
});

/** The snapshot of a source nobody listens to. Shared, so `get()` stays stable while idle. */
export const IDLE_SOURCE: SourceSnapshot = Object.freeze({
  status: 'idle',
  error: null,
  retry: NO_RETRY,
  role: 'local',
  resets: 0,
  lastResetAt: null,
});

/** Default {@link ConnectionConfig.openTimeoutMs}. */
export const DEFAULT_OPEN_TIMEOUT_MS = 30_000;

// What Chromium and Firefox wait before their own retry when the server sent no `retry:`.
const BROWSER_RETRY_MS = 3000;

// Where it lived before: kept for imports of it from here.
export { RESET_EVENT } from './transport';

/** Everything one connection needs, resolved by the pool. */
export interface ConnectionConfig {
  readonly url: string;
  readonly transport: Transport;
  readonly retry: Required<RetryPolicy>;
  /** No bytes for this long counts as a drop. */
  readonly staleAfterMs?: number;
  /**
   * No open within this long fails the attempt (then the normal backoff); default
   * {@link DEFAULT_OPEN_TIMEOUT_MS}, 0 or Infinity turns it off.
   */
  readonly openTimeoutMs?: number;
  /** A finite stream: after this event reached every subscriber, the stream ends as `done`. */
  readonly until?: (event: ReceivedEvent) => boolean;
  /** Close after the page has been hidden this long; resume when visible. */
  readonly pauseWhenHiddenMs?: number;
  readonly platform: Platform;
  readonly schedule: Scheduler;
  readonly notify: NotifyMode;
  /** Called on every change, for the pool's inspection and warnings. */
  readonly onChange: (connection: Connection) => void;
  /** How long the connection stays open after its last subscriber left (0: closes at once). */
  readonly lingerMs: number;
  /** The connection closed after its last subscriber left: its owner forgets it. */
  readonly onIdle: (connection: Connection) => void;
}

/** One stream as the pool and handles see it. */
export interface Connection {
  readonly config: ConnectionConfig;
  readonly snapshot: SourceSnapshot;
  readonly listeners: Set<(snapshot: SourceSnapshot) => void>;
  /** `source.on` handlers: every event of every type the transport delivers. */
  readonly handlers: Set<(event: ReceivedEvent) => void>;
  readonly channels: Map<string, EventChannel[]>;
  /** Subscriptions of every kind: {@link Connection.retain} minus {@link Connection.release}. */
  readonly refs: number;
  /** True while the last subscriber has left and the linger delay runs. */
  readonly lingering: boolean;
  /** The last event id seen: every new attempt resumes from it. */
  readonly lastEventId: string;
  /** Events and bytes received, for the inspector. */
  readonly events: number;
  readonly bytes: number;
  /**
   * One more subscriber. The first connects (and follows the network and the page's
   * visibility); one that comes back inside the linger delay keeps the same stream.
   */
  retain(): void;
  /**
   * One subscriber fewer. After the last, the stream stays open `lingerMs` (StrictMode mounts
   * twice, route changes unmount before they mount), then stops and tells `onIdle`.
   */
  release(): void;
  /** Ends everything now, lingering or not, and leaves no timer behind (the pool's `reset`). */
  stop(): void;
  /** Drop the current attempt and connect again now, from the last event id. */
  reconnect(): void;
  /** Stop this stream until `reconnect()` (or until it is released and acquired again). */
  close(): void;
  /** The channel reading `type` with `options`, created (and seeded) on demand. */
  channel<T>(type: string, options: EventOptions<T>): EventChannel<T>;
  /** Forget a channel nobody reads any more; the connection and other types carry on. */
  dropChannel(channel: EventChannel): void;
}

/** The most events of one type kept for late subscribers, whatever `buffer` asks. */
const MAX_KEPT = 1000;

type TimerName = 'retry' | 'stale' | 'hidden' | 'open' | 'linger';

/**
 * Creates one stream: its attempts, retry policy, status and the dispatch of events to
 * channels. Subscriptions retain and release it; after the last one leaves and the linger
 * delay, it stops and tells `onIdle`.
 *
 * @example
 * const connection = createConnection(config);
 * connection.retain();
 */
export function createConnection(config: ConnectionConfig): Connection {
  const { platform, retry: policy, schedule, pauseWhenHiddenMs } = config;
  const openTimeoutMs = config.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  // The user's staleAfterMs, else 3 × the heartbeat interval the server announced.
  let staleAfterMs = config.staleAfterMs;
  // The latest events of every type (as many as the largest `buffer` asked for, at most
  // MAX_KEPT), so a late subscriber starts from them and its history is full at once.
  const latest = new Map<string, { event: ReceivedEvent; count: number }[]>();
  let kept = 1;
  const timers: Partial<Record<TimerName, unknown>> = {};
  // The snapshot subscribers read, and its coalesced notifications.
  const state = createObservable(IDLE_SOURCE, schedule, config.notify);
  let controller: AbortController | undefined;
  let live: TransportAttempt | undefined;
  let running = false;
  let paused = false;
  let failures = 0;
  // The current attempt delivered an event: its end is a healthy reconnect, not a failure.
  let progressed = false;
  let lastEventId = '';
  let serverRetryMs: number | undefined;
  let openedAt: number | null = null;
  let lastActivity = 0;
  let unwatch: Array<() => void> = [];
  let refs = 0;

  // Every change of the snapshot goes through here (from the named transitions below): a new
  // frozen object only when a field changed, so `get()` stays stable otherwise.
  const update = (patch: Partial<SourceSnapshot>): void => {
    const snapshot = state.get();
    let changed = false;
    for (const key in patch) {
      if (patch[key as keyof SourceSnapshot] !== snapshot[key as keyof SourceSnapshot]) {
        changed = true;
      }
    }
    if (!changed) return;
    state.set(Object.freeze({ ...snapshot, ...patch }));
    config.onChange(self);
  };

  // The named transitions: every change of status goes through one of these.
  const settled = (status: 'open' | 'done' | 'closed'): void =>
    update({ status, error: null, retry: NO_RETRY });
  const idled = (): void => update({ status: 'idle' });
  /** Waiting for the next attempt; `error` replaces the one shown, when there is a new one. */
  const retrying = (retry: RetryState, error?: SSEError): void =>
    update({ status: 'reconnecting', retry, ...(error && { error }) });

  const clear = (name: TimerName): void => {
    if (timers[name] === undefined) return;
    platform.clearTimeout(timers[name]);
    timers[name] = undefined;
  };
  // Every timer but the linger delay, which belongs to the subscriptions, not to the stream.
  const clearAll = (): void => {
    clear('retry');
    clear('stale');
    clear('hidden');
    clear('open');
  };
  const later = (name: TimerName, ms: number, fn: () => void): void => {
    clear(name);
    timers[name] = platform.setTimeout(() => {
      timers[name] = undefined;
      fn();
    }, ms);
  };

  const abort = (): void => {
    controller?.abort();
    controller = undefined;
    live = undefined;
  };

  const retryState = (attempt: number, delayMs: number | null, gaveUp = false): RetryState => ({
    attempt,
    delayMs,
    nextRetryAt: delayMs === null || gaveUp ? null : platform.now() + delayMs,
    gaveUp,
  });

  /**
   * Counts one more failure. An attempt that made progress (delivered an event, or stayed open
   * `stableAfterMs`) starts the count again from 1: the next delay is a healthy reconnect's.
   */
  const countFailure = (): { attempt: number; healthy: boolean } => {
    const healthy =
      progressed || (openedAt !== null && platform.now() - openedAt >= policy.stableAfterMs);
    if (healthy) failures = 0;
    openedAt = null;
    progressed = false;
    return { attempt: ++failures, healthy };
  };

  const giveUp = (error: SSEError): void => {
    update({ status: 'closed', error, retry: retryState(failures, null, true) });
  };

  const failed = (error: SSEError): void => {
    clear('stale');
    clear('open');
    const { attempt, healthy } = countFailure();
    if (error.kind === 'stopped' || !policy.shouldRetry(error) || attempt > policy.maxAttempts) {
      giveUp(error);
      return;
    }
    const delayMs = retryDelay(
      { attempt, healthy, serverRetryMs, retryAfterMs: error.retryAfterMs },
      policy,
      platform.random,
    );
    // No attempts while offline: `online` reconnects at once.
    const online = platform.isOnline();
    if (online) later('retry', delayMs, connect);
    retrying(retryState(attempt, online ? delayMs : null), error);
  };

  /** A native EventSource retries on its own: show it, count it, and respect `maxAttempts`. */
  const browserRetrying = (): void => {
    clear('stale');
    const { attempt } = countFailure();
    if (attempt > policy.maxAttempts) {
      abort();
      giveUp({ kind: 'network', message: 'The connection dropped and retries ran out.' });
      return;
    }
    // The browser waits the server's `retry:`; known here only when a transport reported it.
    retrying(retryState(attempt, serverRetryMs ?? null));
    // A browser retry that never gets an answer must not stay `reconnecting` for ever either.
    timeOpen((serverRetryMs ?? BROWSER_RETRY_MS) + openTimeoutMs);
  };

  /** Fails the attempt unless it opens within `ms`. */
  function timeOpen(ms: number): void {
    if (!(openTimeoutMs > 0 && openTimeoutMs < Number.POSITIVE_INFINITY)) return;
    later('open', ms, () => {
      abort();
      failed({
        kind: 'network',
        message: `No response in ${openTimeoutMs} ms (openTimeoutMs): is the server up, or a proxy buffering the stream? nginx: proxy_buffering off, or X-Accel-Buffering: no.`,
      });
    });
  }

  /** A finite stream reached its `until` event: end for good, keep every value. */
  const finish = (): void => {
    abort();
    clearAll();
    settled('done');
  };

  const reachedEnd = (event: ReceivedEvent): boolean => {
    if (!config.until) return false;
    try {
      return config.until(event);
    } catch (error) {
      // The app's bug: reported as EventTarget does, the stream carries on.
      platform.setTimeout(() => {
        throw error;
      }, 0);
      return false;
    }
  };

  // Staleness is checked against the time of the last byte, so a busy stream costs no timer churn.
  const watchStaleness = (): void => {
    const limit = staleAfterMs;
    if (limit === undefined) return;
    clear('stale');
    const check = (): void => {
      const quietFor = platform.now() - lastActivity;
      if (quietFor < limit) {
        later('stale', limit - quietFor, check);
      } else {
        abort();
        failed({
          kind: 'network',
          message: `No data for ${limit} ms: the stream is stale.`,
        });
      }
    };
    later('stale', limit, check);
  };

  function connect(): void {
    abort();
    clear('retry');
    clear('open');
    paused = false;
    const { status } = state.get();
    const fresh = status === 'idle' || status === 'closed' || status === 'done';
    update({ status: fresh ? 'connecting' : 'reconnecting' });
    if (!platform.isOnline()) return; // `online` calls connect()

    const attempt = new AbortController();
    controller = attempt;
    const { signal } = attempt;
    // Anything a superseded attempt reports is ignored: it must never reach subscribers.
    const current =
      <A extends unknown[]>(fn: (...args: A) => unknown) =>
      (...args: A): void => {
        if (!signal.aborted) fn(...args);
      };
    const sink: TransportSink = {
      open: current(() => {
        clear('open');
        openedAt = lastActivity = platform.now();
        settled('open');
        watchStaleness();
      }),
      event: current((event: ServerSentEvent) => {
        lastActivity = platform.now();
        const received: ReceivedEvent = { ...event, receivedAt: lastActivity };
        self.events++;
        progressed = true;
        lastEventId = event.lastEventId;
        if (event.type === RESET_EVENT) {
          update({ resets: state.get().resets + 1, lastResetAt: lastActivity });
        }
        const recent = latest.get(event.type) ?? [];
        const count = (recent.at(-1)?.count ?? 0) + 1;
        recent.push({ event: received, count });
        if (recent.length > kept) recent.splice(0, recent.length - kept);
        latest.set(event.type, recent);
        for (const channel of self.channels.get(event.type) ?? []) channel.push(received, count);
        for (const handler of self.handlers) call(schedule.report, handler, received);
        // Events and the last id are in the pool's inspection, not in the snapshot.
        config.onChange(self);
        if (reachedEnd(received)) finish();
      }),
      id: current((id: string) => {
        lastEventId = id;
      }),
      retry: current((ms: number) => {
        serverRetryMs = ms;
      }),
      heartbeat: current((ms: number) => {
        // The server's announcement turns stale detection on, unless the app chose its own.
        if (config.staleAfterMs !== undefined || !(ms > 0)) return;
        staleAfterMs = 3 * ms;
        watchStaleness();
      }),
      activity: current((bytes: number) => {
        self.bytes += bytes;
        lastActivity = platform.now();
      }),
      reconnecting: current(browserRetrying),
      warn: current((error: SSEError) => update({ error })),
      fail: current((error: SSEError) => {
        abort();
        failed(error);
      }),
      role: current((role: SourceRole) => {
        // A follower makes no request of its own: the leader's attempt has the open timeout.
        if (role === 'follower') clear('open');
        update({ role });
      }),
    };
    timeOpen(openTimeoutMs);
    try {
      const types = new Set(self.channels.keys());
      const started = config.transport({ url: config.url, lastEventId, signal, types }, sink);
      if (!signal.aborted) live = started;
    } catch (cause) {
      sink.fail({ kind: 'network', message: String(cause) });
    }
  }

  const waitingForNetwork = (): boolean =>
    !controller && (state.get().status === 'connecting' || state.get().status === 'reconnecting');

  const visibilityChanged = (): void => {
    if (platform.isVisible()) {
      clear('hidden');
      if (paused) connect();
      return;
    }
    if (timers.hidden !== undefined || pauseWhenHiddenMs === undefined) return;
    later('hidden', pauseWhenHiddenMs, () => {
      abort();
      clearAll();
      paused = true;
      idled();
    });
  };

  // First subscriber: connect, and follow the network and the page's visibility.
  const start = (): void => {
    if (running || platform.isServer) return;
    running = true;
    unwatch = [
      // Waiting for the network: try at once instead of at the end of a backoff delay.
      platform.onOnlineChange(() => platform.isOnline() && waitingForNetwork() && connect()),
    ];
    if (pauseWhenHiddenMs !== undefined) {
      unwatch.push(platform.onVisibilityChange(visibilityChanged));
    }
    connect();
  };

  // End everything, leave no timer behind.
  const halt = (): void => {
    if (!running) return;
    running = false;
    abort();
    clearAll();
    for (const fn of unwatch) fn();
    unwatch = [];
    config.transport.release?.();
    idled();
  };

  // The linger delay ran out (or there is none): stop, and let the owner forget this stream.
  const idle = (): void => {
    halt();
    config.onIdle(self);
  };

  const self: Connection & { events: number; bytes: number } = {
    config,
    get snapshot() {
      return state.get();
    },
    get lastEventId() {
      return lastEventId;
    },
    listeners: state.listeners,
    handlers: new Set(),
    channels: new Map(),
    get refs() {
      return refs;
    },
    get lingering() {
      return timers.linger !== undefined;
    },
    events: 0,
    bytes: 0,

    retain() {
      // A subscriber came back inside the linger delay: same connection, no churn.
      clear('linger');
      refs++;
      start();
      config.onChange(self);
    },

    release() {
      if (refs === 0) return;
      if (--refs === 0) {
        // A server never connects, so there is nothing to keep: no timer may outlive the request.
        if (config.lingerMs <= 0 || platform.isServer) idle();
        else later('linger', config.lingerMs, idle);
      }
      config.onChange(self);
    },

    stop() {
      clear('linger');
      refs = 0;
      halt();
    },

    reconnect() {
      if (!running) return;
      failures = 0;
      progressed = false;
      // A finished stream runs again from its start (a job re-run), not from its last id.
      if (state.get().status === 'done') lastEventId = '';
      connect();
    },

    close() {
      if (!running) return;
      abort();
      clearAll();
      settled('closed');
    },

    channel<T>(type: string, options: EventOptions<T>): EventChannel<T> {
      const list = self.channels.get(type) ?? [];
      const found = list.find((c) => c.matches(options as EventOptions));
      if (found) return found as EventChannel<T>;
      const created = createEventChannel<T>(type, options, schedule, config.notify);
      kept = Math.min(MAX_KEPT, Math.max(kept, options.buffer ?? 0));
      const last = latest.get(type);
      if (last) created.seed(last);
      self.channels.set(type, [...list, created as EventChannel]);
      // Native EventSource needs one listener per named type: follow subscriptions as they come.
      if (list.length === 0) live?.addType?.(type);
      return created;
    },

    dropChannel(channel) {
      const rest = (self.channels.get(channel.type) ?? []).filter((c) => c !== channel);
      if (rest.length > 0) {
        self.channels.set(channel.type, rest);
      } else if (self.channels.delete(channel.type)) {
        live?.removeType?.(channel.type);
      }
    },
  };
  return self;
}
