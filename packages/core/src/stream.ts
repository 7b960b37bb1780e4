import { type AttemptWatch, createAttemptWatch, type WatchTimer } from './attempt-watch';
import type { Observable } from './observable';
import type { Platform } from './platform';
import type { RetryPolicy } from './retry';
import { createRetryCounter, type RetryCounter } from './retry-counter';
import type { NotifyMode, Scheduler } from './scheduler';
import { createStatus, type Status } from './status';
import type { Timers } from './timers';
import {
  RESET_EVENT,
  type Transport,
  type TransportAttempt,
  type TransportSink,
} from './transport';
import type { ReceivedEvent, SourceSnapshot, SSEError } from './types';

// What Chromium and Firefox wait before their own retry when the server sent no `retry:`.
const BROWSER_RETRY_MS = 3000;

/** Everything one stream needs, resolved by the pool. */
export interface StreamConfig {
  readonly url: string;
  readonly transport: Transport;
  readonly retry: Required<RetryPolicy>;
  /** No bytes for this long counts as a drop. */
  readonly staleAfterMs?: number;
  /**
   * No open within this long fails the attempt (then the normal backoff); default
   * `DEFAULT_OPEN_TIMEOUT_MS` (30 s), 0 or Infinity turns it off.
   */
  readonly openTimeoutMs?: number;
  /** Close after the page has been hidden this long; resume when visible. */
  readonly pauseWhenHiddenMs?: number;
  readonly platform: Platform;
  readonly schedule: Scheduler;
  readonly notify: NotifyMode;
}

export type StreamTimer = WatchTimer | 'retry' | 'hidden';

/** What a stream tells the connection that owns it. */
export interface StreamOwner {
  /** An event of the current attempt. */
  receive(event: ReceivedEvent): void;
  /** The event types subscribed now: what a new attempt listens to. */
  types(): Iterable<string>;
  /** The snapshot or the counters changed. */
  changed(): void;
}

/** One stream's attempts and the status they add up to (the connection owns its subscribers). */
export interface Stream {
  readonly state: Observable<SourceSnapshot>;
  /** The last event id seen: every new attempt resumes from it. */
  readonly lastEventId: string;
  readonly events: number;
  readonly bytes: number;
  /** Connects, and follows the network and the page's visibility. */
  start(): void;
  /** Ends everything, leaves no timer behind, and goes `idle`. */
  halt(): void;
  /** Drops the current attempt and connects again now, from the last event id. */
  reconnect(): void;
  /** Stops until `reconnect()`: status `closed`. */
  close(): void;
  /** A finite stream reached its last event: status `done`. */
  finish(): void;
  /** The live attempt, for event types subscribed while it runs. */
  readonly attempt: TransportAttempt | undefined;
}

/**
 * Creates a stream: each attempt goes through the transport; failures follow the retry policy;
 * every change of status is one of the named transitions of `status.ts`.
 *
 * @example
 * const stream = createStream(config, timers, { receive, types: () => [], changed() {} });
 * stream.start();
 */
export function createStream(
  config: StreamConfig,
  timers: Timers<StreamTimer>,
  owner: StreamOwner,
): Stream {
  const { platform } = config;
  const status = createStatus(config.schedule, config.notify, owner.changed);
  const { state } = status;
  const retries = createRetryCounter(config.retry, platform);
  let controller: AbortController | undefined;
  let running = false;
  let paused = false;
  let unfollow = (): void => {};

  const abort = (): void => {
    controller?.abort();
    controller = self.attempt = undefined;
  };
  const stopAttempt = (): void => {
    abort();
    watch.stop();
    timers.clear('retry', 'hidden');
  };

  const failed = (error: SSEError): void => {
    abort();
    watch.stop();
    const online = platform.isOnline();
    const next = retries.failed(error, online);
    if (next.gaveUp) {
      status.gaveUp(next, error);
    } else {
      if (online) timers.set('retry', next.delayMs!, connect);
      status.retrying(next, error);
    }
  };
  const watch = createAttemptWatch(platform, timers, config, failed);

  function connect(): void {
    abort();
    // The new attempt's own open timeout replaces whatever watched the last one.
    watch.stop();
    timers.clear('retry');
    paused = false;
    status.attempting();
    if (!platform.isOnline()) return; // `online` calls connect()
    const attempt = new AbortController();
    controller = attempt;
    const sink = current(attempt.signal, report);
    watch.awaitOpen();
    try {
      const types = new Set(owner.types());
      const url = config.url;
      const started = config.transport(
        { url, lastEventId: self.lastEventId, signal: attempt.signal, types },
        sink,
      );
      if (!attempt.signal.aborted) self.attempt = started;
    } catch (cause) {
      sink.fail({ kind: 'network', message: String(cause) });
    }
  }

  const waitingForNetwork = (): boolean => {
    const { status } = state.get();
    return !controller && (status === 'connecting' || status === 'reconnecting');
  };

  const self: Stream & Progress & { attempt: TransportAttempt | undefined } = {
    state,
    lastEventId: '',
    events: 0,
    bytes: 0,
    attempt: undefined,
    start() {
      if (running || platform.isServer) return;
      running = true;
      unfollow = followPage(platform, timers, config.pauseWhenHiddenMs, {
        online: () => waitingForNetwork() && connect(),
        visible: () => paused && connect(),
        hidden() {
          stopAttempt();
          paused = true;
          status.idled();
        },
      });
      connect();
    },
    halt() {
      if (!running) return;
      running = false;
      stopAttempt();
      unfollow();
      config.transport.release?.();
      status.idled();
    },
    reconnect() {
      if (!running) return;
      retries.reset();
      // A finished stream runs again from its start (a job re-run), not from its last id.
      if (state.get().status === 'done') self.lastEventId = '';
      connect();
    },
    close() {
      if (!running) return;
      stopAttempt();
      status.settled('closed');
    },
    finish() {
      stopAttempt();
      status.settled('done');
    },
  };
  // What every attempt reports; each attempt's sink passes it on until the attempt is superseded.
  const report = reports({
    platform,
    status,
    retries,
    watch,
    owner,
    abort,
    failed,
    progress: self,
  });
  return self;
}

