/**
 * The retry policy as the pool applies it: backoff, the server's `retry:`, giving up, stopping,
 * and the platform's signals (online, visibility, silence). No real time passes.
 */
import { describe, expect, it, vi } from 'vitest';
import { createPlatform } from './platform';
import { testPool, withFakeClock } from './test-support';
import type { SourceSnapshot } from './types';

const URL_A = 'https://example.test/stream';

withFakeClock();

describe('retry', () => {
  const statusOf = (s: SourceSnapshot) => ({ status: s.status, ...s.retry });

  it('backs off exponentially from 1 s, capped, visible as state, resuming from the last id', async () => {
    const { pool, server } = testPool({ retry: { maxDelayMs: 5000 } });
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
    const { pool, server } = testPool();
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
    const { pool, server } = testPool();
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.open();
    server.current?.retry(200);
    server.current?.send('x', { id: '1' });
    server.current?.drop();
    expect(source.get().retry.delayMs).toBe(200);
  });

  it('jitters the delay within [0, ceiling]', async () => {
    const { pool, server } = testPool({
      platform: createPlatform({ isServer: false, random: () => 0.25 }),
    });
    const source = pool.source(URL_A);
    source.listen(() => {});
    server.current?.drop();
    expect(source.get().retry.delayMs).toBe(250);
  });

  it('gives up after maxAttempts: closed, gaveUp, no timer left', async () => {
    const { pool, server } = testPool({ retry: { maxAttempts: 2 } });
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
    const { pool, server } = testPool();
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
      const { pool, server } = testPool();
      const source = pool.source(URL_A);
      source.listen(() => {});
      server.current?.fail(error);
      expect(source.get()).toMatchObject({ status: 'closed', error, retry: { gaveUp: true } });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(server.connections).toHaveLength(1);
    }
  });

  it('honours Retry-After on 503', async () => {
    const { pool, server } = testPool();
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
    const { pool, server } = testPool();
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
    const { pool, server, setOnline } = testPool();
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
    const { pool, server } = testPool({ staleAfterMs: 10_000 });
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
    const { pool, server, setVisible } = testPool({ pauseWhenHidden: { afterMs: 30_000 } });
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
    const { pool, server } = testPool();
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
