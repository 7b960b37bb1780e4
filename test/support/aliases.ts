import { fileURLToPath } from 'node:url';

const src = (pkg: string, file = 'index.ts'): string =>
  fileURLToPath(new URL(`../../packages/${pkg}/src/${file}`, import.meta.url));

/**
 * Vite aliases from every `@ssekit/*` import to its sources: tests and the playground run
 * against the code as it is, with no build in between.
 *
 * @example
 * defineConfig({ resolve: { alias: workspaceAliases } });
 */
export const workspaceAliases: { find: RegExp; replacement: string }[] = [
  // Tests only: the shared fake clock and test pool (not in the package's exports).
  { find: /^@ssekit\/core\/test-support$/, replacement: src('core', 'test-support.ts') },
  { find: /^@ssekit\/core\/testing$/, replacement: src('core', 'testing.ts') },
  { find: /^@ssekit\/core\/fetch$/, replacement: src('core', 'fetch.ts') },
  { find: /^@ssekit\/core\/cross-tab$/, replacement: src('core', 'cross-tab.ts') },
  { find: /^@ssekit\/core$/, replacement: src('core') },
  { find: /^@ssekit\/react$/, replacement: src('react') },
  { find: /^@ssekit\/vue$/, replacement: src('vue') },
  { find: /^@ssekit\/svelte$/, replacement: src('svelte') },
  { find: /^@ssekit\/preact-signals$/, replacement: src('preact-signals') },
  { find: /^@ssekit\/server\/redis$/, replacement: src('server', 'redis.ts') },
  { find: /^@ssekit\/server$/, replacement: src('server') },
];
