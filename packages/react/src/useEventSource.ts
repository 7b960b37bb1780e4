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
import { useRef, useSyncExternalStore } from 'react';
import { type Lazy, recordOf, useBinding } from './usePool';

/** What {@link useEventSource} returns: the source's snapshot, plus its two commands. */
export interface UseEventSourceResult extends SourceSnapshot {
  /** Drop the current attempt and connect again now, resuming from the last event id. */
  reconnect(): void;
  /** Close the stream for every subscriber until `reconnect()`. */
  close(): void;
}

/** What one component's hook remembers: the last result, and what it was made from. */
interface Memo extends Record<string, unknown> {
  result?: UseEventSourceResult;
  snapshot?: SourceSnapshot;
  handle?: SourceHandle<any>;
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
  // One record per component for everything it remembers (no useMemo: one hook fewer).
  const record = useRef<Memo>(undefined) as Lazy<Memo>;
  const [pool, merged] = useBinding(options, record);
  // The pool returns the same handle for the same key, so an inline options object is free.
  const handle = sourceFor(pool, target, merged);
  // `listen` is stable per handle: React resubscribes only when the stream itself changes (re-key).
  const snapshot = useSyncExternalStore(handle.listen, handle.get, getServerSnapshot);
  // One result per snapshot and handle, so its identity changes only when they do.
  const memo = recordOf(record);
  if (memo.snapshot !== snapshot || memo.handle !== handle || !memo.result) {
    memo.result = { ...snapshot, reconnect: handle.reconnect, close: handle.close };
    memo.snapshot = snapshot;
    memo.handle = handle;
  }
  return memo.result;
}
