'use client';
import type {
  EventBindingOptions,
  EventData,
  EventHandle,
  EventMap,
  EventSnapshot,
  ReceivedEvent,
  SourceTarget,
} from '@ssekit/core';
import { EMPTY_EVENT, eventFor } from '@ssekit/core';
import { useRef, useSyncExternalStore } from 'react';
import { type Lazy, recordOf, useBinding } from './usePool';

/** Options of {@link useSSEEvent}: how to read and connect, plus `select`, `isEqual`, `onEvent`. */
export interface UseSSEEventOptions<T, R = EventSnapshot<T>> extends EventBindingOptions<any> {
  /** Render from a slice: the component re-renders only when the slice changes (see `isEqual`). */
  select?: (snapshot: EventSnapshot<T>) => R;
  /** When two selected slices count as the same; default `Object.is`. */
  isEqual?: (a: R, b: R) => boolean;
  /** Called for every event, in order, never coalesced (logs, toasts). May be an inline arrow. */
  onEvent?: (data: T, event: ReceivedEvent) => void;
}

type Subscribe = (onChange: () => void) => () => void;

/**
 * What one component's hook remembers between renders. Fields are set only when an option needs
 * them: an idle widget without `select` or `onEvent` keeps nothing here.
 */
interface Memo<R> extends Record<string, unknown> {
  onEvent?: (data: any, event: ReceivedEvent) => void;
  selection?: { snapshot: unknown; select: unknown; value: R };
  /** The subscribe function used while `onEvent` is set, and the handle it subscribes to. */
  subscribe?: Subscribe;
  subscribed?: EventHandle<unknown>;
}

// Mapped, so `O` infers property by property even beside inline `select`/`onEvent` arrows.
type Inferred<O> = { [P in keyof O]: O[P] };

// Without `select` the server (and hydration) renders the empty snapshot: one function for all.
const getEmptyEvent = (): EventSnapshot<never> => EMPTY_EVENT;

/**
 * The subscribe function for useSyncExternalStore. Without `onEvent` it is the handle's own
 * `listen`: stable per handle and never calls at once, so a component allocates nothing for it.
 * With `onEvent`, one function per component and handle also registers the handler (which calls
 * the latest `memo.onEvent`, so an inline arrow does not resubscribe on every render); React
 * resubscribes only when the handle changes or `onEvent` comes or goes.
 */
function subscribeFor(handle: EventHandle<unknown>, memo: Memo<unknown> | undefined): Subscribe {
  if (!memo?.onEvent) return handle.listen;
  if (memo.subscribed !== handle || !memo.subscribe) {
    memo.subscribed = handle;
    memo.subscribe = (onChange) => {
      const stopOn = handle.on((data, event) => memo.onEvent?.(data, event));
      const stop = handle.listen(onChange);
      return () => {
        stop();
        stopOn();
      };
    };
  }
  return memo.subscribe;
}

/**
 * Reads a slice through `select`, memoised so useSyncExternalStore sees one value until the
 * slice really changes (by `isEqual`). Outside the hook, so its closure holds only what it reads.
 */
function picker<S, R>(
  memo: Memo<R>,
  select: (snapshot: S) => R,
  isEqual: (a: R, b: R) => boolean,
): (snapshot: S) => R {
  return (snapshot) => {
    const last = memo.selection;
    if (last?.snapshot === snapshot && last.select === select) return last.value;
    const next = select(snapshot);
    const value = last && isEqual(last.value, next) ? last.value : next;
    memo.selection = { snapshot, select, value };
    return value;
  };
}

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
  type Snapshot = EventSnapshot<EventData<T, Events, K, O>>;
  const { select, isEqual = Object.is, onEvent, ...read } = options;
  // One record per component for everything it remembers, made only when an option needs it:
  // a plain widget pays for one ref and nothing more.
  const record = useRef<Memo<R>>(undefined) as Lazy<Memo<R>>;
  const [pool, merged] = useBinding(read, record);
  // Event handles are cached by type and reading options, so inline options keep the same handle.
  const handle = eventFor<EventData<T, Events, K, O>>(pool, target, type, merged);
  // The latest callback, read when an event arrives. Not written while there is none to forget.
  if (onEvent || record.current?.onEvent) recordOf(record).onEvent = onEvent;
  const subscribe = subscribeFor(handle as EventHandle<unknown>, record.current);
  const pick = select && picker<Snapshot, R>(recordOf(record), select, isEqual);
  // Without `select`, `get` is stable per handle and returns the core's cached snapshot: the
  // store needs no function of its own.
  return useSyncExternalStore(
    subscribe,
    pick ? () => pick(handle.get()) : (handle.get as () => R),
    pick ? () => pick(EMPTY_EVENT) : (getEmptyEvent as () => R),
  );
}
