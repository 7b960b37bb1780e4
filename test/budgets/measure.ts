/**
 * Bundle-size measurement shared by the budget tests and `pnpm bench`: what an app pays for an
 * import, minified, gzipped, in production, with frameworks left out.
 */
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '../..');
/** The workspace packages, by directory name. */
export const packages = ['core', 'react', 'vue', 'svelte', 'preact-signals'] as const;
const frameworks = ['react', 'react-dom', 'vue', 'svelte', '@preact/signals-core'];

/** Minified + gzipped bytes of what an app pays for `code` (lazy chunks excluded), in production. */
export async function gzipSize(code: string, external: string[] = []): Promise<number> {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    outdir: '/virtual',
    write: false,
    metafile: true,
    platform: 'browser',
    conditions: ['svelte', 'browser'],
    define: { 'process.env.NODE_ENV': '"production"' },
    external: [...frameworks, 'svelte/*', ...external],
    // Resolve the packages as users do: through their package.json exports, to dist.
    alias: Object.fromEntries(
      packages
        .map((pkg) => `@ssekit/${pkg}`)
        .filter((name) => !external.includes(name))
        .map((name) => [name, `./packages/${name.slice('@ssekit/'.length)}`]),
    ),
    logLevel: 'silent',
  });
  // The entry and the chunks it imports statically; a dynamic import() is paid only when used.
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint !== undefined);
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.path in outputs) visit(imported.path);
    }
  };
  if (entry) visit(entry);
  let total = 0;
  for (const file of result.outputFiles) {
    // Metafile paths are relative to the working directory; output files are absolute.
    const key = Object.keys(outputs).find((o) => resolve(o) === file.path);
    if (key && seen.has(key)) total += gzipSync(file.contents, { level: 9 }).length;
  }
  return total;
}
