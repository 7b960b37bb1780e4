import { EventChannel, type EventOptions } from './event-channel';
import type { Platform } from './platform';
import { backoffDelay, type RetryPolicy } from './retry';
import type { NotifyMode, Scheduler } from './scheduler';
import type { Transport, TransportAttempt, TransportOpenInfo, TransportSink } from './transport';
import type { ReceivedEvent, RetryState, ServerSentEvent, SourceSnapshot, SSEError } from './types';

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
  lastEventId: '',
  role: 'local',
});

/** Everything one connection needs, resolved by the pool. */
export interface ConnectionConfig {
  readonly url: string;
  readonly transport: Transport;
  readonly retry: Required<RetryPolicy>;
  /** No bytes for this long counts as a drop. */
  readonly staleAfterMs: number | undefined;
  /** Close after the page has been hidden this long; resume when visible. */
  readonly pauseWhenHiddenMs: number | undefined;
  readonly platform: Platform;
  readonly scheduler: Scheduler;
  readonly notify: NotifyMode;
  /** Called on every change, for the pool's inspection and warnings. */
  readonly onChange: (connection: Connection) => void;
}

interface Latest {
  event: ReceivedEvent;
  count: number;
}

/**
 * One stream: its attempts, retry policy, status and the dispatch of events to channels.
 * The pool decides when it starts and stops; subscribers never touch it directly.
 */
export class Connection {
  snapshot: SourceSnapshot = IDLE_SOURCE;
  readonly listeners = new Set<(snapshot: SourceSnapshot) => void>();
  readonly channels = new Map<string, EventChannel[]>();
  /** Subscriptions of every kind; the pool closes the connection when this reaches 0. */
  refs = 0;
  events = 0;
  bytes = 0;
  openedAt: number | null = null;
  lingerTimer: unknown;

  private readonly latest = new Map<string, Latest>();
  private notified: SourceSnapshot = IDLE_SOURCE;
  private controller: AbortController | undefined;
  private live: TransportAttempt | undefined;
  private running = false;
  private failures = 0;
  private serverRetryMs: number | undefined;
  private lastActivity = 0;
  private retryTimer: unknown;
  private staleTimer: unknown;
  private hiddenTimer: unknown;
  private paused = false;
  private unwatch: Array<() => void> = [];

  constructor(readonly config: ConnectionConfig) {}

  /** First subscriber: connect, and follow the network and the page's visibility. */
  start(): void {
    const { platform, pauseWhenHiddenMs } = this.config;
    if (this.running || platform.isServer) return;
    this.running = true;
    this.unwatch.push(
      platform.onOnlineChange(() => {
        // Waiting for the network: try at once instead of at the end of a backoff delay.
        if (platform.isOnline() && this.waitingForNetwork()) this.connect();
      }),
    );
    if (pauseWhenHiddenMs !== undefined) {
      this.unwatch.push(platform.onVisibilityChange(() => this.visibilityChanged()));
    }
    this.connect();
  }

  /** Last subscriber gone (after the linger delay): end everything, leave no timer behind. */
  stop(): void {
    this.running = false;
    this.abort();
    this.clearTimers();
    for (const unwatch of this.unwatch) unwatch();
    this.unwatch = [];
    this.update({ status: 'idle' });
  }

  /** Drop the current attempt and connect again now, from the last event id. */
  reconnect(): void {
    if (!this.running) return;
    this.failures = 0;
    this.paused = false;
    this.connect();
  }

  /** Stop this stream until `reconnect()` (or until it is released and acquired again). */
  close(): void {
    if (!this.running) return;
    this.abort();
    this.clearTimers();
    this.update({ status: 'closed', error: null, retry: NO_RETRY });
  }

