import type { Readable } from '@ssekit/core';
import { createSubscriber } from 'svelte/reactivity';

/** A core handle that runes can read: `current` is its latest snapshot. */
export type WithCurrent<H extends Readable<unknown>> = H & {
  /** The latest snapshot; read in an effect or a template, it stays subscribed while read. */
  readonly current: ReturnType<H['get']>;
};

/**
 * Adds a rune-friendly `current` to a handle, which already is a store (`$handle`).
 *
 * @example
 * const ticks = withCurrent(pool.source('/api/ticker').event('tick'));
 * $effect(() => console.log(ticks.current.data));
 */
export function withCurrent<H extends Readable<unknown>>(handle: H): WithCurrent<H> {
  // Listens (and so connects) only while some effect reads `current`; a read outside any
  // effect just returns the snapshot, with no subscription to clean up.
  const track = createSubscriber((update) => handle.listen(update));
  return Object.defineProperty({ ...handle }, 'current', {
    get() {
      track();
      return handle.get();
    },
  }) as WithCurrent<H>;
}
