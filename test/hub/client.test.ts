/**
 * The ssekit client (fetch transport, in Node) against the hub over real sockets, through
 * node:http and Hono's node adapter: drops, trimmed cursors, several topics, racing publishes.
 */
import { createPlatform, createPool, type Pool } from '@ssekit/core';
import { createHub, type Hub, type Log, memoryLog } from '@ssekit/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Flavour, type Served, serveHub } from './support';

let hub: Hub;
let served: Served;
let pool: Pool;
afterEach(async () => {
  pool?.reset();
  await served?.close();
  await hub?.close();
});

const makePool = (initialDelayMs = 5): Pool => {
  pool = createPool({
    connectOnServer: true,
    transport: 'fetch',
    lingerMs: 0,
    retry: { initialDelayMs, maxDelayMs: initialDelayMs * 4 },
  });
  return pool;
};

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * A memory log whose reads run test code just before and just after the snapshot is taken, and
 * whose live delivery is optionally a task later, as a log over the network (Redis) delivers.
 */
function racingLog(hooks: {
  before?: () => Promise<void>;
  after?: () => Promise<void>;
  lateDelivery?: boolean;
}): Log {
  const inner = memoryLog({ epoch: 'ep' });
  return {
    ...inner,
    subscribe(topics, listener) {
      if (!hooks.lateDelivery) return inner.subscribe(topics, listener);
      return inner.subscribe(topics, (entry) => setImmediate(() => listener(entry)));
    },
    async read(topics, after) {
      await hooks.before?.();
      const result = await inner.read(topics, after);
      await hooks.after?.();
      return result;
    },
  };
}

describe.each<Flavour>(['node:http', 'hono'])(
  'ssekit client against the hub over %s',
  (flavour) => {
    it('a fresh client that drops before its first event misses nothing published meanwhile', async () => {
      hub = createHub({ log: memoryLog({ epoch: 'ep' }) });
      served = await serveHub(hub, flavour);
      await hub.publish('t', { n: 0 }); // history from before the client joined: not replayed
      // Reconnects exactly 200 ms after the drop (no jitter): the publishes below land in between.
      pool = createPool({
        connectOnServer: true,
        transport: 'fetch',
        lingerMs: 0,
        retry: { initialDelayMs: 200, maxDelayMs: 200 },
        platform: createPlatform({ random: () => 1 }),
      });
      const seen: number[] = [];
      pool
        .source(`${served.url}?topic=t`)
        .event<{ n: number }>('message')
        .on((data) => seen.push(data.n));
      await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
      const before = served.accepted();
      served.drop();
      for (let n = 1; n <= 3; n++) await hub.publish('t', { n });
      await vi.waitFor(() => expect(served.accepted()).toBeGreaterThan(before), { timeout: 5000 });
      await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]), { timeout: 5000 });
    });

    it('20 forced drops while 2000 events are published: every event exactly once, in order', async () => {
      hub = createHub({ log: memoryLog({ maxEvents: 2000 }) });
      served = await serveHub(hub, flavour);
      makePool();
      const seen: number[] = [];
      const off = pool
        .source(`${served.url}?topic=t`)
        .event<{ n: number }>('message')
        .on((data) => seen.push(data.n));
      await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
      let drops = 0;
      for (let n = 1; n <= 2000; n++) {
        await hub.publish('t', { n });
        if (n % 100 === 50) {
          // Drop a live stream, not one still reconnecting.
          const before = served.accepted();
          await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
          served.drop();
          drops++;
          await vi.waitFor(() => expect(served.accepted()).toBeGreaterThan(before));
        }
        if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(2000), { timeout: 10_000 });
      expect(drops).toBe(20);
      expect(seen).toEqual(range(1, 2000));
      off();
    }, 30_000);

    it('a trimmed cursor gives exactly one ssekit:reset, then live events', async () => {
      hub = createHub({ log: memoryLog({ epoch: 'ep', maxEvents: 10 }) });
      served = await serveHub(hub, flavour);
      makePool(100);
      const source = pool.source(`${served.url}?topic=t`);
      const seen: string[] = [];
      const resets: Array<{ reason: string; id: string }> = [];
      const offs = [
        source.event<string>('message', { parse: 'text' }).on((data) => seen.push(data)),
        source
          .event<{ reason: string }>('ssekit:reset')
          .on((data, event) => resets.push({ reason: data.reason, id: event.lastEventId })),
      ];
      await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
      for (const n of range(1, 5)) await hub.publish('t', `a${n}`);
      await vi.waitFor(() => expect(seen).toHaveLength(5));
      served.drop();
      // The client waits ≥ 100 ms to retry: these 20 push its cursor (ep-5) out of the ring.
      for (const n of range(1, 20)) await hub.publish('t', `gone${n}`);
      await vi.waitFor(() => expect(resets).toHaveLength(1));
      expect(resets).toEqual([{ reason: 'trimmed', id: 'ep-25' }]);
      await hub.publish('t', 'after');
      await vi.waitFor(() => expect(seen.at(-1)).toBe('after'));
      // Resuming from the reset's id is an ordinary resume: no second reset.
      served.drop();
      await hub.publish('t', 'after2');
      await vi.waitFor(() => expect(seen.at(-1)).toBe('after2'));
      expect(resets).toHaveLength(1);
      expect(seen).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'after', 'after2']);
      for (const off of offs) off();
    });

    it('one Last-Event-ID resumes every topic of a stream exactly', async () => {
      hub = createHub();
      served = await serveHub(hub, flavour);
      makePool(50);
      const seen: string[] = [];
      const off = pool
        .source(`${served.url}?topic=a&topic=b`)
        .event<string>('message', { parse: 'text' })
        .on((data) => seen.push(data));
      await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
      await hub.publish('a', 'a1');
      await hub.publish('b', 'b1');
      await vi.waitFor(() => expect(seen).toHaveLength(2));
      served.drop();
      for (const text of ['a2', 'c1', 'b2', 'a3', 'c2', 'b3']) await hub.publish(text[0]!, text);
      await vi.waitFor(() => expect(seen).toHaveLength(6));
      await hub.publish('b', 'b4');
      await vi.waitFor(() => expect(seen).toHaveLength(7));
      expect(seen).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'b4']);
      off();
    });

    it.each([
      ['delivered at once', false],
      ['delivered a task later', true],
    ])(
      'a publish racing a reconnect arrives exactly once, on either side of the read (live entries %s)',
      async (_, lateDelivery) => {
        let racing = false;
        let next = 2;
        const publishNext = async (): Promise<void> => {
          if (racing) await hub.publish('t', String(next++));
        };
        // Before the snapshot: the event is in the replay and in the live buffer (deduplicated).
        // After it: only in the live buffer (flushed after the replay).
        hub = createHub({
          log: racingLog({ before: publishNext, after: publishNext, lateDelivery }),
        });
        served = await serveHub(hub, flavour);
        makePool();
        const seen: string[] = [];
        const off = pool
          .source(`${served.url}?topic=t`)
          .event<string>('message', { parse: 'text' })
          .on((data) => seen.push(data));
        await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
        await hub.publish('t', '1');
        await vi.waitFor(() => expect(seen).toEqual(['1']));
        racing = true;
        served.drop();
        await vi.waitFor(() => expect(seen).toHaveLength(3));
        racing = false;
        await hub.publish('t', String(next++));
        await vi.waitFor(() => expect(seen).toHaveLength(4));
        expect(seen).toEqual(['1', '2', '3', '4']);
        off();
      },
    );
  },
);
