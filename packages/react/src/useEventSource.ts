'use client';
import {
  type EventMap,
  IDLE_SOURCE,
  type SourceBindingOptions,
  type SourceHandle,
  type SourceSnapshot,
  type SourceTarget,
  sourceFor,
} from '@ssekit/core';
import { useInsertionEffect, useRef, useSyncExternalStore } from 'react';
import { type Kept, keptOf, useBinding } from './useSSEPool';

/** What {@link useEventSource} returns: the source's snapshot, plus its two commands. */
export interface UseEventSourceResult extends SourceSnapshot {
  /** Drop the current attempt and connect again now, resuming from the last event id. */
  reconnect(): void;
  /** Close the stream for every subscriber until `reconnect()`. */
  close(): void;
}

/** What a component committed last: its result, what it was made from, and its kept options. */
interface Committed {
  result: UseEventSourceResult;
  snapshot: SourceSnapshot;
  handle: SourceHandle<any>;
  kept: Kept | undefined;
}

// The server never subscribes: it renders the idle snapshot, and so does hydration.
const getServerSnapshot = (): SourceSnapshot => IDLE_SOURCE;

/**
 * The status of one shared stream: `status`, `error`, `retry`, `role`, `resets`.
 * Mounting connects (once per stream, however many components); `enabled: false` does not.
 *
 * @example
 * function Status() {
 *   const { status, retry, reconnect } = useEventSource('/api/ticker');
 *   return <button onClick={reconnect}>{status} {retry.attempt}</button>;
 * }
 */
export function useEventSource<Events extends EventMap = EventMap>(
  target: SourceTarget<Events>,
  options?: SourceBindingOptions,
): UseEventSourceResult {
  // Written after commit only: a render React discards leaves nothing behind.
  const ref = useRef<Committed>(undefined);
  const last = ref.current;
  const [pool, merged] = useBinding(options, last?.kept);
  // The pool returns the same handle for the same key, so an inline options object is free.
  const handle = sourceFor(pool, target, merged);
  // `listen` is stable per handle: React resubscribes only when the stream itself changes (re-key).
  const snapshot = useSyncExternalStore(handle.listen, handle.get, getServerSnapshot);
  // One result per snapshot and handle, so its identity changes only when they do.
  const result =
    last?.snapshot === snapshot && last.handle === handle
      ? last.result
      : { ...snapshot, reconnect: handle.reconnect, close: handle.close };
  useInsertionEffect(() => {
    if (last?.result !== result) ref.current = { result, snapshot, handle, kept: keptOf(merged) };
  });
  return result;
}
