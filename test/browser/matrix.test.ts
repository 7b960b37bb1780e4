/**
 * The promises of the pool, proven on every transport choice a browser app can make: `auto` (the
 * default: a native EventSource for a plain GET), `fetch` and `eventsource`, in real Chromium,
 * against the real test server (test/server/sse-server.ts), cross-origin (the server's own origin:
 * the page lives on vitest's server) and same-origin (the page's server pipes `/same-origin/*` to
 * the test server) where the transport behaves differently.
 *
 * Request counts come from the server's `/stats/<channel>`. Small retry delays keep every scenario
 * short; a few scenarios watch a short quiet window to prove that nothing else happens.
 */
import { createPool, type Pool, type SourceInit, type SourceSnapshot } from '@ssekit/core';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { ChannelStats } from '../server/sse-server';

const serverUrl = inject('sseServerUrl');
type Origin = 'cross' | 'same';
type Kind = 'auto' | 'fetch' | 'eventsource';

let seq = 0;
const channel = (name: string): string => `${name}-${Date.now()}-${++seq}`;
const stats = async (name: string): Promise<ChannelStats> =>
  (await fetch(`${serverUrl}/stats/${encodeURIComponent(name)}`)).json() as Promise<ChannelStats>;
const streamUrl = (name: string, query: string, origin: Origin): string =>
  origin === 'cross'
    ? `${serverUrl}/sse/${name}?${query}&cors=*`
    : `${location.origin}/same-origin/${new URL(serverUrl).port}/sse/${name}?${query}`;
/** A real wait: only to show that nothing more happens in a window several retry delays long. */
const quiet = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const FAST = { initialDelayMs: 20, maxDelayMs: 200 };
let pool: Pool;
afterEach(() => pool?.reset());

