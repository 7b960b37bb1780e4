/**
 * redisLog against a real redis-server on a random port: the Log contract, two instances sharing
 * one Redis, gap filling, outages, a wiped Redis, and the connections it holds.
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, startRedis, type TestRedis } from '../../../test/support/redis';
import type { Log, LogEntry, LogRead } from './log.js';
import { redisLog } from './redis.js';
import { APPEND_SCRIPT } from './redis-scripts.js';

let redis: TestRedis;
let admin: ReturnType<typeof createClient>;
const logs: Log[] = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis({ persist: true });
  admin = createClient({ url: redis.url });
  admin.on('error', () => {}); // the outage test stops Redis under it
  await admin.connect();
});
afterAll(async () => {
  admin.destroy();
  await redis.close();
});
afterEach(async () => {
  await Promise.all(logs.splice(0).map((log) => log.close()));
});

/** A log on its own prefix, so tests never see each other's keys. */
const open = (options: { prefix?: string; maxLen?: number } = {}): Log => {
  const log = redisLog({ url: redis.url, prefix: `t${++prefixes}`, ...options });
  logs.push(log);
  return log;
};

const offsets = (entries: readonly LogEntry[]): number[] => entries.map((e) => e.offset);

describe('redisLog', () => {
  it('gives one global offset order across topics, a per-topic seq and exclusive replay', async () => {
    const log = open();
    const a1 = await log.append('a', undefined, 'one\ntwo');
    const b1 = await log.append('b', 'tick', '{"n":2}');
    const a2 = await log.append('a', 'tick', '');
    const { epoch } = a1;
    expect(epoch).toMatch(/^[A-Za-z0-9]+$/);
    expect([a1.id, b1.id, a2.id]).toEqual([`${epoch}-1`, `${epoch}-2`, `${epoch}-3`]);
    expect([a1.seq, b1.seq, a2.seq]).toEqual([1, 1, 2]);
    expect(await log.head()).toEqual({ epoch, offset: 3 });
    expect(await log.read(['a'], { epoch, offset: 1 })).toEqual({ ok: true, entries: [a2] });
    expect(await log.read(['a', 'b'], { epoch, offset: 0 })).toEqual({
      ok: true,
      entries: [a1, b1, a2],
    });
    expect(await log.read(['a', 'b'], { epoch, offset: 3 })).toEqual({ ok: true, entries: [] });
    expect(await log.read(['a'], { epoch: 'other', offset: 0 })).toEqual({
      ok: false,
      reason: 'epoch',
    });
  });

  it('starts empty at offset 0 and agrees on one epoch across instances', async () => {
    const one = open();
    const two = redisLog({ url: redis.url, prefix: `t${prefixes}` });
    logs.push(two);
    const [h1, h2] = await Promise.all([one.head(), two.head()]);
    expect(h1).toEqual(h2);
    expect(h1.offset).toBe(0);
    const entry = await two.append('x', undefined, 'd');
    expect(entry.epoch).toBe(h1.epoch);
  });

  it('pages a replay longer than one XRANGE page', async () => {
    const log = open();
    for (let i = 0; i < 2500; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) => log.append(j % 2 ? 'a' : 'b', undefined, `${i + j}`)),
      );
    }
    const { epoch } = await log.head();
    const read = await log.read(['a', 'b'], { epoch, offset: 10 });
    expect(read.ok && offsets(read.entries)).toEqual(
      Array.from({ length: 2490 }, (_, i) => i + 11),
    );
  });

  it('replays one consistent prefix across topics while appends race with the read', async () => {
    const publisher = open();
    const reader = redisLog({ url: redis.url, prefix: `t${prefixes}` });
    logs.push(reader);
    const { epoch } = await reader.head();
    const appends = Array.from({ length: 3000 }, (_, i) =>
      publisher.append(i % 2 ? 'a' : 'b', undefined, `${i}`),
    );
    const reads: Array<Promise<LogRead>> = [];
    for (let i = 0; i < 30; i++) {
      reads.push(reader.read(['a', 'b'], { epoch, offset: 0 }));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(appends);
    for (const read of await Promise.all(reads)) {
      // A hole below the newest replayed entry would be skipped by the hub for good.
      const got = read.ok ? offsets(read.entries) : [];
      expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
    }
  });

  it('answers trimmed exactly when an entry of the topic after the cursor was trimmed', async () => {
    const log = open({ maxLen: 10 });
    // Approximate trimming drops whole stream nodes (100 entries by default), so write past one.
    for (let i = 0; i < 300; i += 100) {
      await Promise.all(Array.from({ length: 100 }, () => log.append('a', undefined, 'x')));
    }
    await log.append('b', undefined, 'y');
    const { epoch } = await log.head();
    expect(await log.read(['a'], { epoch, offset: 0 })).toEqual({ ok: false, reason: 'trimmed' });
    expect(await log.read(['b', 'a'], { epoch, offset: 0 })).toEqual({
      ok: false,
      reason: 'trimmed',
    });
    // Topic a keeps whole stream nodes: 201..300 here. A cursor at 200 lost nothing, one at 199 did.
    const kept = await log.read(['a'], { epoch, offset: 200 });
    expect(kept.ok && kept.entries[0]?.offset).toBe(201);
    expect(await log.read(['a'], { epoch, offset: 199 })).toEqual({ ok: false, reason: 'trimmed' });
    const recent = await log.read(['a', 'b'], { epoch, offset: 295 });
    expect(recent.ok && offsets(recent.entries)).toEqual([296, 297, 298, 299, 300, 301]);
    // A topic that never trimmed replays from 0.
    expect(await log.read(['b'], { epoch, offset: 0 })).toMatchObject({ ok: true });
  });

  it('delivers appends from another instance to every subscriber, once each, in order', async () => {
    const publisher = open();
    const follower = redisLog({ url: redis.url, prefix: `t${prefixes}` });
    logs.push(follower);
    await follower.head(); // connected and subscribed
    const both: number[] = [];
    const onlyB: number[] = [];
    const offBoth = follower.subscribe(['a', 'b', 'a'], (e) => both.push(e.offset));
    follower.subscribe(['b'], (e) => onlyB.push(e.offset));
    const sent: LogEntry[] = [];
    for (let i = 0; i < 200; i++) sent.push(await publisher.append(i % 3 ? 'a' : 'b', 'e', `${i}`));
    await vi.waitFor(() => expect(both).toHaveLength(200));
    expect(both).toEqual(offsets(sent));
    expect(onlyB).toEqual(offsets(sent.filter((e) => e.topic === 'b')));
    offBoth();
    await publisher.append('a', undefined, 'after');
    await publisher.append('b', undefined, 'after');
    await vi.waitFor(() => expect(onlyB).toHaveLength(68));
    expect(both).toHaveLength(200);
  });

  it('fills a gap in the live offsets from the streams before delivering', async () => {
    const log = open();
    const prefix = `t${prefixes}`;
    await log.head();
    const seen: LogEntry[] = [];
    log.subscribe(['a', 'b'], (e) => seen.push(e));
    await log.append('a', undefined, '1');
    // Two appends whose announcement is lost: the same script, published on a channel nobody hears.
    for (const [topic, data] of [
      ['b', '2'],
      ['a', '3'],
    ] as const) {
      await admin.sendCommand([
        'EVAL',
        APPEND_SCRIPT.source,
        '4',
        `${prefix}:epoch`,
        `${prefix}:offset`,
        `${prefix}:seq:${topic}`,
        `${prefix}:topic:${topic}`,
        'unused',
        '10000',
        `${prefix}:nowhere`,
        topic,
        '0',
        '',
        data,
      ]);
    }
    await log.append('b', 'e', '4');
    await vi.waitFor(() => expect(seen).toHaveLength(4));
    expect(seen.map((e) => [e.offset, e.topic, e.seq, e.data])).toEqual([
      [1, 'a', 1, '1'],
      [2, 'b', 1, '2'],
      [3, 'a', 2, '3'],
      [4, 'b', 2, '4'],
    ]);
  });

  it('catches up from the streams after its subscriber connection is killed', async () => {
    const publisher = open();
    const follower = redisLog({ url: redis.url, prefix: `t${prefixes}` });
    logs.push(follower);
    await follower.head();
    const seen: number[] = [];
    follower.subscribe(['a'], (e) => seen.push(e.offset));
    const sent: number[] = [];
    for (let i = 0; i < 300; i++) {
      if (i % 50 === 25) await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      sent.push((await publisher.append('a', undefined, `${i}`)).offset);
    }
    await vi.waitFor(() => expect(seen).toHaveLength(300));
    expect(seen).toEqual(sent);
  });

  it('delivers what is appended while it connects to a listener registered meanwhile', async () => {
    const publisher = open();
    await publisher.head();
    const app = createClient({ url: redis.url });
    await app.connect();
    // The log's subscriber connects only when released: appends land before it subscribes.
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const bound = <T extends object>(target: T, overrides: Record<string, unknown>): T =>
      new Proxy(target, {
        get: (t, key) => {
          if (typeof key === 'string' && key in overrides) return overrides[key];
          const value = Reflect.get(t, key, t);
          return typeof value === 'function' ? value.bind(t) : value;
        },
      });
    const sub = app.duplicate();
    const gatedSub = bound(sub, {
      connect: async () => {
        await gate;
        return sub.connect();
      },
    });
    const follower = redisLog({
      client: bound(app, { duplicate: () => gatedSub }) as never,
      prefix: `t${prefixes}`,
    });
    logs.push(follower);
    const seen: number[] = [];
    follower.subscribe(['a'], (e) => seen.push(e.offset));
    // Two round trips on the log's command connection: its first head read is answered.
    await app.sendCommand(['PING']);
    await app.sendCommand(['PING']);
    const sent: number[] = [];
    for (let i = 0; i < 3; i++) sent.push((await publisher.append('a', undefined, `${i}`)).offset);
    release();
    await follower.head();
    await publisher.append('a', undefined, 'live');
    await vi.waitFor(() => expect(seen).toHaveLength(4));
    expect(seen).toEqual([...sent, sent[2]! + 1]);
    await follower.close();
    app.destroy();
  });

  it('rejects appends clearly while Redis is down, then resumes without loss or repeats', async () => {
    const publisher = open();
    const follower = redisLog({ url: redis.url, prefix: `t${prefixes}` });
    logs.push(follower);
    await follower.head();
    const seen: number[] = [];
    follower.subscribe(['a'], (e) => seen.push(e.offset));
    await publisher.append('a', undefined, 'before');
    await vi.waitFor(() => expect(seen).toEqual([1]));

    await redis.stop('SIGTERM');
    try {
      // Each notices on its own connections: wait for both.
      await vi.waitFor(() =>
        expect([publisher.available, follower.available]).toEqual([false, false]),
      );
      await expect(publisher.append('a', undefined, 'lost')).rejects.toThrow(
        /Redis is unreachable, so the event was not stored/,
      );
      await expect(publisher.read(['a'], { epoch: 'x', offset: 0 })).rejects.toThrow(
        /cannot be replayed/,
      );
      await expect(publisher.head()).rejects.toThrow(/unreachable/);
    } finally {
      // Restarted even when an assertion above failed, so the tests after this one still run.
      await redis.start();
    }
    await vi.waitFor(() => expect(publisher.available && follower.available).toBe(true), {
      timeout: 5000,
    });
    for (let i = 0; i < 5; i++) await publisher.append('a', undefined, `after ${i}`);
    await vi.waitFor(() => expect(seen).toHaveLength(6));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('starts a new epoch when Redis is wiped', async () => {
    const log = open();
    const before = await log.append('a', undefined, '1');
    await admin.sendCommand(['FLUSHALL']);
    const after = await log.append('a', undefined, '2');
    expect(after.epoch).not.toBe(before.epoch);
    expect(after.offset).toBe(1);
    expect(await log.read(['a'], { epoch: before.epoch, offset: 1 })).toEqual({
      ok: false,
      reason: 'epoch',
    });
  });

  it("holds two connections however many subscribe, and leaves an app's own client open", async () => {
    const app = createClient({ url: redis.url });
    await app.connect();
    const name = `app-${prefixes}`;
    await app.sendCommand(['CLIENT', 'SETNAME', name]);
    const log = redisLog({ client: app, prefix: `t${++prefixes}` });
    await log.head();
    const count = async (): Promise<number> => {
      const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
      return list.split('\n').filter((line) => line.includes('sub=1') || line.includes(name))
        .length;
    };
    const before = await count();
    expect(before).toBe(2);
    const offs = Array.from({ length: 500 }, (_, i) => log.subscribe([`topic${i % 7}`], () => {}));
    await log.append('topic1', undefined, 'x');
    expect(await count()).toBe(before);
    for (const off of offs) off();
    await log.close();
    expect(app.isReady).toBe(true);
    expect(await app.sendCommand(['PING'])).toBe('PONG');
    app.destroy();
  });

  it('counts as available while it first connects, and not once Redis refused it', async () => {
    const log = open();
    expect(log.available).toBe(true); // calls made now wait for the connection
    expect((await log.head()).offset).toBe(0);
    const nowhere = redisLog({ url: `redis://127.0.0.1:${await freePort()}` });
    logs.push(nowhere);
    await expect(nowhere.append('a', undefined, 'x')).rejects.toThrow(
      /Redis is unreachable, so the event was not stored/,
    );
    expect(nowhere.available).toBe(false);
    await expect(nowhere.head()).rejects.toThrow(/unreachable/);
  });

  it('refuses bad options with a clear error', () => {
    expect(() => redisLog({ maxLen: 0 })).toThrow(/maxLen must be a positive integer/);
    expect(() => redisLog({ url: redis.url, client: createClient() as unknown as never })).toThrow(
      /either url or client/,
    );
  });
});
