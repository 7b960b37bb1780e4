'use client';
import type { Pool } from '@ssekit/core';
import { createElement, type ReactElement, type ReactNode, useContext, useMemo } from 'react';
import { SSEContext, type SSEDefaults } from './useSSEPool';

export type { SSEDefaults } from './useSSEPool';

/** Props of {@link SSEProvider}. */
export interface SSEProviderProps {
  /** The pool every hook below uses. Default: the parent provider's, else the default pool. */
  pool?: Pool;
  /** Defaults for every hook below, merged over the parent provider's. Keep the object stable. */
  options?: SSEDefaults;
  children?: ReactNode;
}

/**
 * Hands a pool (one per app, or one per SSR request) and default options to the hooks below.
 *
 * @example
 * const pool = createPool({ lingerMs: 2000 });
 * root.render(<SSEProvider pool={pool} options={{ headers: auth }}><App /></SSEProvider>);
 */
export function SSEProvider({ pool, options, children }: SSEProviderProps): ReactElement {
  const parent = useContext(SSEContext);
  const value = useMemo(
    () => ({ pool: pool ?? parent.pool, options: { ...parent.options, ...options } }),
    [parent, pool, options],
  );
  return createElement(SSEContext.Provider, { value }, children);
}
