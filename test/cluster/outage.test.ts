/**
 * A hub on redisLog while its Redis goes away and comes back (a real redis-server, a real
 * node:http server): publish rejects clearly, open streams keep their heartbeats, new streams
 * get 503 + Retry-After, and once Redis is back the open streams go on without loss or repeats.
 */
import { createHub } from '@ssekit/server';
import { redisLog } from '@ssekit/server/redis';
import { afterEach, expect, it, vi } from 'vitest';
import { openRaw, serveHub } from '../hub/support';
import { startRedis } from '../support/redis';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('keeps open streams through a Redis outage and refuses new ones with 503 + Retry-After', async () => {
  const redis = await startRedis({ persist: true });
  cleanups.push(() => redis.close());
  const log = redisLog({ url: redis.url });
  cleanups.push(() => log.close());
  // A short heartbeat: the open stream must show it is alive while Redis is down.
  const hub = createHub({ log, heartbeatMs: 100, retryMs: 1000 });
  cleanups.push(() => hub.close());
  const served = await serveHub(hub, 'node:http');
  cleanups.push(() => served.close());

  const stream = await openRaw(`${served.url}?topic=a`);
  cleanups.push(() => stream.close());
  expect(stream.status).toBe(200);
  await hub.publish('a', { n: 1 });
  await vi.waitFor(() => expect(stream.events).toHaveLength(1));

  await redis.stop('SIGTERM');
  await vi.waitFor(() => expect(log.available).toBe(false));
  await expect(hub.publish('a', { n: 2 })).rejects.toThrow(
    /Redis is unreachable, so the event was not stored/,
  );
  const refused = await fetch(`${served.url}?topic=a`);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('Retry-After')).toBe('1');
  await refused.text();
  const heartbeats = stream.comments.length;
  await vi.waitFor(() => expect(stream.comments.length).toBeGreaterThan(heartbeats + 1));

  await redis.start();
  await vi.waitFor(() => expect(log.available).toBe(true), { timeout: 5000 });
  for (let n = 3; n <= 5; n++) await hub.publish('a', { n });
  await vi.waitFor(() => expect(stream.events).toHaveLength(4));
  expect(stream.events.map((e) => JSON.parse(e.data).n)).toEqual([1, 3, 4, 5]);
  expect(new Set(stream.events.map((e) => e.id)).size).toBe(4);

  const again = await openRaw(`${served.url}?topic=a`, { 'Last-Event-ID': stream.events[0]!.id });
  cleanups.push(() => again.close());
  expect(again.status).toBe(200);
  await vi.waitFor(() => expect(again.events).toHaveLength(3));
  expect(again.events.map((e) => e.id)).toEqual(stream.events.slice(1).map((e) => e.id));
});
