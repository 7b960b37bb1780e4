import { createPool, type Pool } from '@ssekit/core';
import { createTestTransport, type TestTransport } from '@ssekit/core/testing';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventSource } from './eventSource.js';
import { sseEvent } from './sseEvent.js';

const URL_A = 'https://example.test/a';

let server: TestTransport;
let pool: Pool;
const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
  flushSync();
};

beforeEach(() => {
  vi.useFakeTimers();
  server = createTestTransport();
  pool = createPool({ transport: server.transport, lingerMs: 0 });
});
afterEach(() => {
  pool.dispose();
  vi.useRealTimers();
});

describe('.current for runes', () => {
  it('reads the snapshot outside an effect without subscribing', () => {
    const ticks = sseEvent(URL_A, 'tick', { pool });
    expect(ticks.current.data).toBeUndefined();
    expect(eventSource(URL_A, { pool }).current.status).toBe('idle');
    expect(server.connections).toHaveLength(0);
  });

  it('subscribes while an effect reads it, updates it, and leaves when the effect ends', async () => {
    const ticks = sseEvent<{ n: number }>(URL_A, 'tick', { pool });
    const source = eventSource(URL_A, { pool });
    const seen: string[] = [];
    const destroy = $effect.root(() => {
      $effect(() => {
        seen.push(`${source.current.status} ${ticks.current.data?.n ?? '-'}`);
      });
    });
    flushSync();
    expect(server.connections).toHaveLength(1);
    server.current?.open();
    for (let n = 1; n <= 3; n++) server.current?.send({ n }, { type: 'tick' });
    await flush();
    expect(seen).toEqual(['connecting -', 'open 3']);
    destroy();
    await flush();
    expect(server.connections[0]?.aborted).toBe(true);
  });
});
