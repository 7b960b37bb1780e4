import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sameEventOptions } from './event-channel';
import { createPlatform } from './platform';
import { createPool } from './pool';
import { testPool } from './test-support';
import { createTestTransport } from './testing';

const URL_A = 'https://example.test/stream';
const tick = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
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

describe('source.on: every event type', () => {
  it('calls back for every event of every type, in order', () => {
    const { pool, server } = testPool();
    const source = pool.source(URL_A);
    const seen: string[] = [];
    const off = source.on((event) => seen.push(`${event.type}:${event.data}`));
    server.current?.open();
    server.current?.send('a', { type: 'tick' });
    server.current?.send('b');
    off();
    server.current?.send('c');
    expect(seen).toEqual(['tick:a', 'message:b']);
  });
});

describe('source.on on the native transport', () => {
  it('sees the types something reads with event(type), as documented', async () => {
    let last: EventTarget | undefined;
    class FakeEventSource extends EventTarget {
      readyState = 0;
      constructor(readonly url: string) {
        super();
        last = this;
      }
      close(): void {}
    }
    const pool = createPool({
      platform: createPlatform({ isServer: false }),
      transport: 'eventsource',
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const source = pool.source(URL_A);
    const seen: string[] = [];
    source.on((event) => seen.push(event.type));
    source.event('tick').listen(() => {});
    for (const type of ['tick', 'news', 'message']) {
      last?.dispatchEvent(new MessageEvent(type, { data: '1' }));
    }
    expect(seen).toEqual(['tick']);
    pool.dispose();
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
