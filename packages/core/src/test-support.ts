/**
 * The one place for the unit tests' set-up: a fake clock, a controllable platform, and a pool on
 * the test transport. Every package's tests import it (`@ssekit/core/test-support`, an alias that
 * exists only for tests: it is not in the package's exports), so a new test needs no local copy.
 *
 * - `withFakeClock()` in a file whose tests build their own pools (core unit tests);
 * - `testPool(options)` inside a test: a pool on a test transport and a platform the test drives;
 * - `withTestPool(options)` in a binding's test file: a fresh transport and pool per test.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { createPlatform, type Platform } from './platform';
import { createPool, type Pool, type PoolOptions } from './pool';
import { createTestTransport, type TestTransport } from './testing';

/**
 * Fake timers for every test of the calling file (nothing waits on real time); afterwards, real
 * timers, spies and stubbed globals as they were.
 *
 * @example
 * withFakeClock();
 * it('retries after 1 s', async () => { …; await tick(1000); … });
 */
export function withFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });
}

/**
 * Runs queued microtasks (notifications) and the timers due within `ms` on the fake clock.
 *
 * @example
 * server.current?.send('x');
 * await tick();
 */
export function tick(ms = 0): Promise<unknown> {
  return vi.advanceTimersByTimeAsync(ms);
}

/**
 * A platform whose network and visibility a test switches by hand; jitter is always the top of
 * its range, so delays are deterministic.
 *
 * @example
 * const { platform, setOnline } = controllablePlatform();
 */
export function controllablePlatform(overrides: Partial<Platform> = {}): {
  platform: Platform;
  onlineListeners: ReadonlySet<() => void>;
  visibilityListeners: ReadonlySet<() => void>;
  setOnline(value: boolean): void;
  setVisible(value: boolean): void;
} {
  let online = true;
  let visible = true;
  const onlineListeners = new Set<() => void>();
  const visibilityListeners = new Set<() => void>();
  const platform = createPlatform({
    isServer: false,
    random: () => 1,
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
    setOnline(value) {
      online = value;
      for (const cb of onlineListeners) cb();
    },
    setVisible(value) {
      visible = value;
      for (const cb of visibilityListeners) cb();
    },
  };
}

/**
 * A pool on a test transport and a controllable platform: the core unit tests' usual set-up.
 *
 * @example
 * const { pool, server, setOnline } = testPool({ lingerMs: 1000 });
 */
export function testPool(options: PoolOptions = {}): {
  pool: Pool;
  server: TestTransport;
} & ReturnType<typeof controllablePlatform> {
  const server = createTestTransport();
  const control = controllablePlatform();
  const pool = createPool({ transport: server.transport, platform: control.platform, ...options });
  return { pool, server, ...control };
}

/** What `withTestPool` hands a test file: the current test's pool and its test transport. */
export interface TestPoolFixture {
  readonly pool: Pool;
  readonly server: TestTransport;
}

/**
 * Per test of the calling file: fake timers, a fresh test transport and a pool on it (the host's
 * own platform, as an app gets), disposed afterwards. Register framework clean-ups (`cleanup()`)
 * after calling it: `afterEach` hooks run last-registered first, so components unmount before the
 * pool goes.
 *
 * @example
 * const env = withTestPool({ lingerMs: 1000 });
 * it('opens', () => { render(<App pool={env.pool} />); env.server.current?.open(); });
 */
export function withTestPool(options: PoolOptions = {}): TestPoolFixture {
  let current: { pool: Pool; server: TestTransport } | undefined;
  const fixture = (): { pool: Pool; server: TestTransport } => {
    if (!current) throw new Error('withTestPool(): the pool exists only while a test runs.');
    return current;
  };
  withFakeClock();
  beforeEach(() => {
    const server = createTestTransport();
    current = { server, pool: createPool({ transport: server.transport, ...options }) };
  });
  afterEach(() => {
    current?.pool.reset();
    current = undefined;
  });
  return {
    get pool() {
      return fixture().pool;
    },
    get server() {
      return fixture().server;
    },
  };
}
