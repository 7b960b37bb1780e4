import { describe, expect, it, vi } from 'vitest';
import { createPlatform } from './platform';
import { crossTabKey, sourceTransport } from './source-transport';
import { testPool, tick, withFakeClock } from './test-support';
import type { Transport } from './transport';

const URL_A = 'https://example.test/stream';

withFakeClock();

describe('identity enters the key', () => {
  it('gives a new connection when crossTab.scope switches from alice to bob', async () => {
    const { pool, server } = testPool({ lingerMs: 1000 });
    const alice = pool.source(URL_A, { crossTab: { scope: 'alice' } });
    const bob = pool.source(URL_A, { crossTab: { scope: 'bob' } });
    expect(bob).not.toBe(alice);
    const offAlice = alice.event('tick').listen(() => {});
    // Cross-tab sharing loads its chunk first (and stays local here: no Web Locks in Node).
    await vi.waitFor(() => expect(server.connections).toHaveLength(1));
    server.current?.open();
    offAlice();
    const seen: unknown[] = [];
    bob.event('tick').on((data) => seen.push(data));
    // Bob's subscription inside alice's linger delay opens his own stream.
    await vi.waitFor(() => expect(server.connections).toHaveLength(2));
    server.connections[0]?.send('for alice', { type: 'tick' });
    expect(seen).toEqual([]);
  });

  it('gives a new connection when the source scope changes, with one stable header function', async () => {
    let token = 'alice-token';
    // The README's pattern: one stable function that reads the current token.
    const headers = () => ({ authorization: `Bearer ${token}` });
    const { pool, server } = testPool({ lingerMs: 1000 });
    const offAlice = pool.source(URL_A, { headers, scope: 'alice' }).listen(() => {});
    server.current?.open();
    offAlice(); // alice logs out; the stream lingers
    token = 'bob-token';
    const seen: unknown[] = [];
    pool
      .source(URL_A, { headers, scope: 'bob' })
      .event('tick', { parse: 'text' })
      .on((data) => seen.push(data));
    expect(server.connections).toHaveLength(2);
    server.connections[0]?.send('alice secret', { type: 'tick' });
    expect(seen).toEqual([]);
  });

  it('pool.reset() on logout: bob, inside the linger delay, never receives alice’s stream', async () => {
    const headers = () => ({ authorization: 'Bearer current-user' });
    const { pool, server } = testPool({ lingerMs: 1000 });
    const aliceSource = pool.source(URL_A, { headers });
    const offAlice = aliceSource.listen(() => {});
    server.current?.open();
    offAlice();
    pool.reset(); // logout
    expect(server.connections[0]?.aborted).toBe(true);
    expect(pool.inspect().connections).toEqual([]);
    const seen: unknown[] = [];
    const bobSource = pool.source(URL_A, { headers });
    bobSource.event('tick', { parse: 'text' }).on((data) => seen.push(data));
    expect(server.connections).toHaveLength(2);
    expect(server.connections[1]?.lastEventId).toBe('');
    server.connections[1]?.open();
    server.connections[1]?.send('for bob', { type: 'tick' });
    expect(seen).toEqual(['for bob']);
    // A handle kept from before the reset still works, on the new connection.
    expect(aliceSource.get().status).toBe('open');
    await tick();
  });

  it('pool.reset() closes subscribed connections at once and forgets every handle', () => {
    const { pool, server } = testPool({ lingerMs: 1000 });
    const a = pool.source(URL_A);
    a.listen(() => {});
    pool.source('https://example.test/other').listen(() => {});
    pool.reset();
    expect(server.connections.every((c) => c.aborted)).toBe(true);
    expect(pool.inspect().connections).toEqual([]);
    expect(pool.source(URL_A)).not.toBe(a);
  });
});

describe('cross-tab key', () => {
  const platform = createPlatform({ isServer: false });
  const key = (init: Parameters<typeof sourceTransport>[2], options = {}) =>
    crossTabKey(sourceTransport(URL_A, options, init, platform).parts, options, init);
  const silence = () => vi.spyOn(console, 'warn').mockImplementation(() => {});

  it('is built from text only: no per-tab object numbers', () => {
    silence();
    const customFetch: typeof fetch = (...args) => fetch(...args);
    const shared = key({ fetch: customFetch, crossTab: { scope: 'alice' } });
    expect(shared?.key).toBeDefined();
    expect(shared?.key).not.toMatch(/#\d/);
  });

  it.each([
    ['a custom fetch', { transport: 'fetch', fetch: (async () => new Response()) as typeof fetch }],
    ['a custom Transport', { transport: (() => ({})) as Transport }],
    ['a non-string body', { method: 'POST', body: new Blob(['q']) }],
    ['headers from a function', { headers: () => ({ authorization: 'x' }) }],
    ['cookies sent cross-origin', { credentials: 'include' }],
  ] as const)('keeps a source with %s local without a scope, shares it with one', (_, init) => {
    const warn = silence();
    expect(key({ ...init, crossTab: true })).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('scope'));
    expect(key({ ...init, crossTab: { scope: 'alice' } })).toBeDefined();
    expect(key({ ...init, crossTab: { scope: 'alice' } })?.key).not.toBe(
      key({ ...init, crossTab: { scope: 'bob' } })?.key,
    );
  });

  it('shares a plain source, and a source scope counts as its cross-tab scope', () => {
    expect(key({ crossTab: true })).toBeDefined();
    expect(key({ credentials: 'include', scope: 'alice' }, { crossTab: true })?.key).toBe(
      key({ credentials: 'include', crossTab: { scope: 'alice' } })?.key,
    );
  });
});
