/**
 * Memory the pool keeps per distinct URL: heap bytes per URL while 10 000 sources are in use,
 * after each was released and the linger delay passed, and after `dispose()`. Run with
 * `node --expose-gc --import tsx bench/pool-forget.ts`. A pool that forgets shows ~0 bytes
 * per URL once released.
 */
import { createPool } from '../packages/core/src/pool';
import { createTestTransport } from '../packages/core/src/testing';

const N = 10_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

async function heap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().heapUsed;
}

const server = createTestTransport();
const pool = createPool({ transport: server.transport, connectOnServer: true, lingerMs: 10 });
const start = await heap();
const offs: Array<() => void> = [];
for (let i = 0; i < N; i++) {
  const source = pool.source(`https://example.test/items/${i}`, {
    headers: { authorization: `Bearer secret-${i}` },
  });
  offs.push(source.event('tick').listen(() => {}));
}
const used = await heap();
for (const off of offs) off();
offs.length = 0;
// The test transport keeps every attempt it saw; forget them so only the pool is measured.
(server.connections as unknown[]).length = 0;
await new Promise((resolve) => setTimeout(resolve, 50));
const released = await heap();
pool.reset();
const disposed = await heap();
const per = (bytes: number): string => `${Math.round((bytes - start) / N)} B`;
console.log(
  `| ${N} URLs | in use ${per(used)}/URL | released + linger ${per(released)}/URL | after dispose() ${per(disposed)}/URL |`,
);
