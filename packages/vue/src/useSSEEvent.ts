import {
  type EventBindingOptions,
  type EventData,
  type EventHandle,
  type EventMap,
  eventFor,
  type ReceivedEvent,
  type SourceTarget,
  type SSEError,
} from '@ssekit/core';
import type { MaybeRefOrGetter, Ref } from 'vue';
import { toValue } from 'vue';
import { useSSEPool } from './provideSSEPool';
import { isPlain, useSnapshot } from './useSnapshot';

/** Options of {@link useSSEEvent}: how to read the event, how to connect, and `onEvent`. */
export interface UseSSEEventOptions<T = unknown> extends Omit<EventBindingOptions<T>, 'enabled'> {
  /** `false` connects nothing and reports the empty snapshot. Default true. */
  enabled?: MaybeRefOrGetter<boolean | undefined>;
  /** Called for every event that parsed (and validated), never coalesced: logs, toasts. */
  onEvent?: (data: T, event: ReceivedEvent) => void;
}

// Without `onEvent`: a callback typed by the constraint would leave its `data` untyped.
type ReadOptions = Omit<UseSSEEventOptions<any>, 'onEvent'>;

// Mapped, so `O` infers property by property even beside an inline `onEvent` arrow.
type Inferred<O> = { [P in keyof O]: O[P] };

/** What {@link useSSEEvent} returns: each field of the event's snapshot as a readonly ref. */
export interface UseSSEEventReturn<T> {
  /** The latest good data; kept when a later event fails to parse or validate. */
  readonly data: Readonly<Ref<T | undefined>>;
  readonly error: Readonly<Ref<SSEError | null>>;
  readonly raw: Readonly<Ref<string | undefined>>;
  readonly lastEventId: Readonly<Ref<string>>;
  readonly receivedAt: Readonly<Ref<number | null>>;
  readonly count: Readonly<Ref<number>>;
  /** The last `buffer` good values, oldest first. */
  readonly history: Readonly<Ref<readonly T[]>>;
}

const KEYS = ['data', 'error', 'raw', 'lastEventId', 'receivedAt', 'count', 'history'] as const;

/**
 * The latest event of one type on a shared stream, as readonly refs; re-keys when `target`,
 * `type` or `enabled` change.
 *
 * @example
 * const { data: tick, error } = useSSEEvent('/api/ticker', 'tick', { schema: Tick });
 */
export function useSSEEvent<
  T = never,
  K extends string = string,
  O extends ReadOptions = ReadOptions,
  Events extends EventMap = EventMap,
>(
  target: MaybeRefOrGetter<SourceTarget<Events>>,
  type: MaybeRefOrGetter<K>,
  options?: Inferred<O> & UseSSEEventOptions<EventData<T, Events, K, O>>,
): UseSSEEventReturn<EventData<T, Events, K, O>> {
  type Data = EventData<T, Events, K, O>;
  const pool = useSSEPool();
  const { enabled, onEvent, ...read } = (options ?? {}) as UseSSEEventOptions<Data>;
  const handle = () =>
    eventFor<Data>(pool, toValue(target), toValue(type), { ...read, enabled: toValue(enabled) });
  // Plain inputs give one handle for good: no watcher needed to follow it.
  const fixed = isPlain(target) && isPlain(type) && isPlain(enabled);
  return useSnapshot(fixed ? handle() : handle, KEYS, onEvent && handlerOn(onEvent));
}

/**
 * Subscribes `onEvent` beside the snapshot, on whichever handle is current. Built outside the
 * composable so the subscription keeps only the callback, not the composable's other locals.
 */
function handlerOn<T>(
  onEvent: (data: T, event: ReceivedEvent) => void,
): (current: EventHandle<T>) => () => void {
  return (current) => current.on(onEvent);
}
