import { computed, effect } from '@preact/signals-core';
import { withTestPool } from '@ssekit/core/test-support';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { sseEventSignal } from './sseEventSignal';

const URL_A = 'https://example.test/a';
const LINGER = 1000;

const env = withTestPool({ lingerMs: LINGER });
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('sseEventSignal', () => {
  it('connects only once watched, and updates its effects once per burst', async () => {
    const ticks = sseEventSignal<{ n: number }>(URL_A, 'tick', { pool: env.pool });
    expect(ticks.value.data).toBeUndefined();
    expect(env.server.connections).toHaveLength(0);
    const seen: unknown[] = [];
    const dispose = effect(() => {
      seen.push(ticks.value.data);
    });
    expect(env.server.connections).toHaveLength(1);
    env.server.current?.open();
    for (let n = 1; n <= 3; n++) env.server.current?.send({ n }, { type: 'tick' });
    await flush();
    expect(seen).toEqual([undefined, { n: 3 }]);
    dispose();
  });

  it('leaves the stream when its last effect is disposed, after the linger delay', async () => {
    const ticks = sseEventSignal(URL_A, 'tick', { pool: env.pool });
    const disposers = [1, 2].map(() => effect(() => void ticks.value));
    expect(env.pool.inspect().connections[0]?.subscribers).toEqual({ tick: 1 });
    for (const dispose of disposers) dispose();
    expect(env.pool.inspect().connections[0]?.refs).toBe(0);
    await vi.advanceTimersByTimeAsync(LINGER);
    expect(env.server.connections[0]?.aborted).toBe(true);
  });

  it('connects through a computed only while that computed is watched', async () => {
    const ticks = sseEventSignal(URL_A, 'tick', {
      pool: env.pool,
      schema: z.object({ price: z.number() }),
    });
    const price = computed(() => ticks.value.data?.price ?? 0);
    expect(price.value).toBe(0);
    expect(env.server.connections).toHaveLength(0);
    const prices: number[] = [];
    const dispose = effect(() => {
      prices.push(price.value);
    });
    env.server.current?.open();
    env.server.current?.send({ price: 5 }, { type: 'tick' });
    await flush();
    expect(prices).toEqual([0, 5]);
    dispose();
    expect(env.pool.inspect().connections[0]?.refs).toBe(0);
  });

  it('starts a late watcher from the latest event', async () => {
    const early = sseEventSignal(URL_A, 'tick', { pool: env.pool });
    const first = effect(() => void early.value);
    env.server.current?.open();
    env.server.current?.send({ n: 7 }, { type: 'tick' });
    await flush();
    const late = sseEventSignal(URL_A, 'tick', { pool: env.pool });
    let seen: unknown;
    const dispose = effect(() => {
      seen = late.value.data;
    });
    expect(seen).toEqual({ n: 7 });
    first();
    dispose();
  });

  it('connects nothing while disabled', () => {
    const ticks = sseEventSignal(URL_A, 'tick', { pool: env.pool, enabled: false });
    const dispose = effect(() => void ticks.value);
    expect(env.server.connections).toHaveLength(0);
    dispose();
  });
});
