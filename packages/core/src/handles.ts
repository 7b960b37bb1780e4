import type { Connection } from './connection';
import {
  EMPTY_EVENT,
  type EventChannel,
  type EventOptions,
  sameEventOptions,
} from './event-channel';
import { join, listenThenRun } from './observable';
import type { StandardSchemaV1 } from './standard-schema';
import { IDLE_SOURCE } from './status';
import type {
  EventMap,
  EventSnapshot,
  Readable,
  ReceivedEvent,
  ServerSentEvent,
  SourceSnapshot,
} from './types';

/**
 * The payload type of an event: an explicit `T` wins, then the schema's output, then `parse`,
 * then the source's event map, else `unknown`. Every binding infers through this one type.
 */
export type EventData<T, Events, K, O> = [T] extends [never]
  ? O extends { schema: infer S extends StandardSchemaV1 }
    ? StandardSchemaV1.InferOutput<S>
    : O extends { parse: 'text' }
      ? string
      : O extends { parse: (data: string, event: ServerSentEvent) => infer R }
        ? R
        : K extends keyof Events
          ? Events[K]
          : unknown
  : T;

/** One event type of a source, read one way: latest value, errors, history, every event. */
export interface EventHandle<T> extends Readable<EventSnapshot<T>> {
  readonly type: string;
  readonly source: SourceHandle<any>;
  /** Calls `handler` for every event that parsed (and validated), in order, never coalesced. */
  on(handler: (data: T, event: ReceivedEvent) => void): () => void;
}

/** One stream. The first listener (here or on any of its events) connects; the last one leaves it. */
export interface SourceHandle<Events extends EventMap = EventMap> extends Readable<SourceSnapshot> {
  /** The absolute URL. */
  readonly url: string;
  /** Who shares this connection, for people: header names but never their values. */
  readonly description: string;
  /**
   * A handle on one event type. `parse` defaults to `'json'`; each event is parsed once.
   *
   * @example
   * const ticks = source.event('tick', { schema: Tick });
   * ticks.subscribe(({ data }) => render(data));
   */
  event<
    T = never,
    K extends (keyof Events & string) | (string & {}) = string,
    O extends EventOptions<any> = EventOptions<any>,
  >(type: K, options?: O): EventHandle<EventData<T, Events, K, O>>;
  /**
   * Calls `handler` for every event of every type, in order, never coalesced (logs, generic
   * consumers). A native `EventSource` delivers only `message` and the types something
   * subscribed to: use `transport: 'fetch'` to see every type.
   *
   * @example
   * const off = source.on((event) => console.log(event.type, event.data));
   */
  on(handler: (event: ReceivedEvent) => void): () => void;
  /** Drop the current attempt and connect again now, resuming from the last event id. */
  reconnect(): void;
  /** Close the stream for every subscriber until `reconnect()`. */
  close(): void;
}

/** The options an event handle was made with. */
interface OwnedEventHandle<T> extends EventHandle<T> {
  readonly options: EventOptions<T>;
}

/**
 * What handles need from their pool. A handle passes itself when it acquires: the pool may have
 * forgotten it (and its key) while nobody listened, and finds how to connect it from the handle.
 * The connection it gets is retained once; the subscription releases it on the connection.
 */
export interface HandleHost {
  connectionOf(key: string): Connection | undefined;
  acquire(key: string, handle: SourceHandle<any>): Connection;
}

/**
 * Creates the view on one pooled stream. Handles hold no state: the connection does, so a
 * handle kept across a release keeps working and still shares the one connection.
 *
 * @example
 * const source = createSourceHandle(host, key, url, description);
 */
export function createSourceHandle<Events extends EventMap>(
  host: HandleHost,
  key: string,
  url: string,
  description: string,
): SourceHandle<Events> {
  // Same type and options → the same event handle, so bindings get stable identities. Options
  // holding new functions each render would grow this, hence the small bound (handles hold no
  // state, so forgetting one is harmless).
  const events = new Map<string, OwnedEventHandle<any>[]>();
  const eventHandle = (type: string, options: EventOptions<any>): OwnedEventHandle<any> => {
    const list = events.get(type) ?? [];
    const found = list.find((h) => sameEventOptions(h.options, options));
    if (found) return found;
    const created = createEventHandle(host, key, handle, type, options);
    events.set(type, [created, ...list].slice(0, 8));
    return created;
  };
  const handle: SourceHandle<Events> = {
    url,
    description,
    get: () => host.connectionOf(key)?.snapshot ?? IDLE_SOURCE,
    listen: (listener) => {
      const connection = host.acquire(key, handle);
      return join(connection, connection.listeners, listener);
    },
    on: (handler) => {
      const connection = host.acquire(key, handle);
      return join(connection, connection.handlers, handler);
    },
    subscribe: (run) => listenThenRun(handle, run),
    event: (type, options = {} as never) => eventHandle(type, options),
    reconnect: () => host.connectionOf(key)?.reconnect(),
    close: () => host.connectionOf(key)?.close(),
  };
  return handle;
}

function createEventHandle<T>(
  host: HandleHost,
  key: string,
  source: SourceHandle<any>,
  type: string,
  options: EventOptions<T>,
): OwnedEventHandle<T> {
  const enter = <F>(handlers: boolean, fn: F): (() => void) => {
    const connection = host.acquire(key, source);
    const channel = connection.channel(type, options) as EventChannel;
    return join(
      connection,
      (handlers ? channel.handlers : channel.listeners) as Set<F>,
      fn,
      channel,
    );
  };
  const handle: OwnedEventHandle<T> = {
    type,
    source,
    options,
    get() {
      const channels = host.connectionOf(key)?.channels.get(type);
      const channel = channels?.find((c) => c.matches(options as EventOptions));
      return (channel?.snapshot as EventSnapshot<T> | undefined) ?? EMPTY_EVENT;
    },
    listen: (listener) => enter(false, listener),
    subscribe: (run) => listenThenRun(handle, run),
    on: (handler) => enter(true, handler),
  };
  return handle;
}
