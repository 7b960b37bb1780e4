'use client';
import type { EventHandle, ReceivedEvent } from '@ssekit/core';
import type { Kept } from './useSSEPool';

/** A subscribe function for useSyncExternalStore. */
export type Subscribe = (onChange: () => void) => () => void;

/** The slice `select` made last, with what it was made from. */
export type Selection = { snapshot?: unknown; select?: unknown; value?: unknown };

/**
 * What a `useSSEEvent` component committed last, made only when an option needs it (a plain
 * widget keeps nothing). Written after commit only, so a render React discards (it suspended, or a
 * concurrent render was thrown away) never reaches the live subscription. Internal.
 */
export interface Committed {
  kept: Kept | undefined;
  onEvent: ((data: any, event: ReceivedEvent) => void) | undefined;
  handle: EventHandle<unknown>;
  subscribe: Subscribe;
  /** The committed render's selection: its store reads keep it current between renders. */
  pick: Selection | undefined;
}

/**
 * The subscribe function for useSyncExternalStore. Without `onEvent`, the handle's own `listen`:
 * stable per handle, nothing allocated. With it, one function per handle that also calls the
 * committed `onEvent` for every event, so an inline arrow does not resubscribe on every render.
 * Internal.
 *
 * @example
 * const subscribe = subscribeFor(handle, onEvent, ref);
 */
export function subscribeFor(
  handle: EventHandle<unknown>,
  onEvent: unknown,
  ref: { readonly current: Committed | undefined },
): Subscribe {
  const last = ref.current;
  if (!onEvent) return handle.listen;
  if (last?.onEvent && last.handle === handle) return last.subscribe;
  return (onChange) => {
    const stopOn = handle.on((data, event) => ref.current?.onEvent?.(data, event));
    const stop = handle.listen(onChange);
    return () => {
      stop();
      stopOn();
    };
  };
}

/**
 * Reads a slice through `select`, memoised in `pick` (this render's own copy) so the store sees
 * one value per snapshot, and keeps the previous slice while `isEqual` says it is the same.
 * Internal.
 *
 * @example
 * const get = selector({ ...committed?.pick }, select, Object.is);
 */
export function selector<R>(
  pick: Selection,
  select: (snapshot: any) => R,
  isEqual: (a: R, b: R) => boolean,
): (snapshot: unknown) => R {
  return (snapshot) => {
    if (pick.snapshot === snapshot && pick.select === select) return pick.value as R;
    const next = select(snapshot);
    const value = 'value' in pick && isEqual(pick.value as R, next) ? (pick.value as R) : next;
    pick.snapshot = snapshot;
    pick.select = select;
    pick.value = value;
    return value;
  };
}