function open(kind: Kind, url: string, init: SourceInit = {}) {
  pool = createPool({ lingerMs: 0, retry: FAST });
  const source = pool.source<{ message: { n: number } }>(url, { transport: kind, ...init });
  const seen: number[] = [];
  const statuses: SourceSnapshot['status'][] = [];
  const offs = [
    source.listen((s) => statuses.push(s.status)),
    source.event('message').on((data) => seen.push(data.n)),
  ];
  const off = (): void => {
    for (const unsubscribe of offs) unsubscribe();
  };
  return { source, seen, statuses, off };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe.each(['auto', 'fetch', 'eventsource'] as const)('transport %s', (kind) => {
  describe.each(['cross', 'same'] as const)('%s-origin', (origin) => {
    it('resumes after drops: every id exactly once, in order', async () => {
      const name = channel('drops');
      const url = streamUrl(name, 'count=12&interval=5&dropAfter=3&dropTimes=3&retry=20', origin);
      const { seen } = open(kind, url);
      await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(12), { timeout: 8000 });
      expect(seen).toEqual(range(12));
      expect((await stats(name)).connections).toBe(4);
    });

    it('reconnect() resumes from the last id: no event twice', async () => {
      const name = channel('reconnect');
      const { source, seen } = open(kind, streamUrl(name, 'count=6&interval=40', origin));
      await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(3), { timeout: 5000 });
      source.reconnect();
      await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(6), { timeout: 5000 });
      await quiet(100);
      expect(seen).toEqual(range(6));
      const { lastEventIds } = await stats(name);
      expect(lastEventIds).toHaveLength(2);
      expect(lastEventIds[1]).not.toBe('');
    });

    it('repeated stale timeouts resume from the last id: no event twice', async () => {
      const name = channel('stale');
      // Four events, then silence: each stale timeout opens a new stream that replays nothing.
      const { seen } = open(kind, streamUrl(name, 'count=4', origin), { staleAfterMs: 150 });
      await vi.waitFor(async () => expect((await stats(name)).connections).toBeGreaterThan(3), {
        timeout: 8000,
      });
      expect(seen).toEqual(range(4));
      const resumedFrom = (await stats(name)).lastEventIds.slice(1);
      expect(resumedFrom).toEqual(resumedFrom.map(() => '4'));
    });
  });

  it('204 stops for good at once (one stream request, at most one probe)', async () => {
    const name = channel('204');
    const { source } = open(kind, streamUrl(name, 'status=204', 'cross'));
    await vi.waitFor(() => expect(source.get().status).toBe('closed'), { timeout: 5000 });
    expect(source.get().error?.kind).toBe('stopped');
    expect(source.get().retry.gaveUp).toBe(true);
    await quiet(300);
    expect((await stats(name)).connections).toBeLessThanOrEqual(2);
  });

  it('500 backs off and respects maxAttempts: requests bounded, the status says http 500', async () => {
    const name = channel('500');
    const { source } = open(kind, streamUrl(name, 'status=500', 'cross'), {
      retry: { ...FAST, maxAttempts: 3 },
    });
    await vi.waitFor(() => expect(source.get().status).toBe('closed'), { timeout: 5000 });
    expect(source.get().retry).toMatchObject({ gaveUp: true, attempt: 4 });
    expect(source.get().error).toMatchObject({ kind: 'http', status: 500 });
    await quiet(300);
    // Four attempts; a native EventSource hides the status, so each is followed by one probe.
    expect((await stats(name)).connections).toBeLessThanOrEqual(8);
  });

  it('a 4xx stops without retrying and says which status', async () => {
    const name = channel('404');
    const { source } = open(kind, streamUrl(name, 'status=404', 'cross'));
    await vi.waitFor(() => expect(source.get().status).toBe('closed'), { timeout: 5000 });
    expect(source.get().error).toMatchObject({ kind: 'http', status: 404 });
    await quiet(300);
    expect((await stats(name)).connections).toBeLessThanOrEqual(2);
  });

  it('a wrong content type stops without retrying and says so', async () => {
    const name = channel('ctype');
    // `end=1`: Chromium sniffs a text/plain body and says nothing before 512 bytes or the end.
    const { source } = open(kind, streamUrl(name, 'contentType=text/plain&end=1', 'cross'));
    await vi.waitFor(() => expect(source.get().status).toBe('closed'), { timeout: 5000 });
    expect(source.get().error?.kind).toBe('content-type');
    await quiet(300);
    expect((await stats(name)).connections).toBeLessThanOrEqual(2);
  });

  it('a finite stream ends with status done at its `until` event: no reconnect', async () => {
    const name = channel('until');
    const url = streamUrl(name, 'count=3&types=progress,progress,done&end=1', 'cross');
    pool = createPool({ lingerMs: 0, retry: FAST });
    const source = pool.source(url, { transport: kind, until: (e) => e.type === 'done' });
    const progress: unknown[] = [];
    const offs = [
      source.event<{ n: number }>('progress').on((d) => progress.push(d.n)),
      source.event<{ n: number }>('done').listen(() => {}),
    ];
    await vi.waitFor(() => expect(source.get().status).toBe('done'), { timeout: 5000 });
    expect(source.event<{ n: number }>('done').get().data).toEqual({ n: 3, channel: name });
    expect(source.get().error).toBeNull();
    await quiet(300);
    expect((await stats(name)).connections).toBe(1);
    expect(progress).toEqual([1, 2]);
    // Run again: a fresh stream.
    source.reconnect();
    await vi.waitFor(async () => expect((await stats(name)).connections).toBe(2));
    for (const off of offs) off();
  });

  it('an open timeout fails a server that never answers, with a hint, then backs off', async () => {
    const name = channel('hang');
    const { source } = open(kind, streamUrl(name, 'hang=1', 'cross'), {
      openTimeoutMs: 150,
      retry: { ...FAST, maxAttempts: 1 },
    });
    await vi.waitFor(() => expect(source.get().status).toBe('closed'), { timeout: 5000 });
    expect(source.get().error?.kind).toBe('network');
    expect(source.get().error?.message).toMatch(/proxy_buffering|X-Accel-Buffering/);
    expect((await stats(name)).connections).toBeLessThanOrEqual(2);
  });

  it('counts ssekit:reset on the source snapshot, with or without a subscriber of it', async () => {
    const name = channel('reset');
    const { source } = open(kind, streamUrl(name, 'reset=trimmed&count=3', 'cross'));
    await vi.waitFor(() => expect(source.get().resets).toBe(1), { timeout: 5000 });
    expect(source.get().lastResetAt).toEqual(expect.any(Number));
  });

  it('status listeners are not called for every event of a busy stream', async () => {
    const name = channel('busy');
    const { source, seen, statuses } = open(kind, streamUrl(name, 'count=30&interval=5', 'cross'));
    await vi.waitFor(() => expect(seen).toHaveLength(30), { timeout: 5000 });
    expect(source.get().status).toBe('open');
    expect(statuses.length).toBeLessThanOrEqual(3);
  });
});

describe.each(['auto', 'fetch'] as const)('transport %s with heartbeats', (kind) => {
  it('heartbeats keep a quiet stream alive under staleAfterMs: no teardown', async () => {
    const name = channel('heartbeat');
    const { source } = open(kind, streamUrl(name, 'count=1&heartbeat=100', 'cross'), {
      staleAfterMs: 1000,
    });
    await vi.waitFor(() => expect(source.get().status).toBe('open'), { timeout: 5000 });
    await quiet(2000);
    expect((await stats(name)).connections).toBe(1);
  });

  it('a POST finite stream is sent once and never again after its `until` event', async () => {
    const name = channel('post');
    const url = streamUrl(name, 'count=3&types=progress,progress,done&end=1', 'cross');
    pool = createPool({ lingerMs: 0, retry: FAST });
    const source = pool.source(url, {
      transport: kind,
      method: 'POST',
      body: '{"prompt":"hi"}',
      until: (e) => e.type === 'done',
    });
    const off = source.event('done').listen(() => {});
    await vi.waitFor(() => expect(source.get().status).toBe('done'), { timeout: 5000 });
    await quiet(300);
    expect((await stats(name)).connections).toBe(1);
    off();
  });

  // A native EventSource cannot see comments, and `auto` without staleAfterMs is native.
  it.skipIf(kind === 'auto')(
    'the server’s heartbeat announcement turns stale detection on by itself',
    async () => {
      const name = channel('announce');
      // Announces 50 ms, then falls silent: the client gives up on it after 3 × 50 ms.
      const { source } = open(kind, streamUrl(name, 'count=1&announce=50', 'cross'));
      await vi.waitFor(async () => expect((await stats(name)).connections).toBeGreaterThan(1), {
        timeout: 5000,
      });
      expect(source.get().status).not.toBe('closed');
    },
  );
});

