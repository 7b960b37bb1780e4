import { describe, expect, it, vi } from 'vitest';
import { poolInternals } from './pool';
import { controllablePlatform, testPool, withFakeClock } from './test-support';

withFakeClock();

const empty = { connections: 0, handles: 0, recent: 0 };

describe('the pool forgets what it no longer uses', () => {
  it('keeps nothing of 10 000 URLs after release and linger', async () => {
    // Linger timers fired by hand: fake timers look for the next timer in O(n).
    const timers = new Set<() => void>();
    const { platform } = controllablePlatform({
      setTimeout: (fn) => {
        timers.add(fn);
        return fn;
      },
      clearTimeout: (fn) => timers.delete(fn as () => void),
    });
    // No open timeout: only the linger timers are counted here.
    const { pool } = testPool({ lingerMs: 1000, openTimeoutMs: 0, platform });
    for (let i = 0; i < 10_000; i++) {
      const source = pool.source(`https://example.test/items/${i}`, {
        headers: { authorization: `Bearer secret-${i}` },
      });
      const off = source.event('tick').listen(() => {});
      off();
    }
    expect(poolInternals(pool).connections).toBe(10_000);
    expect(timers.size).toBe(10_000);
    for (const fire of [...timers]) fire();
    expect(poolInternals(pool)).toEqual(empty);
  }, 60_000); // about a second alone; a loaded CI machine takes several

  it('bounds handles that were made but never subscribed', () => {
    const { pool } = testPool();
    for (let i = 0; i < 10_000; i++) pool.source(`https://example.test/items/${i}`);
    const sizes = poolInternals(pool);
    expect(sizes.handles).toBeLessThanOrEqual(256);
    expect(sizes.recent).toBeLessThanOrEqual(256);
  });

  it('still gives the same handle for the same key while it is in use', () => {
    const { pool } = testPool();
    const source = pool.source('https://example.test/kept');
    const off = source.listen(() => {});
    for (let i = 0; i < 1000; i++) pool.source(`https://example.test/items/${i}`);
    expect(pool.source('https://example.test/kept')).toBe(source);
    off();
  });

  it('reset() frees everything, lingering or subscribed (and dispose(), its old name, too)', () => {
    const { pool, server } = testPool({ lingerMs: 1000 });
    for (let i = 0; i < 100; i++) {
      const off = pool.source(`https://example.test/items/${i}`).listen(() => {});
      if (i % 2) off();
    }
    pool.reset();
    expect(poolInternals(pool)).toEqual(empty);
    expect(server.connections.every((c) => c.aborted)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    pool.source('https://example.test/items/again').listen(() => {});
    pool.dispose();
    expect(poolInternals(pool)).toEqual(empty);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a handle kept across the forgetting reconnects when listened to again', async () => {
    const { pool, server } = testPool({ lingerMs: 10 });
    const source = pool.source('https://example.test/s');
    source.listen(() => {})();
    await vi.advanceTimersByTimeAsync(10);
    expect(poolInternals(pool)).toEqual(empty);
    const off = source.listen(() => {});
    expect(server.connections).toHaveLength(2);
    expect(pool.source('https://example.test/s')).toBe(source);
    off();
  });
});
