'use client';
import { type EventBindingOptions, getDefaultPool, type Pool } from '@ssekit/core';
import { createContext, useContext } from 'react';

/**
 * Options every hook below a provider starts from; a hook's own options win. `parse` and `schema`
 * stay per hook, because they decide the type of `data` where the hook is called.
 */
export type SSEDefaults = Omit<EventBindingOptions, 'parse' | 'schema'>;

/** What {@link SSEProvider} hands down. Internal: read it through the hooks. */
export interface SSEContextValue {
  /** Undefined without a provider: the hooks then use the default pool (created on the client only). */
  readonly pool: Pool | undefined;
  readonly options: SSEDefaults;
}

/**
 * The context behind {@link SSEProvider}; internal, not exported by the package.
 *
 * @example
 * <SSEContext.Provider value={{ pool, options: {} }}>{children}</SSEContext.Provider>
 */
export const SSEContext = createContext<SSEContextValue>({ pool: undefined, options: {} });

/**
 * The pool the hooks below use: the nearest {@link SSEProvider}'s, else the default pool.
 *
 * @example
 * const pool = useSSEPool();
 * const ticker = pool.source<{ tick: Tick }>('/api/ticker'); // a typed handle for useSSEEvent
 */
export function useSSEPool(): Pool {
  return useContext(SSEContext).pool ?? getDefaultPool();
}

/**
 * The name `useSSEPool` had in 0.1; it stays until 1.0 so apps that follow the 0.1 README keep
 * building.
 *
 * @deprecated Use {@link useSSEPool}: the pool getter has the same name in React and Vue.
 * @example
 * const pool = usePool(); // → useSSEPool()
 */
export const usePool: () => Pool = useSSEPool;

/**
 * The pool and options a hook binds with: its own options over the provider's defaults. An option
 * passed as `undefined` (an optional prop passed through) keeps the default. Function and schema
 * options enter the pool's keys by identity, so an inline arrow would be a new stream (or reading)
 * on every render: `kept` holds the ones this component committed first (see {@link keptOf}),
 * and they stand for later ones (remount with a `key` to change them). Reads only. Internal.
 *
 * @example
 * const [pool, merged] = useBinding(options, ref.current?.kept);
 */
export function useBinding<O extends object>(
  options: O | undefined,
  kept: Kept | undefined,
): [Pool, SSEDefaults & O] {
  const context = useContext(SSEContext);
  const merged: Kept = { ...context.options };
  for (const key in options) if (options[key] !== undefined) merged[key] = options[key];
  if (kept) for (const key in kept) if (byIdentity(key, merged[key])) merged[key] = kept[key];
  return [context.pool ?? getDefaultPool(), merged as SSEDefaults & O];
}

/** Function and schema options a component committed, by name. */
export type Kept = Record<string, unknown>;

/**
 * What a hook keeps after a commit from the options it bound with: its function and schema
 * options, or `undefined` when it has none (most widgets keep nothing). Internal.
 *
 * @example
 * useInsertionEffect(() => { ref.current = { kept: keptOf(merged) }; });
 */
export function keptOf(merged: object): Kept | undefined {
  let kept: Kept | undefined;
  for (const key of BY_IDENTITY) {
    const value = (merged as Kept)[key];
    if (!byIdentity(key, value)) continue;
    kept ??= {};
    kept[key] = value;
  }
  return kept;
}

const BY_IDENTITY = ['parse', 'schema', 'headers', 'fetch', 'EventSource', 'transport'] as const;

const byIdentity = (key: string, value: unknown): boolean =>
  typeof value === 'function' || (key === 'schema' && !!value);
