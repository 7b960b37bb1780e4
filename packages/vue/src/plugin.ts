import type { Pool } from '@ssekit/core';
import type { App } from 'vue';
import { SSEPoolKey } from './provideSSEPool';

/** A Vue plugin that provides one pool to the whole app. */
export interface SSEPlugin {
  /** The pool the app's composables share, e.g. for `pool.inspect()`. */
  readonly pool: Pool;
  install(app: App): void;
}

/**
 * Creates the plugin that provides `pool` app-wide; create one pool per SSR request.
 *
 * @example
 * createApp(App).use(createSSEPlugin(createPool({ lingerMs: 2000 }))).mount('#app');
 */
export function createSSEPlugin(pool: Pool): SSEPlugin {
  return {
    pool,
    install(app: App): void {
      app.provide(SSEPoolKey, pool);
    },
  };
}
