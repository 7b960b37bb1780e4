import { type Connection, IDLE_SOURCE } from './connection';
import {
  EMPTY_EVENT,
  type EventChannel,
  type EventOptions,
  sameEventOptions,
} from './event-channel';
import type { StandardSchemaV1 } from './standard-schema';
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
 * The function to store for one subscription: itself, or (when the same function already
 * subscribed) a wrapper, so each subscription has its own entry and ends only its own.
 */
function distinct<F>(set: Set<F>, fn: F): F {
  if (!set.has(fn)) return fn;
  return ((...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args)) as F;
}

/** One subscription to a set on the source's connection; the returned function ends only it. */
function join<F>(
  host: HandleHost,
  key: string,
  handle: SourceHandle<any>,
  setOf: (connection: Connection) => Set<F>,
  fn: F,
): () => void {
  const connection = host.acquire(key, handle);
  const set = setOf(connection);
  const entry = distinct(set, fn);
  set.add(entry);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    set.delete(entry);
    connection.release();
  };
}

function listenThenRun<S>(handle: Readable<S>, run: (value: S) => void): () => void {
  // Listen first: a late subscriber's channel is seeded on listen, and `run` must see that value.
  const stop = handle.listen(run);
  run(handle.get());
  return stop;
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
    listen: (listener) => join(host, key, handle, (c) => c.listeners, listener),
    on: (handler) => join(host, key, handle, (c) => c.handlers, handler),
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
  // One closure per subscription, no wrappers: idle subscriptions are what a dashboard holds most.
  const join = <F>(handlers: boolean, fn: F): (() => void) => {
    const connection = host.acquire(key, source);
    const channel = connection.channel(type, options);
    const set = (handlers ? channel.handlers : channel.listeners) as Set<F>;
    const entry = distinct(set, fn);
    set.add(entry);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      set.delete(entry);
      if (channel.refs === 0) connection.dropChannel(channel as EventChannel);
      connection.release();
    };
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
    listen: (listener) => join(false, listener),
    subscribe: (run) => listenThenRun(handle, run),
    on: (handler) => join(true, handler),
  };
  return handle;
}
