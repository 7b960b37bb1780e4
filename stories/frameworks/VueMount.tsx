import { useSSEPool } from '@ssekit/react';
import { createSSEPlugin } from '@ssekit/vue';
import { type ReactElement, useEffect, useRef } from 'react';
import { type Component, createApp } from 'vue';

/**
 * Props of {@link VueMount}.
 *
 * @example
 * const props: VueMountProps = { component: VueTicker };
 */
export interface VueMountProps {
  /** The Vue root component; its composables get the story's pool through `createSSEPlugin`. */
  readonly component: Component;
}

/**
 * Mounts a Vue app into a React story, sharing the story's pool, and unmounts it on cleanup.
 *
 * @example
 * export const Live = { render: () => <VueMount component={VueTicker} /> };
 */
export function VueMount({ component }: VueMountProps): ReactElement {
  const pool = useSSEPool();
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = host.current;
    if (!target) return undefined;
    const app = createApp(component).use(createSSEPlugin(pool));
    app.mount(target);
    return () => app.unmount();
  }, [component, pool]);
  return <div ref={host} />;
}