  /** The channel reading `type` with `options`, created (and seeded with the latest event) on demand. */
  channel<T>(type: string, options: EventOptions<T>): EventChannel<T> {
    const list = this.channels.get(type) ?? [];
    const found = list.find((c) => c.matches(options as EventOptions));
    if (found) return found as EventChannel<T>;
    const created = new EventChannel<T>(type, options, this.config.scheduler, this.config.notify);
    const latest = this.latest.get(type);
    if (latest) created.seed(latest.event, latest.count);
    this.channels.set(type, [...list, created as EventChannel]);
    // Native EventSource needs one listener per named type: follow subscriptions as they come.
    if (list.length === 0) this.live?.addType?.(type);
    return created;
  }

  /** Forget a channel nobody reads any more; the connection and other types carry on. */
  dropChannel(channel: EventChannel): void {
    const list = this.channels.get(channel.type);
    if (!list) return;
    const rest = list.filter((c) => c !== channel);
    if (rest.length > 0) {
      this.channels.set(channel.type, rest);
    } else {
      this.channels.delete(channel.type);
      this.live?.removeType?.(channel.type);
    }
  }

  flush(): void {
    const snapshot = this.snapshot;
    if (snapshot === this.notified) return;
    this.notified = snapshot;
    for (const listener of [...this.listeners]) listener(snapshot);
  }

  private connect(): void {
    const { platform, transport, url } = this.config;
    this.abort();
    this.clearTimer('retryTimer');
    this.paused = false;
    const status = this.snapshot.status === 'idle' || this.snapshot.status === 'closed';
    this.update({ status: status ? 'connecting' : 'reconnecting' });
    if (!platform.isOnline()) return; // `online` will call connect()

    const controller = new AbortController();
    this.controller = controller;
    const { signal } = controller;
    // Anything a superseded attempt reports is ignored: it must never reach subscribers.
    const sink: TransportSink = {
      open: (info) => !signal.aborted && this.opened(info),
      event: (event) => !signal.aborted && this.dispatch(event),
      retry: (ms) => {
        if (!signal.aborted) this.serverRetryMs = ms;
      },
      activity: (bytes) => {
        if (signal.aborted) return;
        this.bytes += bytes;
        this.lastActivity = platform.now();
      },
      reconnecting: () => !signal.aborted && this.browserRetrying(),
      warn: (error) => !signal.aborted && this.update({ error }),
      fail: (error) => {
        if (signal.aborted) return;
        this.abort();
        this.failed(error);
      },
      role: (role) => !signal.aborted && this.update({ role }),
    };
    try {
      const live = transport(
        {
          url,
          lastEventId: this.snapshot.lastEventId,
          signal,
          types: new Set(this.channels.keys()),
        },
        sink,
      );
      if (!signal.aborted) this.live = live;
    } catch (cause) {
      sink.fail({
        kind: 'network',
        message: cause instanceof Error ? cause.message : String(cause),
      });
    }
  }

  private opened(_info: TransportOpenInfo): void {
    this.openedAt = this.config.platform.now();
    this.lastActivity = this.openedAt;
    this.update({ status: 'open', error: null, retry: NO_RETRY });
    this.watchStaleness();
  }

  private dispatch(event: ServerSentEvent): void {
    const now = this.config.platform.now();
    const received: ReceivedEvent = {
      type: event.type,
      data: event.data,
      lastEventId: event.lastEventId,
      receivedAt: now,
    };
    this.events++;
    this.lastActivity = now;
    if (event.lastEventId !== this.snapshot.lastEventId) {
      this.update({ lastEventId: event.lastEventId });
    }
    const count = (this.latest.get(event.type)?.count ?? 0) + 1;
    this.latest.set(event.type, { event: received, count });
    const channels = this.channels.get(event.type);
    if (channels) for (const channel of channels) channel.push(received, count);
  }

  /** A native EventSource retries on its own: show it, count it, and respect `maxAttempts`. */
  private browserRetrying(): void {
    this.clearTimer('staleTimer');
    const attempt = this.countFailure();
    if (attempt > this.config.retry.maxAttempts) {
      this.abort();
      this.giveUp({ kind: 'network', message: 'The connection dropped and retries ran out.' });
      return;
    }
    this.update({
      status: 'reconnecting',
      retry: { attempt, delayMs: this.serverRetryMs ?? null, nextRetryAt: null, gaveUp: false },
    });
  }

