import { type ReadonlySignal, signal } from '@preact/signals-core';
import type { Readable } from '@ssekit/core';

/**
 * A signal that mirrors a core handle, subscribed exactly while something watches it (an
 * `effect`, or a `computed` that is itself watched): the first watcher connects, the last one
 * leaves. Unwatched, it keeps the value it last saw.
 *
 * @example
 * const status = readableSignal(pool.source('/api/ticker'));
 * effect(() => console.log(status.value.status));
 */
export function readableSignal<S>(handle: Readable<S>): ReadonlySignal<S> {
  let stop: (() => void) | undefined;
  const mirror = signal(handle.get(), {
    watched() {
      // subscribe() reads the current value too, so a late watcher starts from the latest event.
      stop = handle.subscribe((value) => {
        mirror.value = value;
      });
    },
    unwatched() {
      stop?.();
      stop = undefined;
    },
  });
  return mirror;
}
