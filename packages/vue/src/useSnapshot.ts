import type { Readable } from '@ssekit/core';
import {
  getCurrentInstance,
  getCurrentScope,
  isRef,
  onMounted,
  onScopeDispose,
  type Ref,
  type ShallowRef,
  shallowRef,
  toRef,
  watch,
} from 'vue';

type SnapshotOf<H> = H extends Readable<infer S> ? S : never;

/** Each picked field of a handle's snapshot as a readonly ref. */
export type SnapshotRefs<H, K extends keyof SnapshotOf<H>> = {
  readonly [P in K]: Readonly<Ref<SnapshotOf<H>[P]>>;
};

/**
 * True for a value that can never change: neither a ref nor a getter. (A `SourceHandle` target is
 * an object, so a function here is always a getter.)
 *
 * @example
 * const fixed = isPlain(target) && isPlain(enabled);
 */
export function isPlain(value: unknown): boolean {
  return !isRef(value) && typeof value !== 'function';
}

/** Subscriptions that live exactly as long as the snapshot's (a binding's `onEvent`). */
type Also<H> = ((current: H) => (() => void) | undefined) | undefined;

/**
 * The fields of a handle's snapshot as readonly refs: subscribed while the component is mounted
 * (or the effect scope lives). `handle` is the handle itself when every input of the caller is a
 * plain value: it can never change, so one subscription is all it costs. When some input is a ref
 * or a getter, `handle` is a getter, and the refs follow the handle it resolves to as the inputs
 * change (handles are cached, so the same inputs give the same handle and no resubscription).
 * `also` adds subscriptions that live exactly as long; `extra` members are returned beside the refs.
 *
 * @example
 * const { status } = useSnapshot(pool.source('/api/ticker'), ['status']);
 * const { data } = useSnapshot(() => pool.source(toValue(url)).event('tick'), ['data']);
 */
export function useSnapshot<H extends Readable<any>, K extends keyof SnapshotOf<H>, X = object>(
  handle: H | (() => H),
  keys: readonly K[],
  also?: Also<H>,
  extra?: X,
): SnapshotRefs<H, K> & X {
  // A handle is an object, never a function: a function here is a getter over reactive inputs.
  const fixed = typeof handle !== 'function';
  const snapshot = shallowRef<SnapshotOf<H>>((fixed ? handle : handle()).get());
  whenLive(fixed ? hold(handle, snapshot, also) : follow(handle, snapshot, also));
  const refs = { ...extra } as Record<PropertyKey, unknown>;
  // Getter refs, not computeds: a field read is cheap, and a widget holds several of them.
  for (const key of keys) refs[key] = toRef(() => snapshot.value[key]);
  return refs as SnapshotRefs<H, K> & X;
}

/**
 * Runs `start` when the subscription may begin. A component subscribes once mounted: hydration
 * renders the idle snapshot the server rendered, and a server (which never mounts) never
 * subscribes, so nothing leaks there. A bare effect scope subscribes at once, in a browser.
 */
function whenLive(start: () => void): void {
  if (getCurrentInstance()) onMounted(start);
  else if (typeof window !== 'undefined') start();
}

/** Feeds `snapshot` from `current`, with `also`; returns the one function that ends both. */
function feed<H extends Readable<any>>(
  current: H,
  snapshot: ShallowRef<SnapshotOf<H>>,
  also: Also<H>,
): () => void {
  const stop = current.subscribe((value: SnapshotOf<H>) => (snapshot.value = value));
  const stopAlso = also?.(current);
  if (!stopAlso) return stop;
  return () => {
    stop();
    stopAlso();
  };
}

/**
 * Plain inputs: the handle never changes, so no watcher. The subscription starts when the
 * returned function runs, and ends with the component or effect scope (outside any scope
 * nothing ends it). It registers its own stop function once subscribed: a mounted hook runs in
 * its component's scope, so no cleanup closure waits beside it.
 */
function hold<H extends Readable<any>>(
  handle: H,
  snapshot: ShallowRef<SnapshotOf<H>>,
  also: Also<H>,
): () => void {
  return () => {
    const stop = feed(handle, snapshot, also);
    if (getCurrentScope()) onScopeDispose(stop);
  };
}

/**
 * Reactive inputs: a watcher follows the handle `handle()` resolves to, resubscribing when it
 * changes. Started in `onMounted` or in the scope, the watcher ends with the component or scope.
 */
function follow<H extends Readable<any>>(
  handle: () => H,
  snapshot: ShallowRef<SnapshotOf<H>>,
  also: Also<H>,
): () => void {
  return () => {
    watch(handle, (current, _previous, onCleanup) => onCleanup(feed(current, snapshot, also)), {
      immediate: true,
    });
  };
}
