'use client';
import type {
  EventBindingOptions,
  EventData,
  EventMap,
  EventSnapshot,
  ReceivedEvent,
  SourceTarget,
} from '@ssekit/core';
import { EMPTY_EVENT, eventFor } from '@ssekit/core';
import { useInsertionEffect, useRef, useSyncExternalStore } from 'react';
import { type Committed, selector, subscribeFor } from './committed';
import { keptOf, useBinding } from './useSSEPool';

/** Options of {@link useSSEEvent}: how to read and connect, plus `select`, `isEqual`, `onEvent`. */
export interface UseSSEEventOptions<T, R = EventSnapshot<T>> extends EventBindingOptions<any> {
  /** Render from a slice: the component re-renders only when the slice changes (see `isEqual`). */
  select?: (snapshot: EventSnapshot<T>) => R;
  /** When two selected slices count as the same; default `Object.is`. */
  isEqual?: (a: R, b: R) => boolean;
  /** Called for every event, in order, never coalesced (logs, toasts). May be an inline arrow. */
  onEvent?: (data: T, event: ReceivedEvent) => void;
}

// Mapped, so `O` infers property by property even beside inline `select`/`onEvent` arrows.
type Inferred<O> = { [P in keyof O]: O[P] };

// Without `select` the server (and hydration) renders the empty snapshot: one function for all.
const getEmptyEvent = (): EventSnapshot<never> => EMPTY_EVENT;
const nothing = (): void => {};

/**
 * The latest value of one event type of a shared stream (or, with `select`, a slice of it).
 *
 * @example
 * const { data, error } = useSSEEvent<{ price: number }>('/api/ticker', 'tick');
 */
export function useSSEEvent<
  T = never,
  K extends string = string,
  O extends EventBindingOptions<any> = EventBindingOptions<any>,
  Events extends EventMap = EventMap,
  R = EventSnapshot<EventData<T, Events, K, O>>,
>(
  target: SourceTarget<Events>,
  type: K,
  options: Inferred<O> & UseSSEEventOptions<EventData<T, Events, K, O>, R> = {} as never,
): R {
  const { select, isEqual = Object.is, onEvent, ...read } = options;
  // Only what was committed is read back: see `Committed`.
  const ref = useRef<Committed>(undefined);
  const last = ref.current;
  const [pool, merged] = useBinding(read, last?.kept);
  // Event handles are cached by type and reading options, so inline options keep the same handle.
  const handle = eventFor(pool, target, type, merged);
  const subscribe = subscribeFor(handle, onEvent, ref);
  const pick = select && { ...last?.pick };
  const get = pick && select && selector(pick, select, isEqual);
  const kept = keptOf(merged);
  // A plain widget commits nothing and keeps no closure for it.
  const commit = (): void => {
    ref.current = { kept, onEvent, handle, subscribe, pick };
  };
  useInsertionEffect(kept || onEvent || pick || last ? commit : nothing);
  return useSyncExternalStore(
    subscribe,
    get ? () => get(handle.get()) : (handle.get as () => R),
    get ? () => get(EMPTY_EVENT) : (getEmptyEvent as () => R),
  );
}
