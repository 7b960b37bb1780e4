import type { Readable } from '@ssekit/core';
import { getCurrentInstance, onMounted, type Ref, shallowRef, toRef, watch } from 'vue';

type SnapshotOf<H> = H extends Readable<infer S> ? S : never;

/** Each picked field of a handle's snapshot as a readonly ref. */
export type SnapshotRefs<H, K extends keyof SnapshotOf<H>> = {
  readonly [P in K]: Readonly<Ref<SnapshotOf<H>[P]>>;
};

/**
 * The fields of a handle's snapshot as readonly refs: subscribed while the component is mounted
 * (or the effect scope lives), following the handle `handle()` resolves to as its inputs change
 * (handles are cached, so the same inputs give the same handle and no resubscription). `also` adds subscriptions
 * that live exactly as long; `extra` members are returned beside the refs.
 *
 * @example
 * const { status } = useSnapshot(() => pool.source(toValue(url)), ['status']);
 */
export function useSnapshot<H extends Readable<any>, K extends keyof SnapshotOf<H>, X = object>(
  handle: () => H,
  keys: readonly K[],
  also?: (current: H) => (() => void) | undefined,
  extra?: X,
): SnapshotRefs<H, K> & X {
  const snapshot = shallowRef(handle().get());
  const follow = (): void => {
    watch(
      handle,
      (current, _previous, onCleanup) => {
        const stop = current.subscribe((value) => (snapshot.value = value));
        const stopAlso = also?.(current);
        // One cleanup: before Vue 3.5 a second onCleanup replaced the first.
        onCleanup(() => {
          stop();
          stopAlso?.();
        });
      },
      { immediate: true },
    );
  };
  // A component subscribes once mounted (the watch then belongs to it): hydration renders the
  // idle snapshot the server rendered, and a server (which never mounts) never subscribes, so
  // nothing leaks there. A bare effect scope subscribes at once, in a browser.
  if (getCurrentInstance()) onMounted(follow);
  else if (typeof window !== 'undefined') follow();
  const refs = { ...extra } as Record<PropertyKey, unknown>;
  // Getter refs, not computeds: a field read is cheap, and a widget holds several of them.
  for (const key of keys) refs[key] = toRef(() => snapshot.value[key]);
  return refs as SnapshotRefs<H, K> & X;
}
