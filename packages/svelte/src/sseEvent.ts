import {
  type EventBindingOptions,
  type EventData,
  type EventHandle,
  type EventMap,
  type EventSnapshot,
  eventFor,
  type Pool,
  type SourceTarget,
} from '@ssekit/core';
import { getSSEPool } from './context.js';
import { withCurrent } from './current.svelte.js';

/** Options of {@link sseEvent}: how to read the event, how to connect, and which pool to use. */
export interface SSEEventOptions<T = unknown> extends EventBindingOptions<T> {
  /** Default: the pool from `setSSEPool`, else the default pool. */
  pool?: Pool;
}

/** An event handle that is a store of its snapshot (`$ticks.data`) and has `current`. */
export interface EventStore<T> extends EventHandle<T> {
  /** The latest snapshot, for runes; subscribed only while an effect or template reads it. */
  readonly current: EventSnapshot<T>;
}

/**
 * The latest event of one type on a shared stream, as a store: `$ticks.data`, or
 * `ticks.current.data`; `ticks.on(fn)` sees every event.
 *
 * @example
 * const ticks = sseEvent('/api/ticker', 'tick', { schema: Tick });
 * // in markup: {$ticks.data?.price ?? '…'}
 */
export function sseEvent<
  T = never,
  K extends string = string,
  O extends SSEEventOptions<any> = SSEEventOptions<any>,
  Events extends EventMap = EventMap,
>(target: SourceTarget<Events>, type: K, options?: O): EventStore<EventData<T, Events, K, O>> {
  const { pool = getSSEPool(), ...read } = options ?? {};
  return withCurrent(eventFor<EventData<T, Events, K, O>>(pool, target, type, read));
}
