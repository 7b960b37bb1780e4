import { computed, effect } from '@preact/signals-core';
import { createPool, type Pool } from '@ssekit/core';
import { createTestTransport, type TestTransport } from '@ssekit/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { sseEventSignal } from './sseEventSignal';

const URL_A = 'https://example.test/a';
const LINGER = 1000;

let server: TestTransport;
let pool: Pool;
const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  server = createTestTransport();
  pool = createPool({ transport: server.transport, lingerMs: LINGER });
});
afterEach(() => {
  pool.dispose();
  vi.useRealTimers();
});

describe('sseEventSignal', () => {
  it('connects only once watched, and updates its effects once per burst', async () => {
    const ticks = sseEventSignal<{ n: number }>(URL_A, 'tick', { pool });
    expect(ticks.value.data).toBeUndefined();
    expect(server.connections).toHaveLength(0);
    const seen: unknown[] = [];
    const dispose = effect(() => {
      seen.push(ticks.value.data);
    });
    expect(server.connections).toHaveLength(1);
    server.current?.open();
    for (let n = 1; n <= 3; n++) server.current?.send({ n }, { type: 'tick' });
    await flush();
    expect(seen).toEqual([undefined, { n: 3 }]);
    dispose();
  });

  it('leaves the stream when its last effect is disposed, after the linger delay', async () => {
    const ticks = sseEventSignal(URL_A, 'tick', { pool });
    const disposers = [1, 2].map(() => effect(() => void ticks.value));
    expect(pool.inspect().connections[0]?.subscribers).toEqual({ tick: 1 });
    for (const dispose of disposers) dispose();
    expect(pool.inspect().connections[0]?.refs).toBe(0);
    await vi.advanceTimersByTimeAsync(LINGER);
    expect(server.connections[0]?.aborted).toBe(true);
  });

  it('connects through a computed only while that computed is watched', async () => {
    const ticks = sseEventSignal(URL_A, 'tick', {
      pool,
      schema: z.object({ price: z.number() }),
    });
    const price = computed(() => ticks.value.data?.price ?? 0);
    expect(price.value).toBe(0);
    expect(server.connections).toHaveLength(0);
    const prices: number[] = [];
    const dispose = effect(() => {
      prices.push(price.value);
    });
    server.current?.open();
    server.current?.send({ price: 5 }, { type: 'tick' });
    await flush();
    expect(prices).toEqual([0, 5]);
    dispose();
    expect(pool.inspect().connections[0]?.refs).toBe(0);
  });

  it('starts a late watcher from the latest event', async () => {
    const early = sseEventSignal(URL_A, 'tick', { pool });
    const first = effect(() => void early.value);
    server.current?.open();
    server.current?.send({ n: 7 }, { type: 'tick' });
    await flush();
    const late = sseEventSignal(URL_A, 'tick', { pool });
    let seen: unknown;
    const dispose = effect(() => {
      seen = late.value.data;
    });
    expect(seen).toEqual({ n: 7 });
    first();
    dispose();
  });

  it('connects nothing while disabled', () => {
    const ticks = sseEventSignal(URL_A, 'tick', { pool, enabled: false });
    const dispose = effect(() => void ticks.value);
    expect(server.connections).toHaveLength(0);
    dispose();
  });
});
