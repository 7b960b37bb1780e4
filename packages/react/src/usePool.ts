'use client';
import { getDefaultPool, type Pool } from '@ssekit/core';
import { createContext, useContext } from 'react';
import type { SSEDefaults } from './SSEProvider';

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
 * const pool = usePool();
 * const ticker = pool.source<{ tick: Tick }>('/api/ticker'); // a typed handle for useSSEEvent
 */
export function usePool(): Pool {
  return useContext(SSEContext).pool ?? getDefaultPool();
}

/**
 * The pool and options a hook binds with: its own options over the provider's defaults. An option
 * passed as `undefined` (an optional prop passed through) keeps the default. Function and schema
 * options are read on mount (remount with a `key` to change them): `memo` is the hook's own
 * per-component record, where the first ones are kept. Internal.
 *
 * @example
 * const memo = useRef({}).current;
 * const [pool, merged] = useBinding(options, memo);
 */
export function useBinding<O extends object>(
  options: O | undefined,
  memo: Record<string, unknown>,
): [Pool, SSEDefaults & O] {
  const context = useContext(SSEContext);
  const merged: Record<string, unknown> = { ...context.options };
  for (const key in options) if (options[key] !== undefined) merged[key] = options[key];
  // Functions and schemas enter the pool's keys by identity, so an inline arrow would be a new
  // stream (or reading) on every render, and a render loop. Keep the first ones this component got.
  for (const key of BY_IDENTITY) {
    const value = merged[key];
    if (typeof value === 'function' || (key === 'schema' && value)) {
      memo[key] ??= value;
      merged[key] = memo[key];
    }
  }
  return [context.pool ?? getDefaultPool(), merged as SSEDefaults & O];
}

const BY_IDENTITY = ['parse', 'schema', 'headers', 'fetch', 'EventSource', 'transport'] as const;
