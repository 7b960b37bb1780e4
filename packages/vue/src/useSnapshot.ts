import type { Readable } from '@ssekit/core';
import { getCurrentInstance, onMounted, type Ref, shallowRef, toRef, watch } from 'vue';

type SnapshotOf<H> = H extends Readable<infer S> ? S : never;

/** Each picked field of a handle's snapshot as a readonly ref. */
export type SnapshotRefs<H, K extends keyof SnapshotOf<H>> = {
  readonly [P in K]: Readonly<Ref<SnapshotOf<H>[P]>>;
};

/**
 * The fields of a handle's snapshot as readonly refs: subscribed while the component is mounted
 * (or the effect scope lives), following the handle when it changes. `also` adds subscriptions
 * that live exactly as long.
 *
 * @example
 * const { status } = useSnapshot(computed(() => pool.source(toValue(url))), ['status']);
 */
export function useSnapshot<H extends Readable<any>, K extends keyof SnapshotOf<H>>(
  handle: Readonly<Ref<H>>,
  keys: readonly K[],
  also?: (current: H) => (() => void) | undefined,
): SnapshotRefs<H, K> {
  const snapshot = shallowRef(handle.value.get());
  const instance = getCurrentInstance();
  // A component subscribes once mounted: hydration then renders the idle snapshot the server
  // rendered, and a server (which never mounts) never subscribes, so nothing leaks there. A bare
  // effect scope subscribes at once, in a browser.
  const live = shallowRef(!instance && typeof window !== 'undefined');
  if (instance) onMounted(() => (live.value = true));
  watch(
    () => live.value && handle.value,
    (current, _previous, onCleanup) => {
      if (!current) return;
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
  const refs = {} as { [P in K]: Readonly<Ref<unknown>> };
  // Getter refs, not computeds: a field read is cheap, and a widget holds several of them.
  for (const key of keys) refs[key] = toRef(() => snapshot.value[key]);
  return refs as SnapshotRefs<H, K>;
}
