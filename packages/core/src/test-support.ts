import { createPlatform, type Platform } from './platform';
import { createPool, type Pool, type PoolOptions } from './pool';
import { createTestTransport, type TestTransport } from './testing';

/** A platform whose network and visibility a test switches by hand; jitter is always the top. */
export function controllablePlatform(overrides: Partial<Platform> = {}): {
  platform: Platform;
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

/** A pool on a test transport and a controllable platform: the unit tests' usual set-up. */
export function testPool(options: PoolOptions = {}): {
  pool: Pool;
  server: TestTransport;
} & ReturnType<typeof controllablePlatform> {
  const server = createTestTransport();
  const control = controllablePlatform();
  const pool = createPool({ transport: server.transport, platform: control.platform, ...options });
  return { pool, server, ...control };
}
