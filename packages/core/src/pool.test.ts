import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createPlatform, type Platform } from './platform';
import { createPool, type PoolOptions } from './pool';
import type { StandardSchemaV1 } from './standard-schema';
import { createTestTransport } from './testing';
import type { SourceSnapshot } from './types';

const URL_A = 'https://example.test/stream';

/** A platform whose network and visibility the test switches by hand. */
function controllablePlatform(overrides: Partial<Platform> = {}) {
  let online = true;
  let visible = true;
  const onlineListeners = new Set<() => void>();
  const visibilityListeners = new Set<() => void>();
  const platform = createPlatform({
    isServer: false,
    random: () => 1, // the top of the jitter range: delays are deterministic
    isOnline: () => online,
    isVisible: () => visible,
    onOnlineChange(callback) {
      onlineListeners.add(callback);
      return () => onlineListeners.delete(callback);
    },
    onVisibilityChange(callback) {
      visibilityListeners.add(callback);
      return () => visibilityListeners.delete(callback);
    },
    ...overrides,
  });
  return {
    platform,
    onlineListeners,
    visibilityListeners,
    setOnline(value: boolean) {
      online = value;
      for (const cb of onlineListeners) cb();
    },
    setVisible(value: boolean) {
      visible = value;
      for (const cb of visibilityListeners) cb();
    },
  };
}

function setup(options: PoolOptions = {}) {
  const server = createTestTransport();
  const control = controllablePlatform();
  const pool = createPool({ transport: server.transport, platform: control.platform, ...options });
  return { server, pool, ...control };
}

/** Runs queued microtasks (notifications) and timers due now. */
const tick = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('handles and keys', () => {
  it('returns the same handle for the same key, a different one for a different identity', () => {
    const { pool } = setup({ transport: 'fetch' });
    expect(pool.source(URL_A)).toBe(pool.source(URL_A));
    expect(pool.source('https://EXAMPLE.test/stream')).toBe(pool.source(URL_A));
    expect(pool.source(URL_A, { headers: { authorization: 'a' } })).not.toBe(
      pool.source(URL_A, { headers: { authorization: 'b' } }),
    );
    expect(pool.source(URL_A, { headers: { a: '1', b: '2' } })).toBe(
      pool.source(URL_A, { headers: { B: '2', a: '1' } }),
    );
    expect(pool.source(URL_A, { credentials: 'include' })).not.toBe(pool.source(URL_A));
    expect(pool.source(URL_A, { method: 'POST', body: '{"q":1}' })).not.toBe(
      pool.source(URL_A, { method: 'POST', body: '{"q":2}' }),
    );
    const tokenA = async () => ({ authorization: 'Bearer a' });
    const tokenB = async () => ({ authorization: 'Bearer a' });
    // Same source text, different functions: they may stand for different users.
    expect(pool.source(URL_A, { headers: tokenA })).toBe(pool.source(URL_A, { headers: tokenA }));
    expect(pool.source(URL_A, { headers: tokenA })).not.toBe(
      pool.source(URL_A, { headers: tokenB }),
    );
  });

  it('describes a connection without header values or body text', () => {
    const { pool } = setup({ transport: 'fetch' });
    const source = pool.source(URL_A, {
      headers: { Authorization: 'Bearer secret-token' },
      method: 'POST',
      body: 'secret-body',
    });
    expect(source.description).toContain('authorization');
    expect(source.description).not.toContain('secret');
  });

  it('refuses headers on a native EventSource with a message that says what to do', () => {
    const { pool } = setup();
    expect(() => pool.source(URL_A, { transport: 'eventsource', headers: { a: 'b' } })).toThrow(
      /transport: "fetch"/,
    );
  });

  it('keeps event handles stable for the same type and options', () => {
    const { pool } = setup();
    const source = pool.source(URL_A);
    expect(source.event('tick')).toBe(source.event('tick'));
    expect(source.event('tick', { parse: 'text' })).not.toBe(source.event('tick'));
  });
});

