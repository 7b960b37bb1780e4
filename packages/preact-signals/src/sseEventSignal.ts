import type { ReadonlySignal } from '@preact/signals-core';
import {
  type EventBindingOptions,
  type EventData,
  type EventMap,
  type EventSnapshot,
  eventFor,
  getDefaultPool,
  type Pool,
  type SourceTarget,
} from '@ssekit/core';
import { readableSignal } from './readableSignal';

/** Options of {@link sseEventSignal}: how to read the event, how to connect, which pool. */
export interface SSEEventSignalOptions<T = unknown> extends EventBindingOptions<T> {
  /** Default: the default pool. Pass one per app (or per test). */
  pool?: Pool;
}

/**
 * The latest event of one type on a shared stream as a signal of its snapshot, connected
 * exactly while an `effect` or a watched `computed` reads it.
 *
 * @example
 * const ticks = sseEventSignal('/api/ticker', 'tick', { schema: Tick });
 * const price = computed(() => ticks.value.data?.price ?? 0);
 */
export function sseEventSignal<
  T = never,
  K extends string = string,
  O extends SSEEventSignalOptions<any> = SSEEventSignalOptions<any>,
  Events extends EventMap = EventMap,
>(
  target: SourceTarget<Events>,
  type: K,
  options?: O,
): ReadonlySignal<EventSnapshot<EventData<T, Events, K, O>>> {
  const { pool = getDefaultPool(), ...read } = options ?? {};
  return readableSignal(eventFor<EventData<T, Events, K, O>>(pool, target, type, read));
}
