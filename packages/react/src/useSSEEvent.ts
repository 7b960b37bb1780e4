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
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useBinding } from './usePool';

/** Options of {@link useSSEEvent}: how to read and connect, plus `select`, `isEqual`, `onEvent`. */
export interface UseSSEEventOptions<T, R = EventSnapshot<T>> extends EventBindingOptions<any> {
  /** Render from a slice: the component re-renders only when the slice changes (see `isEqual`). */
  select?: (snapshot: EventSnapshot<T>) => R;
  /** When two selected slices count as the same; default `Object.is`. */
  isEqual?: (a: R, b: R) => boolean;
  /** Called for every event, in order, never coalesced (logs, toasts). May be an inline arrow. */
  onEvent?: (data: T, event: ReceivedEvent) => void;
}

/** What one component's hook remembers between renders. */
interface Memo<R> extends Record<string, unknown> {
  onEvent?: (data: any, event: ReceivedEvent) => void;
  selection?: { snapshot: unknown; select: unknown; value: R };
}

// Mapped, so `O` infers property by property even beside inline `select`/`onEvent` arrows.
type Inferred<O> = { [P in keyof O]: O[P] };

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
  // One record per component for everything it remembers: fewer hooks, less memory per widget.
  const memo = useRef<Memo<R>>({}).current;
  const [pool, merged] = useBinding(read, memo);
  // Event handles are cached by type and reading options, so inline options keep the same handle.
  const handle = eventFor<EventData<T, Events, K, O>>(pool, target, type, merged);
  // The latest callback, so an inline arrow does not resubscribe on every render.
  memo.onEvent = onEvent;
  const listening = onEvent !== undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: memo.onEvent is read when an event arrives, on purpose.
  useEffect(
    () => (listening ? handle.on((data, event) => memo.onEvent?.(data, event)) : undefined),
    [handle, listening],
  );
  // Memoise the selection so useSyncExternalStore sees one value until the slice really changes.
  const pick = (snapshot: EventSnapshot<EventData<T, Events, K, O>>): R => {
    if (!select) return snapshot as R;
    const last = memo.selection;
    if (last?.snapshot === snapshot && last.select === select) return last.value;
    const next = select(snapshot);
    const value = last && isEqual(last.value, next) ? last.value : next;
    memo.selection = { snapshot, select, value };
    return value;
  };
  // `listen` is stable per handle and never calls at once: exactly what React subscribes with.
  return useSyncExternalStore(
    handle.listen,
    () => pick(handle.get()),
    () => pick(EMPTY_EVENT),
  );
}
