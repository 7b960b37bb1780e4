/**
 * Handles and keys: which calls share a handle and a connection, what a handle shows,
 * `source.on()`, and what stopping a subscription ends. Driven by the test transport and a fake
 * clock.
 */
import { describe, expect, it, vi } from 'vitest';
import { createPlatform } from './platform';
import { createPool } from './pool';
import { testPool, tick, withFakeClock } from './test-support';

const URL_A = 'https://example.test/stream';

withFakeClock();

describe('handles and keys', () => {
  it('returns the same handle for the same key, a different one for a different identity', () => {
    const { pool } = testPool({ transport: 'fetch' });
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
    const { pool } = testPool({ transport: 'fetch' });
    const source = pool.source(URL_A, {
      headers: { Authorization: 'Bearer secret-token' },
      method: 'POST',
      body: 'secret-body',
    });
    expect(source.description).toContain('authorization');
    expect(source.description).not.toContain('secret');
  });

  it('refuses headers on a native EventSource with a message that says what to do', () => {
    const { pool } = testPool();
    expect(() => pool.source(URL_A, { transport: 'eventsource', headers: { a: 'b' } })).toThrow(
      /transport: "fetch"/,
    );
  });

  it('keeps event handles stable for the same type and options', () => {
    const { pool } = testPool();
    const source = pool.source(URL_A);
    expect(source.event('tick')).toBe(source.event('tick'));
    expect(source.event('tick', { parse: 'text' })).not.toBe(source.event('tick'));
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
    pool.reset();
  });
});
describe('stopping a subscription', () => {
  it('ends it once: calling its stop again leaves a later one of the same function', async () => {
    const { pool, server } = testPool();
    const ticks = pool.source(URL_A).event<number>('tick');
    // Another subscriber keeps the channel, so both subscriptions of `listener` share its set.
    ticks.listen(() => {});
    const listener = vi.fn();
    const stop = ticks.listen(listener);
    stop();
    ticks.listen(listener);
    stop();
    server.current?.open();
    server.current?.send(1, { type: 'tick' });
    await tick();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(pool.inspect().connections[0]?.refs).toBe(2);
  });
});
