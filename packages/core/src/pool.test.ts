/**
 * The pool's lifecycle (first listener connects, the last one lingers), server rendering,
 * inspection and the browser's connection-limit warning.
 */
import { describe, expect, it, vi } from 'vitest';
import { createPlatform } from './platform';
import { createPool } from './pool';
import { testPool, tick, withFakeClock } from './test-support';
import { createTestTransport } from './testing';

const URL_A = 'https://example.test/stream';

withFakeClock();

describe('lifecycle', () => {
  it('connects on the first listener and shares one connection among hundreds', async () => {
    const { pool, server } = testPool();
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
    const { pool, server } = testPool({ lingerMs: 1000 });
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
    const { pool, server, onlineListeners } = testPool({ lingerMs: 50 });
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
    const { pool, server } = testPool();
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
    const { pool } = testPool();
    const source = pool.source(URL_A);
    const run = vi.fn();
    const listener = vi.fn();
    source.subscribe(run)();
    source.listen(listener)();
    expect(run).toHaveBeenCalledWith(expect.objectContaining({ status: 'connecting' }));
    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps snapshots immutable and identical until something changes', async () => {
    const { pool, server } = testPool();
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
    const { pool, server } = testPool({ platform: createPlatform({ isServer: true }) });
    const source = pool.source('/relative/url');
    const off = source.event('tick').subscribe(() => {});
    expect(server.connections).toHaveLength(0);
    expect(source.get().status).toBe('idle');
    off();
  });
});
describe('inspection and warnings', () => {
  it('lists connections, refs and subscribers per type', async () => {
    const { pool, server } = testPool();
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
    const { pool, server } = testPool();
    for (let i = 0; i < 6; i++) {
      pool.source(`https://busy.test/s${i}`).listen(() => {});
      server.current?.open();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/5 event streams are open to https:\/\/busy\.test/);
  });
});
describe('inspection', () => {
  it('lists __proto__ and constructor among the subscribed event types', () => {
    const { pool } = testPool();
    const source = pool.source(URL_A);
    source.event('__proto__').listen(() => {});
    source.event('constructor').listen(() => {});
    const { subscribers } = pool.inspect().connections[0]!;
    expect(Object.keys(subscribers).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(subscribers, '__proto__')?.value).toBe(1);
  });
});
describe('warnings outside a browser', () => {
  it('never prints the HTTP/1.1 warning in Node', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { pool, server } = testPool();
    for (let i = 0; i < 6; i++) {
      pool.source(`https://busy.test/s${i}`).listen(() => {});
      server.current?.open();
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('never prints the HTTP/1.1 warning when the page itself came over HTTP/2 (same origin)', () => {
    // Resource Timing has no entry for a stream that is still open: only the navigation entry
    // tells the protocol, and a same-origin stream shares the page's connection pool.
    vi.stubGlobal('document', {});
    vi.stubGlobal('location', { origin: 'https://busy.test', href: 'https://busy.test/' });
    vi.spyOn(performance, 'getEntriesByName').mockReturnValue([]);
    vi.spyOn(performance, 'getEntriesByType').mockImplementation((type: string) =>
      type === 'navigation' ? ([{ nextHopProtocol: 'h2' }] as unknown as PerformanceEntryList) : [],
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { pool, server } = testPool();
    for (let i = 0; i < 6; i++) {
      pool.source(`https://busy.test/h2-${i}`).listen(() => {});
      server.current?.open();
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns once, with the fix, when a pool without window is asked to connect', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // No platform given: the pool detects a server itself, and that is what warns.
    const server = createTestTransport();
    const pool = createPool({ transport: server.transport });
    // Server rendering subscribes and leaves within one render: no warning for that.
    pool.source(`${URL_A}/ssr`).subscribe(() => {})();
    await tick();
    expect(warn).not.toHaveBeenCalled();
    pool.source(URL_A).listen(() => {});
    pool.source(`${URL_A}/2`).listen(() => {});
    await tick();
    expect(server.connections).toHaveLength(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain('connectOnServer: true');
  });

  it('treats a Web Worker as a client: it connects', () => {
    vi.stubGlobal('WorkerGlobalScope', function WorkerGlobalScope() {});
    const self = Object.create(
      (globalThis as unknown as { WorkerGlobalScope: { prototype: object } }).WorkerGlobalScope
        .prototype,
    );
    vi.stubGlobal('self', self);
    expect(createPlatform().isServer).toBe(false);
  });
});
