/**
 * One behavioural contract, run against every binding: what a user of any framework relies on.
 * Each framework's `*.test.ts` implements an {@link AdapterHarness} with real components and calls
 * {@link runContract}.
 */
import type { Pool } from '@ssekit/core';
import { withTestPool } from '@ssekit/core/test-support';
import { describe, expect, it, vi } from 'vitest';

/** Consumers mounted by a harness, each reading one event type and the source status. */
export interface ConsumerGroup {
  /** The data each mounted consumer currently renders, in mount order. */
  data(): unknown[];
  /** The source status each consumer currently renders. */
  status(): string[];
  /** How many times consumer i has rendered or recomputed (-1 where meaningless). */
  renders(i: number): number;
  /** Point every consumer at another URL (re-key). */
  setUrl(url: string): Promise<void>;
  /** Unmount every consumer. */
  unmount(): Promise<void>;
}

/** How the contract drives one framework. */
export interface AdapterHarness {
  readonly name: string;
  /** Mount `count` consumers of event `type` on `url`, all from `pool`. */
  mount(options: { pool: Pool; url: string; type: string; count: number }): Promise<ConsumerGroup>;
  /** Let the framework apply pending updates (React act, Vue nextTick, …). */
  settle(): Promise<void>;
}

const URL_A = 'https://example.test/a';
const URL_B = 'https://example.test/b';
const LINGER = 1000;

/**
 * Defines the contract's tests for one binding.
 *
 * @example
 * runContract({ name: 'react', mount, settle });
 */
export function runContract(harness: AdapterHarness): void {
  describe(`${harness.name} binding contract`, () => {
    const env = withTestPool({ lingerMs: LINGER });
    const flush = async (): Promise<void> => {
      await vi.advanceTimersByTimeAsync(0);
      await harness.settle();
    };

    it('opens one connection for many consumers of one URL', async () => {
      const group = await harness.mount({ pool: env.pool, url: URL_A, type: 'tick', count: 12 });
      await flush();
      expect(env.server.connections).toHaveLength(1);
      expect(env.pool.inspect().connections[0]?.subscribers.tick).toBeGreaterThanOrEqual(12);
      await group.unmount();
    });

    it('shows every consumer the same data, parsed once', async () => {
      const group = await harness.mount({ pool: env.pool, url: URL_A, type: 'tick', count: 5 });
      await flush();
      env.server.current?.open();
      await flush();
      expect(group.status()).toEqual(Array(5).fill('open'));
      const parse = vi.spyOn(JSON, 'parse');
      env.server.current?.send({ price: 42 }, { type: 'tick', id: '1' });
      const calls = parse.mock.calls.length;
      parse.mockRestore();
      await flush();
      expect(calls).toBe(1);
      expect(group.data()).toEqual(Array(5).fill({ price: 42 }));
      await group.unmount();
    });

    it('stops updating after unmount and releases the connection after the linger delay', async () => {
      const group = await harness.mount({ pool: env.pool, url: URL_A, type: 'tick', count: 3 });
      await flush();
      env.server.current?.open();
      env.server.current?.send({ n: 1 }, { type: 'tick' });
      await flush();
      await group.unmount();
      const rendersAfterUnmount = group.renders(0);
      env.server.current?.send({ n: 2 }, { type: 'tick' });
      await flush();
      expect(group.data()).not.toContainEqual({ n: 2 });
      expect(group.renders(0)).toBe(rendersAfterUnmount);
      expect(env.pool.inspect().connections[0]?.refs ?? 0).toBe(0);
      // Grace period first: a consumer that comes back now would keep the same connection.
      expect(env.server.connections[0]?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(LINGER);
      expect(env.server.connections[0]?.aborted).toBe(true);
      expect(env.pool.inspect().connections).toEqual([]);
    });

    it('re-keys when the URL changes', async () => {
      const group = await harness.mount({ pool: env.pool, url: URL_A, type: 'tick', count: 2 });
      await flush();
      env.server.current?.open();
      await group.setUrl(URL_B);
      await flush();
      expect(env.server.connections.map((c) => c.url)).toEqual([URL_A, URL_B]);
      env.server.current?.open();
      env.server.current?.send({ from: 'b' }, { type: 'tick' });
      await flush();
      expect(group.data()).toEqual([{ from: 'b' }, { from: 'b' }]);
      await vi.advanceTimersByTimeAsync(LINGER);
      expect(env.server.connections[0]?.aborted).toBe(true);
      expect(env.server.connections[1]?.aborted).toBe(false);
      await group.unmount();
    });

    it('renders a burst of events once per consumer', async () => {
      const group = await harness.mount({ pool: env.pool, url: URL_A, type: 'tick', count: 3 });
      await flush();
      env.server.current?.open();
      await flush();
      const before = group.renders(0);
      for (let i = 1; i <= 50; i++) env.server.current?.send({ i }, { type: 'tick' });
      await flush();
      expect(group.data()[0]).toEqual({ i: 50 });
      if (before >= 0) expect(group.renders(0) - before).toBe(1);
      await group.unmount();
    });
  });
}
