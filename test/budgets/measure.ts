/**
 * Bundle-size measurement shared by the budget tests and `pnpm bench`: what an app pays for an
 * import, minified, gzipped, in production, with frameworks left out.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { type BuildResult, build, type Metafile, type OutputFile, type Plugin } from 'esbuild';

const root = join(import.meta.dirname, '../..');
/** The workspace packages, by directory name. */
export const packages = ['core', 'react', 'vue', 'svelte', 'preact-signals'] as const;
const frameworks = ['react', 'react-dom', 'vue', 'svelte', '@preact/signals-core'];

/** Minified + gzipped bytes of what an app pays for `code` (lazy chunks excluded), in production. */
export async function gzipSize(code: string, external: string[] = []): Promise<number> {
  return (await compressedSizes(code, external)).gzip;
}

/**
 * Minified bytes of what an app pays for `code` (lazy chunks excluded), raw, gzipped and
 * brotli-compressed, each chunk compressed on its own as a server would send it.
 *
 * @example
 * const { min, gzip, brotli } = await compressedSizes(`export { createPool } from '@ssekit/core';`);
 */
export async function compressedSizes(
  code: string,
  external: string[] = [],
): Promise<{ min: number; gzip: number; brotli: number }> {
  const { result, seen } = await bundle(code, external);
  const sizes = { min: 0, gzip: 0, brotli: 0 };
  for (const file of result.outputFiles) {
    if (!seen.has(file.path)) continue;
    const contents = withSteadyChunkNames(file.contents);
    sizes.min += contents.length;
    sizes.gzip += gzipSync(contents, { level: 9 }).length;
    sizes.brotli += brotliCompressSync(contents, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
    }).length;
  }
  return sizes;
}

/**
 * The code with every chunk's content hash (`fetch-3KQFQFWT.js`) spelt the same: a hash is
 * eight random characters, so each edit anywhere moved a figure by a byte or two of gzip.
 */
function withSteadyChunkNames(contents: Uint8Array): Buffer {
  const text = Buffer.from(contents).toString('utf8');
  return Buffer.from(text.replace(/-[A-Z0-9]{8}\.js\b/g, '-00000000.js'), 'utf8');
}

/**
 * The minified code an app gets for `code`, without lazily loaded chunks.
 *
 * @example
 * expect(await bundleText(`export { createPool } from '@ssekit/core';`)).not.toContain('BroadcastChannel');
 */
export async function bundleText(code: string, external: string[] = []): Promise<string> {
  const { result, seen } = await bundle(code, external);
  return result.outputFiles
    .filter((f) => seen.has(f.path))
    .map((f) => f.text)
    .join('\n');
}

async function bundle(
  code: string,
  external: string[],
): Promise<{
  result: BuildResult & { metafile: Metafile; outputFiles: OutputFile[] };
  seen: Set<string>;
}> {
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
    plugins: [workspacePackages(external)],
    logLevel: 'silent',
  });
  // The entry and the chunks it imports statically; a dynamic import() is paid only when used.
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint !== undefined);
  const seen = new Set<string>();
  const visit = (file: string): void => {
    // Metafile paths are relative to the working directory; output files are absolute.
    if (seen.has(resolve(file))) return;
    seen.add(resolve(file));
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.path in outputs) visit(imported.path);
    }
  };
  if (entry) visit(entry);
  return { result, seen };
}

/** Resolves `@ssekit/*` as users get it: through each package's `exports`, to its dist. */
function workspacePackages(external: string[]): Plugin {
  return {
    name: 'workspace-packages',
    setup(build) {
      build.onResolve({ filter: /^@ssekit\// }, ({ path }) => {
        const [, name = '', sub = ''] = /^@ssekit\/([^/]+)(\/.*)?$/.exec(path) ?? [];
        if (external.includes(`@ssekit/${name}`)) return { path, external: true };
        const dir = join(root, 'packages', name);
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        const target = manifest.exports[`.${sub}`];
        const file = typeof target === 'string' ? target : (target.svelte ?? target.default);
        return { path: join(dir, file) };
      });
    },
  };
}
