/**
 * The connection's retry policy, open timeout, finite streams and status notifications, driven by
 * the test transport and a fake clock: no real time passes.
 */
import { describe, expect, it, vi } from 'vitest';
import { createPool, type PoolOptions } from './pool';
import { MAX_TIMER_MS } from './retry';
import { controllablePlatform, testPool, withFakeClock } from './test-support';
import { createTestTransport } from './testing';

const URL_A = 'https://example.test/stream';

/** The usual test pool without a linger delay; `random` picks where in the jitter range delays fall. */
function setup(options: PoolOptions = {}, random = () => 1) {
  return testPool({ platform: controllablePlatform({ random }).platform, lingerMs: 0, ...options });
}

withFakeClock();

describe('backoff grows only after failed attempts', () => {
  it('keeps the base delay for a stream that delivers events between drops, and never gives up', async () => {
    // The case: a server that drops every 17 events. Before: 1, 2, 4, 8, 16, 30, 30 s…
    const { pool, server } = setup({ retry: { maxAttempts: 3 } });
    const source = pool.source(URL_A);
    source.listen(() => {});
    const delays: Array<number | null> = [];
    let id = 0;
    for (let drop = 0; drop < 11; drop++) {
      server.current?.open();
      for (let i = 0; i < 17; i++) server.current?.send(i, { id: `${++id}` });
      server.current?.drop();
      delays.push(source.get().retry.delayMs);
      expect(source.get().retry.attempt).toBe(1);
      await vi.advanceTimersByTimeAsync(source.get().retry.delayMs ?? 0);
      expect(server.current?.lastEventId).toBe(`${id}`);
    }
    expect(delays).toEqual(Array(11).fill(1000));
    expect(source.get().retry.gaveUp).toBe(false);
    expect(server.connections).toHaveLength(12);
  });

  it('grows after attempts that opened but delivered nothing', async () => {
    const { pool, server } = setup({ retry: { maxDelayMs: 8000 } });
    const source = pool.source(URL_A);
    source.listen(() => {});
    const delays: Array<number | null> = [];
    for (let i = 0; i < 5; i++) {
      server.current?.open();
      server.current?.drop();
      delays.push(source.get().retry.delayMs);
      await vi.advanceTimersByTimeAsync(source.get().retry.delayMs ?? 0);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
});

describe("the server's retry:", () => {
  it('is a floor for a healthy reconnect, whatever the jitter', async () => {
    // Before: a random delay below it (random 0 → 0 ms where the server asked for 1500).
    const { pool, server } = setup({}, () => 0);
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.retry(1500);
    server.current?.send('x', { id: '1' });
    server.current?.drop();
    expect(source.get().retry.delayMs).toBe(1500);
  });

  it('retry: 0 does not disable the backoff after failures', async () => {
    // Before: every delay 0 ms, hundreds of requests per second against a failing server.
    const { pool, server } = setup({ retry: { maxDelayMs: 8000 } });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.retry(0);
    server.current?.send('x', { id: '1' });
    const delays: Array<number | null> = [];
    for (let i = 0; i < 5; i++) {
      server.current?.fail({ kind: 'http', status: 503, message: 'busy' });
      delays.push(source.get().retry.delayMs);
      await vi.advanceTimersByTimeAsync(source.get().retry.delayMs ?? 0);
    }
    // A healthy reconnect first (the stream had delivered), then the backoff grows.
    expect(delays).toEqual([0, 2000, 4000, 8000, 8000]);
    expect(server.connections).toHaveLength(6);
  });
});

describe('every delay is clamped', () => {
  it.each([
    ['seconds', 100 * 365 * 24 * 3600 * 1000],
    ['an HTTP date', MAX_TIMER_MS * 4],
  ])('caps a Retry-After in %s to maxDelayMs: a sane nextRetryAt, no storm', async (_, ms) => {
    // Before: a delay over 2^31-1 ms fired at once (hundreds of requests per second).
    const { pool, server } = setup({ retry: { maxDelayMs: 30_000 } });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.fail({ kind: 'http', status: 503, message: 'busy', retryAfterMs: ms });
    expect(source.get().retry.delayMs).toBe(30_000);
    expect(source.get().retry.nextRetryAt).toBe(Date.now() + 30_000);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections).toHaveLength(2);
  });

  it('caps a maxDelayMs beyond what a timer holds', () => {
    const { pool, server } = setup({ retry: { maxDelayMs: Number.POSITIVE_INFINITY } });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.fail({ kind: 'http', status: 503, message: 'x', retryAfterMs: 1e15 });
    expect(source.get().retry.delayMs).toBe(MAX_TIMER_MS);
  });
});

describe('openTimeoutMs', () => {
  it('fails an attempt that never opens, says what to check, then backs off', async () => {
    // Before: `connecting` for ever.
    const { pool, server } = setup({ openTimeoutMs: 5000 });
    const source = pool.source(URL_A);
    source.listen(() => {});
    await vi.advanceTimersByTimeAsync(4999);
    expect(source.get().status).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections[0]?.aborted).toBe(true);
    expect(source.get()).toMatchObject({ status: 'reconnecting', error: { kind: 'network' } });
    expect(source.get().error?.message).toMatch(/proxy_buffering off|X-Accel-Buffering: no/);
    await vi.advanceTimersByTimeAsync(source.get().retry.delayMs ?? 0);
    expect(server.connections).toHaveLength(2);
    server.current?.open();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(source.get().status).toBe('open');
  });

  it("bounds the browser's own retry too: its delay plus openTimeoutMs", async () => {
    const { pool, server } = setup({ openTimeoutMs: 5000 });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.reconnecting();
    await vi.advanceTimersByTimeAsync(3000 + 4999);
    expect(source.get().status).toBe('reconnecting');
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.connections[0]?.aborted).toBe(true);
    expect(source.get().error?.message).toMatch(/openTimeoutMs/);
  });

  it('defaults to 30 s and can be turned off', async () => {
    const on = setup();
    on.pool.source(URL_A).listen(() => {});
    const off = setup({ openTimeoutMs: 0 });
    off.pool.source(URL_A).listen(() => {});
    await vi.advanceTimersByTimeAsync(30_000);
    expect(on.server.connections[0]?.aborted).toBe(true);
    expect(off.server.connections[0]?.aborted).toBe(false);
  });
});