describe('lifecycle', () => {
  it('connects on the first listener and shares one connection among hundreds', async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    expect(server.connections).toHaveLength(0);
    expect(source.get().status).toBe('idle');
    const offs = Array.from({ length: 300 }, (_, i) =>
      i % 2 ? source.listen(() => {}) : source.event('tick').listen(() => {}),
    );
    expect(server.connections).toHaveLength(1);
    expect(pool.inspect().connections[0]?.refs).toBe(300);
    for (const off of offs) off();
  });

  it('lingers after the last listener, and a listener inside the window keeps the connection', async () => {
    const { pool, server } = setup({ lingerMs: 1000 });
    const source = pool.source(URL_A);
    const off1 = source.listen(() => {});
    server.current?.open();
    off1(); // StrictMode: unmount…
    const off2 = source.listen(() => {}); // …and mount again
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0]?.aborted).toBe(false);
    off2();
    await vi.advanceTimersByTimeAsync(999);
    expect(server.connections[0]?.aborted).toBe(false);
    expect(pool.inspect().connections[0]?.lingering).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections[0]?.aborted).toBe(true);
    expect(pool.inspect().connections).toHaveLength(0);
    expect(source.get()).toEqual(expect.objectContaining({ status: 'idle' }));
  });

  it('leaves nothing behind after 10 000 subscribe/unsubscribe cycles', async () => {
    const { pool, server, onlineListeners } = setup({ lingerMs: 50 });
    const source = pool.source(URL_A);
    for (let i = 0; i < 10_000; i++) {
      const off = i % 3 === 0 ? source.event(`t${i % 7}`).on(() => {}) : source.subscribe(() => {});
      if (i === 0) server.current?.open();
      off();
    }
    await vi.advanceTimersByTimeAsync(50);
    expect(pool.inspect().connections).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(onlineListeners.size).toBe(0);
    expect(server.connections.every((c) => c.aborted)).toBe(true);
  });

  it('keeps two subscriptions of the same function apart', async () => {
    const { pool, server } = setup();
    const ticks = pool.source(URL_A).event<number>('tick');
    const seen: number[] = [];
    const record = (n: number): void => {
      seen.push(n);
    };
    const first = ticks.on(record);
    ticks.on(record);
    const listener = vi.fn();
    const stopListening = ticks.listen(listener);
    ticks.listen(listener);
    server.current?.open();
    server.current?.send(1, { type: 'tick' });
    first();
    stopListening();
    server.current?.send(2, { type: 'tick' });
    await tick();
    // Each subscription ends only itself: the second `on` and `listen` still hear event 2.
    expect(seen).toEqual([1, 1, 2]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(pool.inspect().connections[0]?.refs).toBe(2);
  });

  it('subscribe() calls at once (a Svelte store); listen() does not', () => {
    const { pool } = setup();
    const source = pool.source(URL_A);
    const run = vi.fn();
    const listener = vi.fn();
    source.subscribe(run)();
    source.listen(listener)();
    expect(run).toHaveBeenCalledWith(expect.objectContaining({ status: 'connecting' }));
    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps snapshots immutable and identical until something changes', async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    const off = source.listen(() => {});
    const first = source.get();
    expect(source.get()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    server.current?.open();
    const opened = source.get();
    expect(opened).not.toBe(first);
    expect(opened.status).toBe('open');
    expect(source.get()).toBe(opened);
    off();
  });

  it('opens nothing on a server, throws nothing, and stays idle', () => {
    const server = createTestTransport();
    const pool = createPool({
      transport: server.transport,
      platform: createPlatform({ isServer: true }),
    });
    const source = pool.source('/relative/url');
    const off = source.event('tick').subscribe(() => {});
    expect(server.connections).toHaveLength(0);
    expect(source.get().status).toBe('idle');
    off();
  });
});