  private failed(error: SSEError): void {
    const { retry, platform } = this.config;
    this.clearTimer('staleTimer');
    const attempt = this.countFailure();
    if (error.kind === 'stopped' || !retry.shouldRetry(error) || attempt > retry.maxAttempts) {
      this.giveUp(error);
      return;
    }
    let delayMs = backoffDelay(
      attempt,
      this.serverRetryMs ?? retry.initialDelayMs,
      retry.maxDelayMs,
      platform.random,
    );
    if (error.retryAfterMs !== undefined) delayMs = Math.max(delayMs, error.retryAfterMs);
    if (!platform.isOnline()) {
      // No attempts while offline: `online` reconnects at once.
      this.update({
        status: 'reconnecting',
        error,
        retry: { attempt, delayMs: null, nextRetryAt: null, gaveUp: false },
      });
      return;
    }
    this.retryTimer = platform.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delayMs);
    this.update({
      status: 'reconnecting',
      error,
      retry: { attempt, delayMs, nextRetryAt: platform.now() + delayMs, gaveUp: false },
    });
  }

  private giveUp(error: SSEError): void {
    this.update({
      status: 'closed',
      error,
      retry: { attempt: this.failures, delayMs: null, nextRetryAt: null, gaveUp: true },
    });
  }

  /** Counts one more failure; a connection that had stayed open long enough starts again from 1. */
  private countFailure(): number {
    const { platform, retry } = this.config;
    if (this.openedAt !== null && platform.now() - this.openedAt >= retry.stableAfterMs) {
      this.failures = 0;
    }
    this.openedAt = null;
    return ++this.failures;
  }

  private waitingForNetwork(): boolean {
    const { status } = this.snapshot;
    return !this.controller && (status === 'connecting' || status === 'reconnecting');
  }

  // Staleness is checked against the time of the last byte, so a busy stream costs no timer churn.
  private watchStaleness(): void {
    const { staleAfterMs, platform } = this.config;
    if (staleAfterMs === undefined) return;
    this.clearTimer('staleTimer');
    const check = (): void => {
      const quietFor = platform.now() - this.lastActivity;
      if (quietFor < staleAfterMs) {
        this.staleTimer = platform.setTimeout(check, staleAfterMs - quietFor);
        return;
      }
      this.staleTimer = undefined;
      this.abort();
      this.failed({
        kind: 'network',
        message: `No data for ${staleAfterMs} ms: the stream is stale.`,
      });
    };
    this.staleTimer = platform.setTimeout(check, staleAfterMs);
  }

  private visibilityChanged(): void {
    const { platform, pauseWhenHiddenMs } = this.config;
    if (platform.isVisible()) {
      this.clearTimer('hiddenTimer');
      if (this.paused) this.connect();
      return;
    }
    if (this.hiddenTimer !== undefined || pauseWhenHiddenMs === undefined) return;
    this.hiddenTimer = platform.setTimeout(() => {
      this.hiddenTimer = undefined;
      this.abort();
      this.clearTimers();
      this.paused = true;
      this.update({ status: 'idle' });
    }, pauseWhenHiddenMs);
  }

  private abort(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.live = undefined;
  }

  private clearTimer(name: 'retryTimer' | 'staleTimer' | 'hiddenTimer'): void {
    if (this[name] === undefined) return;
    this.config.platform.clearTimeout(this[name]);
    this[name] = undefined;
  }

  private clearTimers(): void {
    this.clearTimer('retryTimer');
    this.clearTimer('staleTimer');
    this.clearTimer('hiddenTimer');
  }

  private update(patch: Partial<SourceSnapshot>): void {
    const current = this.snapshot;
    let changed = false;
    for (const key in patch) {
      if (patch[key as keyof SourceSnapshot] !== current[key as keyof SourceSnapshot])
        changed = true;
    }
    if (!changed) return;
    this.snapshot = Object.freeze({ ...current, ...patch });
    this.config.scheduler.schedule(this, this.config.notify);
    this.config.onChange(this);
  }
}
