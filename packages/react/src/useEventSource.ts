'use client';
import {
  type EventMap,
  IDLE_SOURCE,
  type SourceBindingOptions,
  type SourceSnapshot,
  type SourceTarget,
  sourceFor,
} from '@ssekit/core';
import { useMemo, useRef, useSyncExternalStore } from 'react';
import { useBinding } from './usePool';

/** What {@link useEventSource} returns: the source's snapshot, plus its two commands. */
export interface UseEventSourceResult extends SourceSnapshot {
  /** Drop the current attempt and connect again now, resuming from the last event id. */
  reconnect(): void;
  /** Close the stream for every subscriber until `reconnect()`. */
  close(): void;
}

// The server never subscribes: it renders the idle snapshot, and so does hydration.
const getServerSnapshot = (): SourceSnapshot => IDLE_SOURCE;

/**
 * The status of one shared stream: `status`, `error`, `retry`, `lastEventId`, `role`.
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
  const [pool, merged] = useBinding(options, useRef({}).current);
  // The pool returns the same handle for the same key, so an inline options object is free.
  const handle = sourceFor(pool, target, merged);
  // `listen` is stable per handle: React resubscribes only when the stream itself changes (re-key).
  const snapshot = useSyncExternalStore(handle.listen, handle.get, getServerSnapshot);
  return useMemo(
    () => ({ ...snapshot, reconnect: handle.reconnect, close: handle.close }),
    [snapshot, handle],
  );
}
