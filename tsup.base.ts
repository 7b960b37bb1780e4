import type { Options } from 'tsup';

/**
 * The build every tsup-built package shares: ESM, declarations, ES2022, other ssekit packages
 * left as imports. A package's own config says only what differs (its entries, a banner).
 *
 * @example
 * export default defineConfig(libraryBuild({ entry: ['src/index.ts'] }));
 */
export function libraryBuild(options: Options): Options {
  return {
    format: ['esm'],
    dts: true,
    clean: true,
    target: 'es2022',
    external: [/^@ssekit\//],
    // `node:crypto`, not `crypto`: Deno, Bun and edge runtimes resolve Node's modules by the prefix.
    removeNodeProtocol: false,
    ...options,
  };
}
