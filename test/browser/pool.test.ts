/**
 * The pool over the native EventSource transport, in real Chromium, against the real server.
 * Streams ask for CORS (`cors=*`): the page's origin is vitest's own server.
 */
import { createPool, type Pool } from '@ssekit/core';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { ChannelStats } from '../server/sse-server';

const serverUrl = inject('sseServerUrl');
let seq = 0;
const channel = (name: string): string => `${name}-${Date.now()}-${++seq}`;
const stats = async (name: string): Promise<ChannelStats> =>
  (await fetch(`${serverUrl}/stats/${encodeURIComponent(name)}`)).json() as Promise<ChannelStats>;

let pool: Pool;
afterEach(() => pool?.reset());

describe('pool with the native transport in Chromium', () => {
  it('uses the native EventSource and shares one connection among hundreds of subscribers', async () => {
    pool = createPool({ lingerMs: 100 });
    const name = channel('shared');
    const source = pool.source(`${serverUrl}/sse/${name}?types=tick,news&count=4&cors=*`);
    expect(source.description).toContain('eventsource');
    const ticks: number[] = [];
    const offs = [
      ...Array.from({ length: 150 }, () => source.event<{ n: number }>('tick').listen(() => {})),
      ...Array.from({ length: 150 }, () => source.event('news').listen(() => {})),
      source.event<{ n: number }>('tick').on((data) => ticks.push(data.n)),
    ];
    await vi.waitFor(() => expect(source.event('news').get().count).toBe(2));
    expect(ticks).toEqual([1, 3]);
    expect((await stats(name)).connections).toBe(1);
    for (const off of offs) off();
  });

  it('resumes after drops with every event exactly once, in order', async () => {
    pool = createPool({ retry: { initialDelayMs: 50 } });
    const name = channel('drops');
    const source = pool.source(
      `${serverUrl}/sse/${name}?count=10&interval=30&dropAfter=3&dropTimes=2&retry=50&cors=*`,
    );
    const seen: number[] = [];
    const statuses = new Set<string>();
    source.listen((s) => statuses.add(s.status));
    source.event<{ n: number }>('message').on((data) => seen.push(data.n));
    await vi.waitFor(() => expect(seen).toHaveLength(10), { timeout: 8000 });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The browser retried by itself: never shown as closed.
    expect(statuses.has('reconnecting')).toBe(true);
    expect(statuses.has('closed')).toBe(false);
    const { connections, lastEventIds } = await stats(name);
    expect(connections).toBe(3);
    expect(lastEventIds[0]).toBe('');
    expect(lastEventIds.slice(1).every((id) => /^\d+$/.test(id))).toBe(true);
    expect(pool.inspect().connections[0]?.lastEventId).toBe('10');
  });

  it('retries a failed EventSource with backoff, visible as state, then gives up', async () => {
    pool = createPool({ retry: { initialDelayMs: 20, maxAttempts: 2 } });
    const name = channel('failing');
    const source = pool.source(`${serverUrl}/sse/${name}?status=503&cors=*`);
    const attempts: number[] = [];
    source.listen((s) => {
      if (s.status === 'reconnecting') attempts.push(s.retry.attempt);
    });
    await vi.waitFor(() => expect(source.get().status).toBe('closed'), { timeout: 5000 });
    expect(source.get().retry).toMatchObject({ gaveUp: true, attempt: 3 });
    // The browser hides the status; one probe per failed attempt finds it.
    expect(source.get().error).toMatchObject({ kind: 'http', status: 503 });
    expect(attempts).toContain(2);
    expect((await stats(name)).connections).toBe(6);
  });

  it('keeps the connection through an unmount/mount inside the linger delay, then closes it', async () => {
    pool = createPool({ lingerMs: 300 });
    const name = channel('linger');
    const source = pool.source(`${serverUrl}/sse/${name}?count=1&cors=*`);
    const off = source.listen(() => {});
    await vi.waitFor(() => expect(source.get().status).toBe('open'));
    off();
    const again = source.listen(() => {});
    again();
    await vi.waitFor(async () => expect((await stats(name)).open).toBe(0), { timeout: 3000 });
    expect((await stats(name)).connections).toBe(1);
  });
});
