/**
 * One event type on a connection: parse once, coalesced notifications, errors per type,
 * history for late subscribers, and when two readings share a handle.
 */
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { sameEventOptions } from './event-channel';
import type { StandardSchemaV1 } from './standard-schema';
import { testPool, tick, withFakeClock } from './test-support';

const URL_A = 'https://example.test/stream';

withFakeClock();

describe('events', () => {
  it('parses each event once, however many subscribers read it', async () => {
    const { pool, server } = testPool();
    const ticks = pool.source(URL_A).event<{ n: number }>('tick');
    const seen: number[] = [];
    const offs = Array.from({ length: 1000 }, () =>
      ticks.on((data) => {
        seen.push(data.n);
      }),
    );
    const alsoJson = pool
      .source(URL_A)
      .event('tick', { buffer: 2 })
      .listen(() => {});
    const parse = vi.spyOn(JSON, 'parse');
    server.current?.open();
    server.current?.send({ n: 1 }, { type: 'tick', id: '1' });
    server.current?.send({ n: 2 }, { type: 'tick', id: '2' });
    expect(parse).toHaveBeenCalledTimes(2);
    expect(seen).toHaveLength(2000);
    expect(ticks.get().data).toEqual({ n: 2 });
    for (const off of offs) off();
    alsoJson();
  });

  it('coalesces a burst into one notification per task; on() sees every event', async () => {
    const { pool, server } = testPool();
    const ticks = pool.source(URL_A).event<number>('tick');
    const listener = vi.fn();
    const handler = vi.fn();
    ticks.listen(listener);
    ticks.on(handler);
    server.current?.open();
    for (let i = 1; i <= 50; i++) server.current?.send(i, { type: 'tick' });
    await tick();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenLastCalledWith(expect.objectContaining({ data: 50, count: 50 }));
    expect(handler.mock.calls.map(([data]) => data)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it("coalesces per animation frame with notify: 'frame'", async () => {
    const { pool, server } = testPool({ notify: 'frame' });
    const ticks = pool.source(URL_A).event<number>('tick');
    const listener = vi.fn();
    ticks.listen(listener);
    server.current?.open();
    for (let i = 1; i <= 5; i++) {
      server.current?.send(i, { type: 'tick' });
      await tick(); // one task per event
    }
    expect(listener).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(16);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(ticks.get().data).toBe(5);
  });

  it('reports invalid JSON on that event type only, keeps the last good value and the stream', async () => {
    const { pool, server } = testPool();
    const source = pool.source(URL_A);
    const ticks = source.event<{ n: number }>('tick');
    const news = source.event<string>('news');
    ticks.listen(() => {});
    news.listen(() => {});
    server.current?.open();
    server.current?.send({ n: 1 }, { type: 'tick' });
    server.current?.send('{"n": 2, oops', { type: 'tick' });
    server.current?.send('"hello"', { type: 'news' });
    const snapshot = ticks.get();
    expect(snapshot.data).toEqual({ n: 1 });
    expect(snapshot.count).toBe(2);
    expect(snapshot.raw).toBe('{"n": 2, oops');
    expect(snapshot.error).toMatchObject({ kind: 'parse', raw: '{"n": 2, oops' });
    expect(snapshot.error?.message).toMatch(/not valid JSON.*parse: 'text'/);
    expect(news.get().data).toBe('hello');
    expect(source.get().status).toBe('open');
    server.current?.send({ n: 3 }, { type: 'tick' });
    expect(ticks.get()).toMatchObject({ data: { n: 3 }, error: null });
  });

  it('validates with a Standard Schema and infers its type', async () => {
    const { pool, server } = testPool();
    const Tick = z.object({ price: z.number() });
    const ticks = pool.source(URL_A).event('tick', { schema: Tick });
    ticks.listen(() => {});
    server.current?.open();
    server.current?.send({ price: 10 }, { type: 'tick' });
    const price: number | undefined = ticks.get().data?.price;
    expect(price).toBe(10);
    server.current?.send({ price: 'high' }, { type: 'tick' });
    expect(ticks.get().data).toEqual({ price: 10 });
    expect(ticks.get().error).toMatchObject({ kind: 'validation' });
    expect(ticks.get().error?.message).toMatch(/price/);
    expect(ticks.get().error?.issues?.length).toBeGreaterThan(0);
  });

  it('keeps order through an async schema', async () => {
    const { pool, server } = testPool();
    const slow: StandardSchemaV1<unknown, number> = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) =>
          new Promise<{ value: number }>((resolve) =>
            setTimeout(() => resolve({ value: value as number }), 10 - (value as number)),
          ),
      },
    };
    const seen: number[] = [];
    pool
      .source(URL_A)
      .event('n', { schema: slow })
      .on((n) => seen.push(n));
    server.current?.open();
    for (const n of [1, 2, 3]) server.current?.send(n, { type: 'n' });
    await vi.advanceTimersByTimeAsync(50);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('reads text and custom parses', () => {
    const { pool, server } = testPool();
    const source = pool.source(URL_A);
    const text = source.event('line', { parse: 'text' });
    const upper = source.event('line', { parse: (data) => data.toUpperCase() });
    text.listen(() => {});
    upper.listen(() => {});
    server.current?.open();
    server.current?.send('not json', { type: 'line' });
    const t: string | undefined = text.get().data;
    const u: string | undefined = upper.get().data;
    expect([t, u]).toEqual(['not json', 'NOT JSON']);
  });

  it('gives a late subscriber the latest value at once', async () => {
    const { pool, server } = testPool();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.send({ n: 7 }, { type: 'tick', id: '7' });
    const run = vi.fn();
    source.event('tick').subscribe(run);
    expect(run).toHaveBeenCalledWith(
      expect.objectContaining({ data: { n: 7 }, lastEventId: '7', count: 1 }),
    );
  });

  it('keeps a history buffer of the last good values', () => {
    const { pool, server } = testPool();
    const log = pool.source(URL_A).event<number>('n', { buffer: 3 });
    log.listen(() => {});
    server.current?.open();
    const last = pool.source(URL_A).event<number>('n', { buffer: 1 });
    last.listen(() => {});
    for (const n of [1, 2, 3, 4]) server.current?.send(n, { type: 'n' });
    expect(log.get().history).toEqual([2, 3, 4]);
    expect(last.get().history).toEqual([4]);
  });

  it('follows subscriptions per type without closing the connection', () => {
    const { pool, server } = testPool();
    const source = pool.source(URL_A);
    const offTick = source.event('tick').listen(() => {});
    const offNews = source.event('news').listen(() => {});
    expect([...(server.current?.types ?? [])]).toEqual(['tick', 'news']);
    offTick();
    expect([...(server.current?.types ?? [])]).toEqual(['news']);
    expect(server.current?.aborted).toBe(false);
    offNews();
  });
});
describe('late subscribers get history', () => {
  it('a reading with buffer: 10 made after 5 events shows all 5', async () => {
    const { pool, server } = testPool();
    const source = pool.source(URL_A);
    const early = source.event<number>('tick', { buffer: 10 }).listen(() => {});
    server.current?.open();
    for (let n = 1; n <= 5; n++) server.current?.send(n, { type: 'tick', id: `${n}` });
    await tick();
    const late = source.event<number>('tick', { buffer: 10, parse: (s) => Number(s) });
    late.listen(() => {});
    expect(late.get().history).toEqual([1, 2, 3, 4, 5]);
    expect(late.get().count).toBe(5);
    early();
  });

  it('keeps at most the largest buffer asked for, bounded', async () => {
    const { pool, server } = testPool();
    const source = pool.source(URL_A);
    source.event('tick', { buffer: 3 }).listen(() => {});
    server.current?.open();
    for (let n = 1; n <= 5; n++) server.current?.send(n, { type: 'tick' });
    const late = source.event('tick', { buffer: 10, parse: 'text' });
    late.listen(() => {});
    expect(late.get().history).toEqual(['3', '4', '5']);
  });
});
describe('event options are compared in one place', () => {
  it('treats defaults and explicit defaults alike', () => {
    expect(sameEventOptions({}, { parse: 'json', buffer: 0 })).toBe(true);
    expect(sameEventOptions({ buffer: 2 }, { buffer: 3 })).toBe(false);
    expect(sameEventOptions({ parse: 'text' }, {})).toBe(false);
    expect(sameEventOptions({ notify: 'frame' }, {})).toBe(false);
  });

  it('gives the same event handle for options written out or left default', () => {
    const { pool } = testPool();
    const source = pool.source(URL_A);
    expect(source.event('tick', { parse: 'json' })).toBe(source.event('tick'));
  });
});
