/**
 * The pool over the fetch transport in Node, against the real test SSE server: what users see
 * when streams are shared, dropped, refused or malformed.
 */
import { createPool, type Pool, type PoolOptions } from '@ssekit/core';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { z } from 'zod';
import type { ChannelStats } from '../server/sse-server';

const serverUrl = inject('sseServerUrl');
let seq = 0;
const channel = (name: string): string => `${name}-${++seq}`;
const stats = async (name: string): Promise<ChannelStats> =>
  (await fetch(`${serverUrl}/stats/${encodeURIComponent(name)}`)).json() as Promise<ChannelStats>;

let pool: Pool;
const makePool = (options: PoolOptions = {}): Pool => {
  pool = createPool({
    connectOnServer: true,
    retry: { initialDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  return pool;
};
afterEach(() => pool?.reset());

/** Lets pending I/O callbacks run, so "nothing else happened" is checked after a real chance. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('pool over fetch, real server', () => {
  it('shares one connection among 500 subscribers and parses each event once', async () => {
    makePool();
    const name = channel('share');
    const ticks = pool
      .source(`${serverUrl}/sse/${name}?type=tick&count=5`)
      .event<{ n: number }>('tick');
    const seen = Array.from({ length: 1000 }, () => [] as number[]);
    const parse = vi.spyOn(JSON, 'parse');
    const offs = seen.map((list) => ticks.on((data) => list.push(data.n)));
    await vi.waitFor(() => expect(ticks.get().count).toBe(5));
    // Only our events count: loading modules parses JSON too.
    const parses = parse.mock.calls.filter(([text]) => String(text).includes(name)).length;
    parse.mockRestore();
    expect(parses).toBe(5);
    expect(seen.every((list) => list.join() === '1,2,3,4,5')).toBe(true);
    expect((await stats(name)).connections).toBe(1);
    for (const off of offs) off();
  });

  it('keeps one connection through a quick unmount/mount, and closes it after the linger', async () => {
    makePool({ lingerMs: 100 });
    const name = channel('linger');
    const source = pool.source(`${serverUrl}/sse/${name}?count=1`);
    const off = source.listen(() => {});
    await vi.waitFor(() => expect(source.get().status).toBe('open'));
    off();
    const again = source.listen(() => {});
    again();
    await vi.waitFor(async () => expect((await stats(name)).open).toBe(0));
    expect((await stats(name)).connections).toBe(1);
    expect(pool.inspect().connections).toEqual([]);
  });

  it('resumes across drops (whole and mid-event) with every event exactly once, in order', async () => {
    makePool();
    for (const knob of ['dropAfter=2&dropTimes=3', 'dropMidEvent=2&dropTimes=3']) {
      const name = channel('drops');
      const source = pool.source(`${serverUrl}/sse/${name}?count=10&${knob}`);
      const seen: number[] = [];
      const off = source.event<{ n: number }>('message').on((data) => seen.push(data.n));
      await vi.waitFor(() => expect(seen).toHaveLength(10));
      await settle();
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const { connections, requests } = await stats(name);
      expect(connections).toBe(4);
      expect(requests.map((r) => r.lastEventIdHeader)).toEqual([null, '2', '4', '6']);
      off();
    }
  });

  it('shows a 500 with backoff as state, then recovers', async () => {
    makePool({ retry: { initialDelayMs: 30, maxDelayMs: 200 } });
    const name = channel('500');
    const source = pool.source(`${serverUrl}/sse/${name}?status=500&failTimes=2&count=1`);
    const states: Array<{ status: string; attempt: number; http?: number; delay: number | null }> =
      [];
    source.listen((s) =>
      states.push({
        status: s.status,
        attempt: s.retry.attempt,
        http: s.error?.status,
        delay: s.retry.delayMs,
      }),
    );
    await vi.waitFor(() => expect(source.get().status).toBe('open'));
    const retrying = states.filter((s) => s.status === 'reconnecting' && s.delay !== null);
    expect(retrying.map((s) => [s.attempt, s.http])).toEqual([
      [1, 500],
      [2, 500],
    ]);
    expect(source.get()).toMatchObject({ error: null, retry: { attempt: 0 } });
    expect((await stats(name)).connections).toBe(3);
  });

  it('stops for good on 204 and on a wrong content type', async () => {
    makePool();
    for (const [knob, kind] of [
      ['status=204', 'stopped'],
      ['contentType=text/html', 'content-type'],
    ] as const) {
      const name = channel('stop');
      const source = pool.source(`${serverUrl}/sse/${name}?${knob}`);
      source.listen(() => {});
      await vi.waitFor(() => expect(source.get().status).toBe('closed'));
      expect(source.get()).toMatchObject({ error: { kind }, retry: { gaveUp: true } });
      await settle();
      expect((await stats(name)).connections).toBe(1);
    }
  });

  it('reports invalid JSON and schema failures on the event, and the stream carries on', async () => {
    makePool();
    const name = channel('bad');
    const source = pool.source(`${serverUrl}/sse/${name}?count=4&invalidJson=2`);
    const Small = z.object({ n: z.number().max(3) });
    const validated = source.event('message', { schema: Small });
    const plain = source.event<{ n: number }>('message');
    const errors: string[] = [];
    validated.listen((s) => s.error && errors.push(s.error.kind));
    plain.listen(() => {});
    await vi.waitFor(() => expect(plain.get().count).toBe(4));
    expect(plain.get()).toMatchObject({ data: { n: 4 }, error: null });
    expect(validated.get()).toMatchObject({ data: { n: 3 }, error: { kind: 'validation' } });
    expect(validated.get().error?.raw).toContain('"n":4');
    expect(source.get().status).toBe('open');
    expect((await stats(name)).connections).toBe(1);
  });

  it('calls a header function before every attempt, and never shares across identities', async () => {
    makePool();
    const name = channel('auth');
    let token = 0;
    const url = `${serverUrl}/sse/${name}?count=2&dropAfter=1&dropTimes=1`;
    const source = pool.source(url, {
      headers: async () => ({ Authorization: `Bearer t${++token}` }),
    });
    const other = pool.source(url, { headers: { Authorization: 'Bearer someone-else' } });
    expect(other).not.toBe(source);
    const seen: number[] = [];
    source.event<{ n: number }>('message').on((d) => seen.push(d.n));
    await vi.waitFor(() => expect(seen).toEqual([1, 2]));
    const { requests } = await stats(name);
    expect(requests.map((r) => r.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
    expect(requests.every((r) => r.accept === 'text/event-stream')).toBe(true);
    expect(source.description).not.toContain('Bearer');
  });
});
