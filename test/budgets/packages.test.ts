/**
 * Package budgets and hygiene, checked on the built packages (`pnpm build` runs first in
 * `pnpm test`). Bytes are deterministic, so they are asserted; timings never are.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { describe, expect, it } from 'vitest';
import { bundleText, gzipSize, packages } from './measure';

const root = join(import.meta.dirname, '../..');
const run = promisify(execFile);

const dist = (pkg: string): string => join(root, 'packages', pkg, 'dist');

describe('package budgets (minified + gzip, production, frameworks excluded)', () => {
  it('has built packages to measure', () => {
    for (const pkg of packages) {
      expect(existsSync(dist(pkg)), `packages/${pkg}/dist is missing: run pnpm build`).toBe(true);
    }
  });

  // [what, import, target, ceiling]. The targets come from the budget issues; where the code is
  // still above one, the ceiling holds today's size so it can only shrink from here. The split of
  // the connection (stream, status, attempt watch, retry counter) and of cross-tab (session,
  // relay, election, protocol v2 with readable field names) cost bytes the minifier cannot win
  // back (names the parts call each other by stay whole): +16% on cross-tab. The core won it
  // back by keeping the lazily loaded transports' code (the probe, Retry-After) out of its chunk.
  const budgets: Array<[string, string, number, number]> = [
    [
      'full core (with the fetch transport and parser)',
      `export * from '@ssekit/core'; export * from '@ssekit/core/fetch';`,
      4096,
      11280,
    ],
    [
      'core with only the native transport',
      `export { createPool } from '@ssekit/core';`,
      2560,
      7540,
    ],
    ['cross-tab module', `export * from '@ssekit/core/cross-tab';`, 1536, 2580],
    [
      // What a React app pays on its default transport (lazy chunks load only when needed).
      'a React app: useSSEEvent, useEventSource, SSEProvider',
      `export { useSSEEvent, useEventSource, SSEProvider } from '@ssekit/react';`,
      6144,
      8540,
    ],
  ];
  for (const [name, code, target, ceiling] of budgets) {
    const limit = Math.max(target, ceiling);
    it(`${name} ≤ ${limit} B (target ${target} B)`, async () => {
      const size = await gzipSize(code);
      console.log(`${name}: ${size} B gzip (target ${target} B, gap ${size - target} B)`);
      expect(size, `${name} is ${size} B gzip, limit ${limit} B`).toBeLessThanOrEqual(limit);
    });
  }

  // A binding re-exports the core: what it adds is its bundle minus the core's.
  for (const pkg of packages.filter((p) => p !== 'core')) {
    it(`@ssekit/${pkg} adds ≤ 1024 B to the core`, async () => {
      const [binding, core] = await Promise.all([
        gzipSize(`export * from '@ssekit/${pkg}';`),
        gzipSize(`export * from '@ssekit/core';`),
      ]);
      console.log(`@ssekit/${pkg}: ${binding - core} B gzip beyond the core (target 1024 B)`);
      expect(binding - core).toBeLessThanOrEqual(1024);
    });
  }

  it('keeps the fetch transport, the parser and cross-tab out of a native-only app', async () => {
    const code = await bundleText(`export { createPool } from '@ssekit/core';`);
    expect(code).toContain('EventSource');
    expect(code).not.toContain('BroadcastChannel');
    // The native transport's status probe names text/event-stream too: look for the fetch
    // transport's own header instead.
    expect(code).not.toContain('Last-Event-ID');
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

  // The server half shares nothing with the client packages: checked on its own.
  it('@ssekit/server: ESM, side-effect free, types first, no tests shipped, no runtime dependencies, Node ≥ 20', async () => {
    const dir = join(root, 'packages/server');
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      expect(Object.keys(target as object)[0], `exports["${subpath}"]`).toBe('types');
    }
    expect(manifest.files).toContain('!dist/**/*.test.*');
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.engines.node).toBe('>=20');
    expect(
      existsSync(join(dir, 'dist/index.js')),
      'packages/server/dist is missing: run pnpm build',
    ).toBe(true);
    const { messages } = await publint({ pkgDir: dir, strict: true });
    expect(messages).toEqual([]);
    const size = await gzipSize(`export * from '@ssekit/server';`);
    console.log(`@ssekit/server: ${size} B gzip`);
    expect(size).toBeLessThanOrEqual(4608);
    const code = await bundleText(`export * from '@ssekit/server';`);
    // The main entry runs on any runtime with Web streams: no node: import at run time.
    expect(code).not.toMatch(/from\s*["']node:/);
    // Node's own modules only by their `node:` name, which Deno, Bun and edge runtimes resolve.
    const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));
    for (const file of readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(dir, 'dist', file), 'utf8');
      const imported = [...text.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1]!);
      expect(
        imported.filter((name) => builtins.has(name.split('/')[0]!)),
        file,
      ).toEqual([]);
    }
  });

  it('are-the-types-wrong finds nothing for any package (ESM-only profile)', async () => {
    const attw = join(root, 'node_modules/.bin/attw');
    const results = await Promise.all(
      [...packages, 'server'].map((pkg) =>
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
      Object.fromEntries([...packages, 'server'].map((pkg) => [pkg, 'ok'])),
    );
  }, 120_000);
});
