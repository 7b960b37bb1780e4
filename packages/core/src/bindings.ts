import { EMPTY_EVENT, type EventOptions } from './event-channel';
import type { EventHandle, SourceHandle } from './handles';
import type { SourceInit } from './options';
import type { Pool } from './pool';
import { IDLE_SOURCE } from './status';
import type { EventMap, EventSnapshot, ReceivedEvent, SourceSnapshot } from './types';

/** What a binding accepts as a stream: a URL, or a handle you already hold. */
export type SourceTarget<Events extends EventMap = EventMap> = string | URL | SourceHandle<Events>;

/** Options every binding's `useEventSource` / `eventSource` takes. */
export interface SourceBindingOptions extends SourceInit {
  /** `false` connects nothing and reports the idle snapshot. Default true. */
  enabled?: boolean;
}

/** Options every binding's `useSSEEvent` / `sseEvent` takes: how to read, and how to connect. */
export interface EventBindingOptions<T = unknown>
  extends EventOptions<T>,
    Omit<SourceBindingOptions, 'notify'> {}

const noop = (): void => {};

/** A source that never connects: what `enabled: false` binds to. */
export const DISABLED_SOURCE: SourceHandle<any> = {
  url: '',
  description: 'disabled',
  get: () => IDLE_SOURCE,
  listen: () => noop,
  subscribe(run: (value: SourceSnapshot) => void) {
    run(IDLE_SOURCE);
    return noop;
  },
  on: () => noop,
  event: () => DISABLED_EVENT as never,
  reconnect: noop,
  close: noop,
};

/** An event handle that never connects: what `enabled: false` binds to. */
export const DISABLED_EVENT: EventHandle<never> = {
  type: '',
  source: DISABLED_SOURCE,
  get: () => EMPTY_EVENT,
  listen: () => noop,
  subscribe(run: (value: EventSnapshot<never>) => void) {
    run(EMPTY_EVENT);
    return noop;
  },
  on: (_handler: (data: never, event: ReceivedEvent) => void) => noop,
};

const EVENT_KEYS = ['parse', 'schema', 'buffer', 'notify'] as const;

/**
 * The source handle a binding should subscribe to: from a URL through the pool, or the handle given.
 *
 * @example
 * const source = sourceFor(pool, '/api/ticker', { enabled: isLoggedIn });
 */
export function sourceFor<Events extends EventMap>(
  pool: Pool,
  target: SourceTarget<Events>,
  options: SourceBindingOptions = {},
): SourceHandle<Events> {
  if (options.enabled === false) return DISABLED_SOURCE;
  if (typeof target !== 'string' && !(target instanceof URL)) return target;
  const init: SourceInit & { enabled?: boolean } = { ...options };
  delete init.enabled;
  return pool.source<Events>(target, init);
}

/**
 * The event handle a binding should subscribe to. Reading options (`parse`, `schema`, `buffer`,
 * `notify`) go to the event; the rest says how to connect.
 *
 * @example
 * const ticks = eventFor(pool, '/api/ticker', 'tick', { schema: Tick, headers: auth });
 */
export function eventFor<T>(
  pool: Pool,
  target: SourceTarget<any>,
  type: string,
  options: EventBindingOptions<any> = {},
): EventHandle<T> {
  if (options.enabled === false) return DISABLED_EVENT as EventHandle<T>;
  const init: Record<string, unknown> = { ...options };
  const read: Record<string, unknown> = {};
  for (const key of EVENT_KEYS) {
    if (init[key] !== undefined) read[key] = init[key];
    delete init[key];
  }
  return sourceFor(pool, target, init as SourceBindingOptions).event(type, read) as EventHandle<T>;
}
