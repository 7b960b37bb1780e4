import {
  type EventMap,
  type RetryState,
  type SourceBindingOptions,
  type SourceRole,
  type SourceSnapshot,
  type SourceTarget,
  type SSEError,
  sourceFor,
} from '@ssekit/core';
import { type MaybeRefOrGetter, type Ref, toValue } from 'vue';
import { useSSEPool } from './provideSSEPool';
import { isPlain, useSnapshot } from './useSnapshot';

/** Options of {@link useEventSource}: how to connect; `enabled` may be a ref or a getter. */
export interface UseEventSourceOptions extends Omit<SourceBindingOptions, 'enabled'> {
  /** `false` connects nothing and reports the idle snapshot. Default true. */
  enabled?: MaybeRefOrGetter<boolean | undefined>;
}

/** What {@link useEventSource} returns: readonly refs on the source, plus its controls. */
export interface UseEventSourceReturn {
  readonly status: Readonly<Ref<SourceSnapshot['status']>>;
  readonly error: Readonly<Ref<SSEError | null>>;
  readonly retry: Readonly<Ref<RetryState>>;
  readonly role: Readonly<Ref<SourceRole>>;
  /** How many times the server could not resume and continued live (`ssekit:reset`). */
  readonly resets: Readonly<Ref<number>>;
  readonly lastResetAt: Readonly<Ref<number | null>>;
  /** Drop the current attempt and connect again now, resuming from the last event id. */
  reconnect(): void;
  /** Close the stream for every subscriber until `reconnect()`. */
  close(): void;
}

const KEYS = ['status', 'error', 'retry', 'role', 'resets', 'lastResetAt'] as const;

/**
 * The state of one shared stream as readonly refs; re-keys when `target` or `enabled` change.
 *
 * @example
 * const { status, error, retry } = useEventSource(() => `/api/rooms/${props.room}/events`);
 */
export function useEventSource<Events extends EventMap = EventMap>(
  target: MaybeRefOrGetter<SourceTarget<Events>>,
  options: UseEventSourceOptions = {},
): UseEventSourceReturn {
  const pool = useSSEPool();
  const { enabled, ...init } = options;
  const handle = () => sourceFor(pool, toValue(target), { ...init, enabled: toValue(enabled) });
  if (isPlain(target) && isPlain(enabled)) {
    // Plain inputs give one handle for good: its own controls, and no watcher to follow it.
    const fixed = handle();
    return useSnapshot(fixed, KEYS, undefined, { reconnect: fixed.reconnect, close: fixed.close });
  }
  return useSnapshot(handle, KEYS, undefined, {
    reconnect: () => handle().reconnect(),
    close: () => handle().close(),
  });
}
