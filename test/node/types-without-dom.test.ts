/**
 * The published types of @ssekit/core check in a Node project without the DOM lib
 * (`lib: ["ES2022"]`, `types: ["node"]`): a server or script importing the core must not need
 * `BodyInit`, `RequestCredentials`, `LockManager` or `BroadcastChannel` declared.
 *
 * Reads the built `dist` (`pnpm build` runs before the tests in `pnpm test`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'packages/core/dist');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

const MAIN = `
import { createPool, type SourceInit } from '@ssekit/core';
import { createEventStreamParser, createFetchTransport } from '@ssekit/core/fetch';
import { createTestTransport } from '@ssekit/core/testing';
import { createCrossTabTransport, type CrossTabOptions } from '@ssekit/core/cross-tab';

const init: SourceInit = { method: 'POST', body: '{}', credentials: 'include', scope: 'u1' };
const pool = createPool({ connectOnServer: true, onError: (error) => console.error(error) });
const off = pool.source('http://127.0.0.1/s', init).on((event) => console.log(event.type));
off();
pool.reset();
createEventStreamParser({ onEvent: (event) => console.log(event.data) }).end();
const options: CrossTabOptions = { scope: 'u1' };
void [createFetchTransport, createTestTransport, createCrossTabTransport, options];
`;

it('the built .d.ts of @ssekit/core typecheck with lib ES2022 and Node types only', async () => {
  expect(existsSync(join(dist, 'index.d.ts')), 'run `pnpm build` first').toBe(true);
  const dir = await mkdtemp(join(tmpdir(), 'ssekit-types-'));
  try {
    const config = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        paths: {
          '@ssekit/core': [join(dist, 'index.d.ts')],
          '@ssekit/core/*': [join(dist, '*.d.ts')],
        },
      },
      files: ['main.ts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(config));
    await writeFile(join(dir, 'main.ts'), MAIN);
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', dir]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
