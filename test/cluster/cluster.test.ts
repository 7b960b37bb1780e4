/**
 * Three hub instances (separate processes) sharing one Redis, behind nginx with the shipped
 * docs/deploy/nginx.conf; 50 ssekit clients (fetch transport) follow two topics while a
 * publisher writes 5 000 events at 500/s and instances are SIGKILLed and restarted (two down at
 * once, every client crowding onto the third), and once while Redis itself restarts. Every
 * client must see every event exactly once, in order.
 */
import { createPool, type Pool } from '@ssekit/core';
import type { Log, LogEntry } from '@ssekit/server';
import { redisLog } from '@ssekit/server/redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, startRedis, type TestRedis } from '../support/redis';
import { type Instance, type Nginx, startInstance, startNginx } from './support';

const EVENTS = 5000;
const PER_TICK = 5; // every 10 ms: 500 events/s
const CLIENTS = 50;
// Per topic (about 4 000 events in all): room for a client away for seconds on a loaded machine,
// while an early cursor is trimmed by the end.
const MAX_LEN = 2000;

interface Tick {
  readonly n: number;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startCluster(): Promise<{
  redis: TestRedis;
  instances: Instance[];
  nginx: Nginx;
  prefix: string;
}> {
  // The append-only file on, as users deploy it: a restarted Redis keeps the log and its epoch.
  const redis = await startRedis({ persist: true });
  cleanups.push(() => redis.close());
  const prefix = 'cluster';
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  const instances = await Promise.all(
    ports.map((port) =>
      startInstance(port, { redisUrl: redis.url, prefix, maxLen: MAX_LEN, heartbeatMs: 2000 }),
    ),
  );
  cleanups.push(() => Promise.all(instances.map((i) => i.kill())).then(() => {}));
  const nginx = await startNginx(ports, await freePort());
  cleanups.push(() => nginx.close());
  return { redis, instances, nginx, prefix };
}

/** A client: its own pool (its own connection), recording every tick and every reset. */
function follow(url: string): { seen: number[]; ids: string[]; resets: string[]; pool: Pool } {
  const pool = createPool({
    connectOnServer: true,
    transport: 'fetch',
    retry: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  cleanups.push(() => pool.reset());
  const seen: number[] = [];
  const ids: string[] = [];
  const resets: string[] = [];
  const source = pool.source(url);
  source.event<Tick>('tick').on((data, event) => {
    seen.push(data.n);
    ids.push(event.lastEventId);
  });
  source.event<{ reason: string }>('ssekit:reset').on((data) => resets.push(data.reason));
  return { seen, ids, resets, pool };
}

/**
 * Publishes EVENTS ticks alternating over topics a and b, PER_TICK every 10 ms. While Redis is
 * down an append rejects; once it is back, the publisher checks whether the rejected append was
 * stored after all (its reply may have been lost with the connection) before sending it again.
 */
async function publish(
  url: string,
  prefix: string,
  onProgress: (sent: number, log: Log) => Promise<void> | void,
): Promise<{ sent: LogEntry[]; rejected: number }> {
  const log = redisLog({ url, prefix, maxLen: MAX_LEN });
  let rejected = 0;
  cleanups.push(() => log.close());
  const sent: LogEntry[] = [];
  let last: { epoch: string; offset: number } = await log.head();
  const append = async (n: number): Promise<LogEntry> => {
    const topic = n % 2 ? 'b' : 'a';
    for (;;) {
      try {
        return await log.append(topic, 'tick', JSON.stringify({ n }));
      } catch {
        rejected++;
        const read = await vi.waitFor(
          async () => {
            expect(log.available).toBe(true);
            // Redis answers LOADING while it reads its append-only file back: ask again.
            return await log.read([topic], last);
          },
          { timeout: 10_000, interval: 20 },
        );
        const stored = read.ok && read.entries.find((e) => JSON.parse(e.data).n === n);
        if (stored) return stored;
      }
    }
  };
  const started = Date.now();
  for (let n = 0; n < EVENTS; n += PER_TICK) {
    // One tick's appends go out together (pipelined on one connection, stored in that order).
    const batch = await Promise.all(Array.from({ length: PER_TICK }, (_, i) => append(n + i)));
    sent.push(...batch);
    last = batch.reduce((a, b) => (b.offset > a.offset ? b : a), last);
    await onProgress(n + PER_TICK, log);
    // Paced on the wall clock: a slow append does not stretch the whole run.
    const due = started + ((n + PER_TICK) / PER_TICK) * 10;
    if (due > Date.now()) await sleep(due - Date.now());
  }
  // The log's order: after an outage, a retried append lands after those that went through.
  return { sent: sent.sort((a, b) => a.offset - b.offset), rejected };
}

/**
 * Kills instances (in turn) with SIGKILL and restarts them, every `everyMs`, until stopped. With
 * `overlap`, each round kills a second instance before the first is back: two down at once.
 */
function chaos(
  instances: Instance[],
  everyMs: number,
  overlap: boolean,
): { stop: () => Promise<number>; overlaps: () => number } {
  let running = true;
  let kills = 0;
  let overlaps = 0;
  const loop = (async () => {
    while (running) {
      await sleep(everyMs);
      if (!running) break;
      const victim = instances[kills % instances.length]!;
      await victim.kill('SIGKILL');
      kills++;
      if (overlap) {
        // A second one goes down before the first is back: every client then crowds onto the
        // one instance left, and both restarted ones start while streams rush back to them.
        await sleep(Math.random() * (everyMs / 2));
        const second = instances[kills % instances.length]!;
        await second.kill('SIGKILL');
        kills++;
        overlaps++;
        await Promise.all([victim.restart(), second.restart()]);
      } else {
        await victim.restart();
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return kills;
    },
    overlaps: () => overlaps,
  };
}

async function scenario(options: { restartRedis: boolean; overlap: boolean }): Promise<void> {
  const { redis, instances, nginx, prefix } = await startCluster();
  const url = `${nginx.url}/events?topic=a&topic=b`;
  // Clients start from a known position, as an app does from the id of the state it loaded: a
  // client dropped before its first event then resumes from there instead of from "now".
  const reader = redisLog({ url: redis.url, prefix });
  const { epoch, offset } = await reader.head();
  await reader.close();
  const clients = Array.from({ length: CLIENTS }, () =>
    follow(`${url}&lastEventId=${epoch}-${offset}`),
  );
  await vi.waitFor(
    async () => {
      const stats = await Promise.all(
        instances.map(
          async (i) =>
            (await (await fetch(`http://127.0.0.1:${i.port}/stats`)).json()) as {
              connections: number;
            },
        ),
      );
      expect(stats.reduce((sum, s) => sum + s.connections, 0)).toBe(CLIENTS);
    },
    { timeout: 10_000, interval: 50 },
  );

  const killer = chaos(instances, 100, options.overlap);
  let late: ReturnType<typeof follow> | undefined;
  let redisRestart: Promise<void> | undefined;
  const { sent, rejected } = await publish(redis.url, prefix, async (count, log) => {
    if (count === 4500) {
      // A client back from a long absence: its cursor (offset 1) was trimmed away by now.
      const { epoch } = await log.head();
      const client = follow(`${url}&lastEventId=${epoch}-1`);
      late = client;
      // Publishing waits until it has joined (its one reset), so the events after it are
      // certain to be live for it: on a loaded machine the last 500 could otherwise all be
      // sent before it got through, leaving it nothing to receive.
      await vi.waitFor(() => expect(client.resets).toHaveLength(1), { timeout: 20_000 });
    }
    if (options.restartRedis && count === 2000) {
      // Not awaited: the publisher meets the outage (its appends reject until Redis is back).
      redisRestart = (async () => {
        await redis.stop('SIGTERM');
        await sleep(500);
        await redis.start();
      })();
    }
  });
  await redisRestart;
  const kills = await killer.stop();
  expect(kills).toBeGreaterThanOrEqual(10);
  // With Redis restarted, the publisher met the outage (and retried); without, nothing failed.
  expect(rejected > 0).toBe(options.restartRedis);

  const all = sent.map((e) => JSON.parse(e.data).n as number);
  expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS }, (_, n) => n));
  if (options.overlap) expect(killer.overlaps()).toBeGreaterThanOrEqual(3);
  await vi.waitFor(
    () => {
      for (const client of clients) expect(client.seen.length).toBeGreaterThanOrEqual(EVENTS);
    },
    { timeout: 30_000, interval: 100 },
  );
  await sleep(200); // a duplicate would arrive now
  for (const client of clients) {
    expect(client.seen).toEqual(all);
    expect(client.ids).toEqual(sent.map((e) => e.id));
    expect(client.resets).toEqual([]);
  }

  // The late client: exactly one reset (trimmed), then every event after it, once, in order.
  expect(late).toBeDefined();
  const lateClient = late!;
  await vi.waitFor(() => expect(lateClient.seen.at(-1)).toBe(all.at(-1)), { timeout: 10_000 });
  expect(lateClient.resets).toEqual(['trimmed']);
  const first = lateClient.seen[0]!;
  expect(lateClient.seen).toEqual(all.slice(all.indexOf(first)));
}

describe('cluster: three instances behind nginx, one Redis', () => {
  it('every client gets every event exactly once while instances, two at a time, are killed and restarted', async () => {
    await scenario({ restartRedis: false, overlap: true });
  });

  it('the same, with Redis restarted mid-stream (append-only file on)', async () => {
    await scenario({ restartRedis: true, overlap: false });
  });
});
