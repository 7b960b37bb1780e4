import { createEventChannel, type EventChannel, type EventOptions } from './event-channel';
import { call } from './scheduler';
import { createStream, type Stream, type StreamConfig, type StreamTimer } from './stream';
import { createTimers } from './timers';
import type { ReceivedEvent, SourceSnapshot } from './types';

/** Everything one connection needs, resolved by the pool. */
export interface ConnectionConfig extends StreamConfig {
  /** A finite stream: after this event reached every subscriber, the stream ends as `done`. */
  readonly until?: (event: ReceivedEvent) => boolean;
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
  /** Its attempts: the last event id, events and bytes received (for the inspector). */
  readonly stream: Stream;
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

type Kept = { event: ReceivedEvent; count: number };

/**
 * Creates one stream's connection: its subscribers, the events kept for late ones, and the
 * linger delay. Subscriptions retain and release it; the first starts the stream, and after the
 * last one leaves and the linger delay, it stops and tells `onIdle`.
 *
 * @example
 * const connection = createConnection(config);
 * connection.retain();
 */
export function createConnection(config: ConnectionConfig): Connection {
  const timers = createTimers<StreamTimer | 'linger'>(config.platform);
  // The latest events of every type (as many as the largest `buffer` asked for, at most
  // MAX_KEPT), so a late subscriber starts from them and its history is full at once.
  const latest = new Map<string, Kept[]>();
  let kept = 1;
  let refs = 0;

  const receive = (received: ReceivedEvent): void => {
    const recent = latest.get(received.type) ?? [];
    const count = (recent.at(-1)?.count ?? 0) + 1;
    recent.push({ event: received, count });
    if (recent.length > kept) recent.splice(0, recent.length - kept);
    latest.set(received.type, recent);
    for (const channel of self.channels.get(received.type) ?? []) channel.push(received, count);
    for (const handler of self.handlers) call(config.schedule.report, handler, received);
    // Events and the last id are in the pool's inspection, not in the snapshot.
    config.onChange(self);
    if (reachedEnd(config, received)) stream.finish();
  };
  const stream = createStream(config, timers, {
    receive,
    types: () => self.channels.keys(),
    changed: () => config.onChange(self),
  });

  // The linger delay ran out (or there is none): stop, and let the owner forget this stream.
  const idle = (): void => {
    stream.halt();
    config.onIdle(self);
  };

  const self: Connection = {
    config,
    get snapshot() {
      return stream.state.get();
    },
    stream,
    listeners: stream.state.listeners,
    handlers: new Set(),
    channels: new Map(),
    get refs() {
      return refs;
    },
    get lingering() {
      return timers.pending('linger');
    },

    retain() {
      // A subscriber came back inside the linger delay: same connection, no churn.
      timers.clear('linger');
      refs++;
      stream.start();
      config.onChange(self);
    },
    release() {
      if (refs === 0) return;
      if (--refs === 0) {
        // A server never connects, so there is nothing to keep: no timer may outlive the request.
        if (config.lingerMs <= 0 || config.platform.isServer) idle();
        else timers.set('linger', config.lingerMs, idle);
      }
      config.onChange(self);
    },
    stop() {
      timers.clear('linger');
      refs = 0;
      stream.halt();
    },
    reconnect: () => stream.reconnect(),
    close: () => stream.close(),

    channel<T>(type: string, options: EventOptions<T>): EventChannel<T> {
      const list = self.channels.get(type) ?? [];
      const found = list.find((c) => c.matches(options as EventOptions));
      if (found) return found as EventChannel<T>;
      const created = createEventChannel<T>(type, options, config.schedule, config.notify);
      kept = Math.min(MAX_KEPT, Math.max(kept, options.buffer ?? 0));
      const last = latest.get(type);
      if (last) created.seed(last);
      self.channels.set(type, [...list, created as EventChannel]);
      // Native EventSource needs one listener per named type: follow subscriptions as they come.
      if (list.length === 0) stream.attempt?.addType?.(type);
      return created;
    },
    dropChannel(channel) {
      const rest = (self.channels.get(channel.type) ?? []).filter((c) => c !== channel);
      if (rest.length > 0) {
        self.channels.set(channel.type, rest);
      } else if (self.channels.delete(channel.type)) {
        stream.attempt?.removeType?.(channel.type);
      }
    },
  };
  return self;
}

/** Whether a finite stream's `until` says this event is its last. */
function reachedEnd(config: ConnectionConfig, event: ReceivedEvent): boolean {
  if (!config.until) return false;
  try {
    return config.until(event);
  } catch (error) {
    // The app's bug: reported as EventTarget does, the stream carries on.
    config.platform.setTimeout(() => {
      throw error;
    }, 0);
    return false;
  }
}