/** What an attempt's reports count, besides the status. */
interface Progress {
  lastEventId: string;
  events: number;
  bytes: number;
}

/** The parts of a stream that an attempt's reports change. */
interface Reported {
  readonly platform: Platform;
  readonly status: Status;
  readonly retries: RetryCounter;
  readonly watch: AttemptWatch;
  readonly owner: StreamOwner;
  readonly progress: Progress;
  /** Ends the current attempt. */
  abort(): void;
  /** The current attempt failed: retry after the policy's delay, or give up. */
  failed(error: SSEError): void;
}

/** How each report of an attempt changes the stream. */
function reports(stream: Reported): TransportSink {
  const { platform, status, retries, watch, owner, progress } = stream;
  return {
    open() {
      retries.opened();
      status.settled('open');
      watch.opened();
    },
    event(event) {
      watch.activity();
      const received: ReceivedEvent = { ...event, receivedAt: platform.now() };
      progress.events++;
      progress.lastEventId = event.lastEventId;
      retries.progressed();
      if (event.type === RESET_EVENT) status.wasReset(received.receivedAt);
      owner.receive(received);
    },
    id(id) {
      progress.lastEventId = id;
    },
    retry: (ms) => retries.serverRetry(ms),
    heartbeat: (ms) => watch.heartbeat(ms),
    activity(bytes) {
      progress.bytes += bytes;
      watch.activity();
    },
    // A native EventSource retries on its own: show it, count it, respect `maxAttempts`.
    reconnecting() {
      watch.stop();
      const next = retries.browserRetried();
      if (next.gaveUp) {
        stream.abort();
        status.gaveUp(next, {
          kind: 'network',
          message: 'The connection dropped and retries ran out.',
        });
      } else {
        status.retrying(next);
        // A browser retry that never gets an answer must not stay `reconnecting` for ever either.
        watch.awaitOpen(next.delayMs ?? BROWSER_RETRY_MS);
      }
    },
    warn: (error) => status.warned(error),
    fail: (error) => stream.failed(error),
    role(role) {
      // A follower makes no request of its own: the leader's attempt has the open timeout.
      if (role === 'follower') watch.following();
      status.roleChanged(role);
    },
  };
}

/**
 * Follows the page: back online, a stream waiting for the network tries at once instead of at
 * the end of its backoff; with `pauseWhenHiddenMs`, hidden that long pauses it and visible
 * again resumes it. Returns the unfollow.
 */
function followPage(
  platform: Platform,
  timers: Timers<StreamTimer>,
  pauseWhenHiddenMs: number | undefined,
  on: { online(): unknown; visible(): unknown; hidden(): void },
): () => void {
  const unfollow = [platform.onOnlineChange(() => platform.isOnline() && on.online())];
  if (pauseWhenHiddenMs !== undefined) {
    const visibilityChanged = (): void => {
      if (platform.isVisible()) {
        timers.clear('hidden');
        on.visible();
      } else if (!timers.pending('hidden')) {
        timers.set('hidden', pauseWhenHiddenMs, on.hidden);
      }
    };
    unfollow.push(platform.onVisibilityChange(visibilityChanged));
  }
  return () => {
    for (const fn of unfollow) fn();
  };
}

/** The sink of one attempt: once the attempt is aborted, whatever it still reports is dropped. */
function current(signal: AbortSignal, sink: TransportSink): TransportSink {
  const guarded: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(sink) as [string, (...args: unknown[]) => void][]) {
    guarded[name] = (...args: unknown[]): void => {
      if (!signal.aborted) fn(...args);
    };
  }
  return guarded as unknown as TransportSink;
}
