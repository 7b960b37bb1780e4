import {
  type EventMap,
  type Pool,
  type SourceBindingOptions,
  type SourceHandle,
  type SourceSnapshot,
  type SourceTarget,
  sourceFor,
} from '@ssekit/core';
import { getSSEPool } from './context.js';
import { withCurrent } from './current.svelte.js';

/** Options of {@link eventSource}: how to connect, and which pool to use. */
export interface EventSourceOptions extends SourceBindingOptions {
  /** Default: the pool from `setSSEPool`, else the default pool. */
  pool?: Pool;
}

/** A source handle that is a store of its snapshot (`$source.status`) and has `current`. */
export interface SourceStore<Events extends EventMap = EventMap> extends SourceHandle<Events> {
  /** The latest snapshot, for runes; subscribed only while an effect or template reads it. */
  readonly current: SourceSnapshot;
}

/**
 * The state of one shared stream as a store: `$source.status`, or `source.current.status`.
 *
 * @example
 * const source = eventSource('/api/ticker');
 * // in markup: {$source.status} · <button onclick={source.reconnect}>retry</button>
 */
export function eventSource<Events extends EventMap = EventMap>(
  target: SourceTarget<Events>,
  options: EventSourceOptions = {},
): SourceStore<Events> {
  const { pool = getSSEPool(), ...init } = options;
  return withCurrent(sourceFor(pool, target, init));
}
