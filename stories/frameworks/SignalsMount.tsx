import { type Pool, useSSEPool } from '@ssekit/react';
import { type ReactElement, useEffect, useRef } from 'react';

/**
 * Builds signal-driven DOM into `target` with `pool`; returns the cleanup that disposes its
 * effects (which unsubscribes) and removes the nodes.
 *
 * @example
 * const render: SignalsRender = (target, pool) => { … return () => dispose(); };
 */
export type SignalsRender = (target: HTMLElement, pool: Pool) => () => void;

/**
 * Mounts plain DOM driven by `@preact/signals-core` effects into a React story, sharing the
 * story's pool, and disposes it on cleanup.
 *
 * @example
 * export const Live = { render: () => <SignalsMount render={renderSignalsTicker} /> };
 */
export function SignalsMount({ render }: { readonly render: SignalsRender }): ReactElement {
  const pool = useSSEPool();
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = host.current;
    return target ? render(target, pool) : undefined;
  }, [render, pool]);
  return <div ref={host} />;
}
