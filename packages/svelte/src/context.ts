import { getDefaultPool, type Pool } from '@ssekit/core';
import { getContext, setContext } from 'svelte';

const POOL = Symbol('ssekit pool');

/**
 * Hands `pool` to every `eventSource` / `sseEvent` created below this component (one pool per
 * app, or per server request). Call it during component initialisation.
 *
 * @example
 * <script>
 *   import { createPool, setSSEPool } from '@ssekit/svelte';
 *   setSSEPool(createPool({ lingerMs: 2000 }));
 * </script>
 */
export function setSSEPool(pool: Pool): Pool {
  return setContext(POOL, pool);
}

/**
 * The pool set above this component, else the default pool; safe to call anywhere.
 *
 * @example
 * const pool = getSSEPool();
 * console.log(pool.inspect().connections);
 */
export function getSSEPool(): Pool {
  try {
    return getContext<Pool | undefined>(POOL) ?? getDefaultPool();
  } catch {
    // Outside component initialisation (a module-level store) Svelte throws: use the default.
    return getDefaultPool();
  }
}
