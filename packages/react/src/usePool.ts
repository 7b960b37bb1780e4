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
 * options are read on mount (remount with a `key` to change them): `record` is the hook's own
 * per-component ref, whose object is made only when there is a first one to keep. Internal.
 *
 * @example
 * const record = useRef<Record<string, unknown>>(undefined);
 * const [pool, merged] = useBinding(options, record);
 */
export function useBinding<O extends object>(
  options: O | undefined,
  record: Lazy<Record<string, unknown>>,
): [Pool, SSEDefaults & O] {
  const context = useContext(SSEContext);
  const merged: Record<string, unknown> = { ...context.options };
  for (const key in options) if (options[key] !== undefined) merged[key] = options[key];
  // Functions and schemas enter the pool's keys by identity, so an inline arrow would be a new
  // stream (or reading) on every render, and a render loop. Keep the first ones this component got.
  for (const key of BY_IDENTITY) {
    const value = merged[key];
    if (typeof value === 'function' || (key === 'schema' && value)) {
      const memo = recordOf(record);
      memo[key] ??= value;
      merged[key] = memo[key];
    }
  }
  return [context.pool ?? getDefaultPool(), merged as SSEDefaults & O];
}

/**
 * A hook's per-component record, made on first use: most widgets pass no function options and
 * no `select` or `onEvent`, and then keep no object beyond the ref (about 90 bytes each).
 */
export interface Lazy<T> {
  current: T | undefined;
}

/**
 * The record behind `ref`, made on first use. Internal.
 *
 * @example
 * recordOf(ref).onEvent = onEvent;
 */
export function recordOf<T extends object>(ref: Lazy<T>): T {
  ref.current ??= {} as T;
  return ref.current;
}

const BY_IDENTITY = ['parse', 'schema', 'headers', 'fetch', 'EventSource', 'transport'] as const;
