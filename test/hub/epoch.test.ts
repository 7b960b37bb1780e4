/**
 * A log that starts a new epoch under open streams (Redis wiped, or any storage that lost its
 * data): offsets restart at 1, below what each stream already sent. Every stream gets one
 * `ssekit:reset` (reason `epoch`) and then the new epoch's entries, never a silent hole.
 */
import { createHub, type Hub, type Log, type LogEntry, memoryLog } from '@ssekit/server';
import { redisLog } from '@ssekit/server/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedis, type TestRedis } from '../support/redis';
import { openRaw, type RawStream, type Served, serveHub } from './support';

const hubs: Hub[] = [];
const servers: Served[] = [];
const streams: RawStream[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await Promise.all(servers.splice(0).map((served) => served.close()));
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

const serve = async (log: Log): Promise<{ hub: Hub; url: string }> => {
  const hub = createHub({ log, heartbeatMs: 60_000 });
  hubs.push(hub);
  const served = await serveHub(hub, 'node:http');
  servers.push(served);
  return { hub, url: `${served.url}?topic=a` };
};

const open = async (url: string, headers: Record<string, string> = {}): Promise<RawStream> => {
  const stream = await openRaw(url, headers);
  streams.push(stream);
  return stream;
};

/** What a stream saw, as `type id data` lines. */
const seen = (stream: RawStream): string[] =>
  stream.events.map((event) => `${event.type} ${event.id} ${event.data}`);

/**
 * Memory storage that can lose everything, the way a wiped Redis does: `wipe()` swaps in an empty
 * log with another epoch and hands its appends to the same live listeners.
 */
function wipeableLog(): Log & { wipe(): void } {
  let epoch = 0;
  let current = memoryLog({ epoch: 'first' });
  const listeners = new Set<(entry: LogEntry) => void>();
  const follow = (log: Log): void => {
    log.subscribe(['a', 'b'], (entry) => {
      for (const listener of listeners) listener(entry);
    });
  };
  follow(current);
  return {
    append: (topic, event, data) => current.append(topic, event, data),
    read: (topics, after) => current.read(topics, after),
    head: () => current.head(),
    subscribe(_topics, listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => current.close(),
    wipe() {
      void current.close();
      current = memoryLog({ epoch: `wiped${++epoch}` });
      follow(current);
    },
  };
}

describe('a new epoch under open streams', () => {
  it('sends one reset, then the new epoch live (memory storage that lost its data)', async () => {
    const log = wipeableLog();
    const { hub, url } = await serve(log);
    const fresh = await open(url);
    const resumed = await open(url, { 'Last-Event-ID': 'first-0' });
    await vi.waitFor(() => expect(hub.stats().connections).toBe(2));
    await hub.publish('a', 'one');
    await hub.publish('a', 'two');
    log.wipe();
    await hub.publish('a', 'three');
    await hub.publish('a', 'four');
    const expected = [
      'message first-1 one',
      'message first-2 two',
      'ssekit:reset wiped1-0 {"reason":"epoch"}',
      'message wiped1-1 three',
      'message wiped1-2 four',
    ];
    await vi.waitFor(() => expect(seen(fresh)).toEqual(expected));
    await vi.waitFor(() => expect(seen(resumed)).toEqual(expected));
  });

  describe('Redis wiped with FLUSHALL', () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis.close();
    });

    it('sends one reset, then every entry of the new epoch, on every instance', async () => {
      const one = await serve(redisLog({ url: redis.url }));
      const two = await serve(redisLog({ url: redis.url }));
      const streamsOf = async (url: string): Promise<RawStream[]> => [
        await open(url),
        await open(url, { 'Last-Event-ID': 'x-0' }),
      ];
      const all = [...(await streamsOf(one.url)), ...(await streamsOf(two.url))];
      await vi.waitFor(() => expect(one.hub.stats().connections).toBe(2));
      await vi.waitFor(() => expect(two.hub.stats().connections).toBe(2));
      // The second stream of each pair joined with a foreign cursor: it starts with a reset.
      const first = await one.hub.publish('a', 'one');
      await two.hub.publish('a', 'two');
      await vi.waitFor(() => {
        for (const stream of all) expect(stream.events.at(-1)?.data).toBe('two');
      });
      await redis.flushAll();
      const later: string[] = [];
      for (let n = 1; n <= 5; n++) later.push(await (n % 2 ? one : two).hub.publish('a', `w${n}`));
      const epoch = later[0]!.split('-')[0];
      expect(epoch).not.toBe(first.split('-')[0]);
      expect(later).toEqual([1, 2, 3, 4, 5].map((n) => `${epoch}-${n}`));
      for (const stream of all) {
        await vi.waitFor(() => expect(stream.events.at(-1)?.data).toBe('w5'));
        const after = seen(stream).slice(
          seen(stream).indexOf(`message ${first.split('-')[0]}-2 two`) + 1,
        );
        expect(after).toEqual([
          `ssekit:reset ${epoch}-0 {"reason":"epoch"}`,
          ...[1, 2, 3, 4, 5].map((n) => `message ${epoch}-${n} w${n}`),
        ]);
      }
    });
  });
});
