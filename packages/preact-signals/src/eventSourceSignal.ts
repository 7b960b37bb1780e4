import type { ReadonlySignal } from '@preact/signals-core';
import {
  type EventMap,
  getDefaultPool,
  type Pool,
  type SourceBindingOptions,
  type SourceSnapshot,
  type SourceTarget,
  sourceFor,
} from '@ssekit/core';
import { readableSignal } from './readableSignal';

/** Options of {@link eventSourceSignal}: how to connect, and which pool to use. */
export interface EventSourceSignalOptions extends SourceBindingOptions {
  /** Default: the default pool. Pass one per app (or per test). */
  pool?: Pool;
}

/**
 * The state of one shared stream as a signal, connected exactly while an `effect` or a watched
 * `computed` reads it.
 *
 * @example
 * const source = eventSourceSignal('/api/ticker');
 * const offline = computed(() => source.value.status === 'reconnecting');
 */
export function eventSourceSignal<Events extends EventMap = EventMap>(
  target: SourceTarget<Events>,
  options: EventSourceSignalOptions = {},
): ReadonlySignal<SourceSnapshot> {
  const { pool = getDefaultPool(), ...init } = options;
  return readableSignal(sourceFor(pool, target, init));
}
