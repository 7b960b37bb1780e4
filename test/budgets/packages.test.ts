/**
 * Package budgets and hygiene, checked on the built packages (`pnpm build` runs first in
 * `pnpm test`). Bytes are deterministic, so they are asserted; timings never are.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { describe, expect, it } from 'vitest';
import { gzipSize, packages } from './measure';

const root = join(import.meta.dirname, '../..');
const run = promisify(execFile);

const dist = (pkg: string): string => join(root, 'packages', pkg, 'dist');

describe('package budgets (minified + gzip, production, frameworks excluded)', () => {
  it('has built packages to measure', () => {
    for (const pkg of packages) {
      expect(existsSync(dist(pkg)), `packages/${pkg}/dist is missing: run pnpm build`).toBe(true);
    }
  });

  const budgets: Array<[string, string, number, string[]?]> = [
    ['full core', `export * from '@ssekit/core';`, 4096],
    ['core with only the native transport', `export { createPool } from '@ssekit/core';`, 2560],
    ['@ssekit/react beyond the core', `export * from '@ssekit/react';`, 1024, ['@ssekit/core']],
    ['@ssekit/vue beyond the core', `export * from '@ssekit/vue';`, 1024, ['@ssekit/core']],
    ['@ssekit/svelte beyond the core', `export * from '@ssekit/svelte';`, 1024, ['@ssekit/core']],
    [
      '@ssekit/preact-signals beyond the core',
      `export * from '@ssekit/preact-signals';`,
      1024,
      ['@ssekit/core'],
    ],
  ];
  for (const [name, code, limit, external] of budgets) {
    it(`${name} ≤ ${limit} B`, async () => {
      const size = await gzipSize(code, external);
      expect(size, `${name} is ${size} B gzip, budget ${limit} B`).toBeLessThanOrEqual(limit);
    });
  }

  it('tree-shakes the cross-tab module when unused', async () => {
    const withPool = await gzipSize(`export { createPool } from '@ssekit/core';`);
    const poolOnly = await gzipSize(
      `import { createPool } from '@ssekit/core'; export const p = createPool;`,
    );
    expect(withPool).toBe(poolOnly);
  });
});

describe('package hygiene', () => {
  for (const pkg of packages) {
    it(`@ssekit/${pkg}: ESM, side-effect free, types first in exports, no tests shipped`, () => {
      const manifest = JSON.parse(
        readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'),
      );
      expect(manifest.type).toBe('module');
      expect(manifest.sideEffects).toBe(false);
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (typeof target === 'string') continue;
        expect(Object.keys(target as object)[0], `exports["${subpath}"]`).toBe('types');
      }
      expect(manifest.files).toContain('!dist/**/*.test.*');
      if (pkg !== 'core') {
        expect(manifest.dependencies['@ssekit/core']).toBeDefined();
        expect(Object.keys(manifest.peerDependencies ?? {})).toHaveLength(1);
      } else {
        expect(manifest.dependencies ?? {}).toEqual({});
      }
    });

    it(`@ssekit/${pkg}: publint finds nothing`, async () => {
      const { messages } = await publint({ pkgDir: join(root, 'packages', pkg), strict: true });
      expect(messages).toEqual([]);
    });
  }

  it('are-the-types-wrong finds nothing for any package (ESM-only profile)', async () => {
    const attw = join(root, 'node_modules/.bin/attw');
    const results = await Promise.all(
      packages.map((pkg) =>
        run(
          attw,
          ['--pack', join(root, 'packages', pkg), '--profile', 'esm-only', '--format', 'ascii'],
          {
            cwd: root,
          },
        ).then(
          () => [pkg, 'ok'] as const,
          (error: { stdout?: string }) => [pkg, error.stdout ?? String(error)] as const,
        ),
      ),
    );
    expect(Object.fromEntries(results)).toEqual(
      Object.fromEntries(packages.map((pkg) => [pkg, 'ok'])),
    );
  }, 120_000);
});
