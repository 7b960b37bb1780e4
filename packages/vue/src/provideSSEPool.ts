import { getDefaultPool, type Pool } from '@ssekit/core';
import { hasInjectionContext, type InjectionKey, inject, provide } from 'vue';

/**
 * Where the pool is provided; `createSSEPlugin` provides it app-wide.
 *
 * @example
 * app.provide(SSEPoolKey, createPool());
 */
export const SSEPoolKey: InjectionKey<Pool> = Symbol('ssekit pool');

/**
 * Hands `pool` to every composable below this component (one pool per app, or per SSR request).
 *
 * @example
 * // in the root component's setup:
 * provideSSEPool(createPool({ lingerMs: 2000 }));
 */
export function provideSSEPool(pool: Pool): void {
  provide(SSEPoolKey, pool);
}

/**
 * The pool provided above this component, else the default pool. Safe outside setup().
 *
 * @example
 * const pool = useSSEPool();
 * console.log(pool.inspect().connections);
 */
export function useSSEPool(): Pool {
  // Outside setup() (e.g. a bare effectScope) inject() would warn: fall back quietly instead.
  return (hasInjectionContext() ? inject(SSEPoolKey, null) : null) ?? getDefaultPool();
}