describe('fetch sends no header that needs a CORS preflight cross-origin', () => {
  it('resumes through the id query parameter cross-origin and the header same-origin', async () => {
    for (const origin of ['cross', 'same'] as const) {
      const name = channel(`fetch-${origin}`);
      const url = streamUrl(name, 'count=4&interval=5&dropAfter=2&dropTimes=1&retry=20', origin);
      const { seen } = open('fetch', url);
      await vi.waitFor(() => expect(seen).toHaveLength(4), { timeout: 5000 });
      const { requests, preflights } = await stats(name);
      expect(preflights).toBe(0);
      expect(requests[0]?.cacheControl ?? null).toBe(origin === 'same' ? 'no-cache' : null);
      // Where each request carried its resume point ([header, query]); on a loaded machine an
      // attempt may fail before any event, so the resume is not always the second request.
      const carried = requests.map((r) => [r.lastEventIdHeader, r.lastEventIdQuery]);
      expect(carried).toContainEqual(origin === 'cross' ? [null, '2'] : ['2', null]);
      expect(carried.filter(([header, query]) => header ?? query)).toHaveLength(1);
      pool.reset();
    }
  });
});

describe("transport 'auto' picks a transport that can keep the promise", () => {
  it('until sees its event even when nobody subscribed to that type (auto selects fetch)', async () => {
    const name = channel('until-unsubscribed');
    const url = streamUrl(name, 'count=3&types=progress,progress,done&end=1', 'cross');
    pool = createPool({ lingerMs: 0, retry: FAST });
    const source = pool.source(url, { until: (e) => e.type === 'done' });
    expect(source.description).toContain('fetch');
    const off = source.event('progress').listen(() => {});
    await vi.waitFor(() => expect(source.get().status).toBe('done'), { timeout: 5000 });
    await quiet(300);
    expect((await stats(name)).connections).toBe(1);
    off();
  });

  it('a plain GET stays on the native EventSource', () => {
    pool = createPool();
    expect(pool.source(streamUrl(channel('plain'), 'count=1', 'cross')).description).toContain(
      'eventsource',
    );
  });
});

describe("the server's retry: is a floor", () => {
  it('fetch: every reconnect after a healthy stream is scheduled at retry:, never sooner', async () => {
    const name = channel('floor');
    const url = streamUrl(name, 'count=5&dropAfter=1&dropTimes=4&retry=150', 'cross');
    // Jitter must not pull a delay below the server's retry: (before: 8 of 15 came sooner).
    const { source, seen } = open('fetch', url);
    const delays: Array<number | null> = [];
    const errors: string[] = [];
    source.listen((s) => {
      // After the first event the server's retry: is known: every reconnect from then on.
      if (s.status === 'reconnecting' && seen.length > 0) delays.push(s.retry.delayMs);
      if (s.error) errors.push(s.error.message);
    });
    await vi.waitFor(() => expect(seen).toEqual(range(5)), { timeout: 5000 });
    // Four reconnects; under load a notification may coalesce with the next one.
    expect(delays.length).toBeGreaterThan(0);
    expect({ low: delays.filter((ms) => ms === null || ms < 150), errors }).toEqual({
      low: [],
      errors: expect.any(Array),
    });
  });
});

describe('fetch cross-origin with a header the server does not allow', () => {
  it('a refused preflight is a clear, final error, not a loop', async () => {
    // The test server's preflight allows Last-Event-ID, Authorization, Cache-Control, Content-Type.
    const name = channel('preflight');
    const { source } = open('fetch', streamUrl(name, 'count=3', 'cross'), {
      headers: { 'X-Tenant': 'a' },
    });
    await vi.waitFor(() => expect(source.get().status).toBe('closed'), { timeout: 5000 });
    expect(source.get().error?.kind).toBe('cors');
    expect(source.get().error?.message).toMatch(/preflight/);
    await quiet(300);
    const { preflights, connections } = await stats(name);
    // One refused preflight, one plain GET that found the server reachable.
    expect(preflights).toBe(1);
    expect(connections).toBe(1);
  });
});
