import { type Pool, useSSEPool } from '@ssekit/react';
import { type ReactElement, useEffect, useRef } from 'react';
import { type Component, mount, unmount } from 'svelte';

/**
 * Props of {@link SvelteMount}.
 *
 * @example
 * const props: SvelteMountProps = { component: SvelteTicker };
 */
export interface SvelteMountProps {
  /** A Svelte 5 component taking the story's pool as its `pool` prop. */
  readonly component: Component<{ pool: Pool }>;
}

/**
 * Mounts a Svelte component into a React story, handing it the story's pool, and unmounts it on
 * cleanup.
 *
 * @example
 * export const Live = { render: () => <SvelteMount component={SvelteTicker} /> };
 */
export function SvelteMount({ component }: SvelteMountProps): ReactElement {
  const pool = useSSEPool();
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = host.current;
    if (!target) return undefined;
    const instance = mount(component, { target, props: { pool } });
    return () => {
      void unmount(instance);
    };
  }, [component, pool]);
  return <div ref={host} />;
}