describe('finite streams: until', () => {
  it("ends with status 'done' after the event reached every subscriber; reconnect() runs it afresh", async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A, { until: (e) => e.type === 'done' });
    const seen: string[] = [];
    source.listen(() => {});
    source.event('progress').on((d) => seen.push(`progress ${d}`));
    source.event('done').on((d) => seen.push(`done ${JSON.stringify(d)}`));
    server.current?.open();
    server.current?.send(50, { type: 'progress', id: '1' });
    server.current?.send({ ok: true }, { type: 'done', id: '2' });
    expect(seen).toEqual(['progress 50', 'done {"ok":true}']);
    expect(server.current).toBeUndefined(); // the attempt was ended
    expect(source.get()).toMatchObject({ status: 'done', error: null, retry: { delayMs: null } });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.connections).toHaveLength(1);
    expect(source.event('progress').get().data).toBe(50);
    source.reconnect();
    expect(server.connections).toHaveLength(2);
    expect(server.current?.lastEventId).toBe('');
    expect(source.get().status).toBe('connecting');
  });
});

describe('status notifications', () => {
  it('a status listener is not called for the events of a busy stream', async () => {
    // Before: one call per event id change (100 here).
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    const listener = vi.fn();
    source.listen(listener);
    source.event('tick').listen(() => {});
    server.current?.open();
    await vi.advanceTimersByTimeAsync(0);
    listener.mockClear();
    for (let i = 1; i <= 100; i++) {
      server.current?.send(i, { type: 'tick', id: `${i}` });
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(listener).not.toHaveBeenCalled();
    expect(pool.inspect().connections[0]?.lastEventId).toBe('100');
  });

  it('counts ssekit:reset on the snapshot, read or not', async () => {
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.send({ reason: 'trimmed' }, { type: 'ssekit:reset', id: '9' });
    expect(source.get()).toMatchObject({ resets: 1, lastResetAt: Date.now() });
  });

  it("says when the browser's own retry happens when the delay is known", () => {
    // Before: delayMs known, nextRetryAt null.
    const { pool, server } = setup();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.retry(2500);
    server.current?.reconnecting();
    expect(source.get().retry).toMatchObject({ delayMs: 2500, nextRetryAt: Date.now() + 2500 });
  });
});

describe('heartbeat announcement', () => {
  it('turns stale detection on at 3 × the announced interval', async () => {
    const server = createTestTransport();
    const { platform } = controllablePlatform();
    let heartbeat: ((ms: number) => void) | undefined;
    const pool = createPool({
      platform,
      transport: (request, sink) => {
        heartbeat = (ms) => sink.heartbeat?.(ms);
        return server.transport(request, sink);
      },
    });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    heartbeat?.(1000);
    await vi.advanceTimersByTimeAsync(2999);
    expect(source.get().status).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(source.get()).toMatchObject({ status: 'reconnecting', error: { kind: 'network' } });
  });

  it("leaves the app's own staleAfterMs alone", async () => {
    const server = createTestTransport();
    const { platform } = controllablePlatform();
    const pool = createPool({
      platform,
      staleAfterMs: 10_000,
      transport: (request, sink) => {
        const attempt = server.transport(request, sink);
        queueMicrotask(() => sink.heartbeat?.(100));
        return attempt;
      },
    });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    await vi.advanceTimersByTimeAsync(9999);
    expect(source.get().status).toBe('open');
  });
});