describe('events', () => {
  it('parses each event once, however many subscribers read it', async () => {
    const { pool, server } = setup();
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
    const { pool, server } = setup();
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
    const { pool, server } = setup({ notify: 'frame' });
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
    const { pool, server } = setup();
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
    const { pool, server } = setup();
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
    const { pool, server } = setup();
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
    const { pool, server } = setup();
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
    const { pool, server } = setup();
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
    const { pool, server } = setup();
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
    const { pool, server } = setup();
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

describe('retry', () => {
  const statusOf = (s: SourceSnapshot) => ({ status: s.status, ...s.retry });

  it('backs off exponentially from 1 s, capped, visible as state, resuming from the last id', async () => {
    const { pool, server } = setup({ retry: { maxDelayMs: 5000 } });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.send('1', { id: '1' });
    const delays: Array<number | null> = [];
    for (let i = 0; i < 5; i++) {
      server.current?.drop();
      const s = source.get();
      expect(s.status).toBe('reconnecting');
      expect(s.error?.kind).toBe('network');
      expect(s.retry.nextRetryAt).toBe(Date.now() + (s.retry.delayMs ?? 0));
      delays.push(s.retry.delayMs);
      await vi.advanceTimersByTimeAsync(s.retry.delayMs ?? 0);
      expect(server.current?.lastEventId).toBe('1');
    }
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(server.connections).toHaveLength(6);
    server.current?.open();
    expect(statusOf(source.get())).toEqual({
      status: 'open',
      attempt: 0,
      delayMs: null,
      nextRetryAt: null,
      gaveUp: false,
    });
  });

  it('resumes from an id the server sent without data', async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.send('x', { id: '1' });
    server.current?.id('5');
    expect(pool.inspect().connections[0]?.lastEventId).toBe('5');
    server.current?.drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.current?.lastEventId).toBe('5');
  });

  it("waits exactly the server's retry: after a stream that delivered events", async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.retry(200);
    server.current?.send('x', { id: '1' });
    server.current?.drop();
    expect(source.get().retry.delayMs).toBe(200);
  });

  it('jitters the delay within [0, ceiling]', async () => {
    const { pool, server } = setup({
      platform: createPlatform({ isServer: false, random: () => 0.25 }),
    });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.drop();
    expect(source.get().retry.delayMs).toBe(250);
  });

  it('gives up after maxAttempts: closed, gaveUp, no timer left', async () => {
    const { pool, server } = setup({ retry: { maxAttempts: 2 } });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.drop();
    await vi.advanceTimersByTimeAsync(1000);
    server.current?.drop();
    await vi.advanceTimersByTimeAsync(2000);
    server.current?.drop();
    expect(statusOf(source.get())).toMatchObject({ status: 'closed', attempt: 3, gaveUp: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(3);
  });

  it('resets the attempt count after a connection that stayed open', async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.drop();
    await vi.advanceTimersByTimeAsync(1000);
    server.current?.open();
    server.current?.drop(); // flapping: counts on
    expect(source.get().retry.attempt).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    server.current?.open();
    await vi.advanceTimersByTimeAsync(5000);
    server.current?.drop(); // stayed open 5 s: starts again
    expect(source.get().retry.attempt).toBe(1);
  });

  it('stops for good on 204, on a 4xx and on a wrong content type', async () => {
    for (const error of [
      { kind: 'stopped', status: 204, message: 'no content' },
      { kind: 'http', status: 404, message: 'not found' },
      { kind: 'content-type', status: 200, message: 'text/html' },
    ] as const) {
      const { pool, server } = setup();
      const source = pool.source(URL_A);
      source.listen(() => {});
      server.current?.fail(error);
      expect(source.get()).toMatchObject({ status: 'closed', error, retry: { gaveUp: true } });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(server.connections).toHaveLength(1);
    }
  });

  it('honours Retry-After on 503', async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.fail({ kind: 'http', status: 503, retryAfterMs: 7000, message: 'busy' });
    expect(source.get()).toMatchObject({ status: 'reconnecting', error: { status: 503 } });
    expect(source.get().retry.delayMs).toBe(7000);
    await vi.advanceTimersByTimeAsync(6999);
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections).toHaveLength(2);
  });

  it("shows the browser's own retry as reconnecting, never closed", () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.reconnecting();
    expect(source.get()).toMatchObject({ status: 'reconnecting', retry: { attempt: 1 } });
    expect(server.current?.aborted).toBe(false);
    server.current?.open();
    expect(source.get().status).toBe('open');
  });

  it('makes no attempt while offline and one at once when back online', async () => {
    const { pool, server, setOnline } = setup();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    setOnline(false);
    server.current?.drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(1);
    expect(source.get().status).toBe('reconnecting');
    setOnline(true);
    expect(server.connections).toHaveLength(2);
  });

  it('treats silence longer than staleAfterMs as a drop; heartbeats keep it alive', async () => {
    const { pool, server } = setup({ staleAfterMs: 10_000 });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(9000);
      server.current?.send('beat');
    }
    expect(source.get().status).toBe('open');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(source.get()).toMatchObject({ status: 'reconnecting', error: { kind: 'network' } });
    expect(server.connections[0]?.aborted).toBe(true);
  });

  it('pauses after the page was hidden a while and resumes from the last id', async () => {
    const { pool, server, setVisible } = setup({ pauseWhenHidden: { afterMs: 30_000 } });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.send('x', { id: '41' });
    setVisible(false);
    await vi.advanceTimersByTimeAsync(10_000);
    setVisible(true); // a short glance away changes nothing
    setVisible(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(server.connections[0]?.aborted).toBe(true);
    expect(source.get().status).toBe('idle');
    setVisible(true);
    expect(server.connections).toHaveLength(2);
    expect(server.current?.lastEventId).toBe('41');
  });

  it('reconnect() and close() cancel timers; a superseded attempt reaches nobody', async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    const ticks = source.event<number>('tick');
    ticks.listen(() => {});
    server.current?.drop();
    const stale = server.connections[0]!;
    source.reconnect();
    expect(server.connections).toHaveLength(2);
    stale.send(99, { type: 'tick' });
    stale.open();
    expect(ticks.get().data).toBeUndefined();
    expect(source.get().status).toBe('reconnecting');
    source.close();
    expect(source.get()).toMatchObject({ status: 'closed', error: null });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(2);
    source.reconnect();
    expect(server.connections).toHaveLength(3);
  });
});

describe('inspection and warnings', () => {
  it('lists connections, refs and subscribers per type', async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    source.event('tick').listen(() => {});
    source.event('tick').on(() => {});
    source.event('news').listen(() => {});
    server.current?.open();
    server.current?.send('1', { type: 'tick', id: '1' });
    const seen = vi.fn();
    pool.onInspect(seen);
    server.current?.send('2', { type: 'tick', id: '2' });
    await tick();
    expect(seen).toHaveBeenCalledTimes(1);
    expect(pool.inspect().connections).toEqual([
      expect.objectContaining({
        url: URL_A,
        status: 'open',
        refs: 3,
        subscribers: { tick: 2, news: 1 },
        lastEventId: '2',
        events: 2,
      }),
    ]);
  });

  it('warns once when more than four HTTP/1.1 streams share an origin', () => {
    // A page: the limit is a browser's (Node never warns).
    vi.stubGlobal('document', {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { pool, server } = setup();
    for (let i = 0; i < 6; i++) {
      pool.source(`https://busy.test/s${i}`).listen(() => {});
      server.current?.open();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/5 event streams are open to https:\/\/busy\.test/);
  });
});
