import { getDefaultPool, type SourceSnapshot } from '@ssekit/core';
import { withTestPool } from '@ssekit/core/test-support';
import { get } from 'svelte/store';
import { describe, expect, it, vi } from 'vitest';
import { getSSEPool } from './context.js';
import { eventSource } from './eventSource.js';

const URL_A = 'https://example.test/a';
const LINGER = 1000;

const env = withTestPool({ lingerMs: LINGER });

describe('eventSource store', () => {
  it('calls a subscriber at once, then on every status change', async () => {
    const seen: SourceSnapshot['status'][] = [];
    const stop = eventSource(URL_A, { pool: env.pool }).subscribe((s) => seen.push(s.status));
    expect(seen).toEqual(['connecting']);
    env.server.current?.open();
    await vi.advanceTimersByTimeAsync(0);
    env.server.current?.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['connecting', 'open', 'reconnecting']);
    stop();
  });

  it('shares one connection between stores and closes it after the last one leaves', async () => {
    const stops = [1, 2, 3].map(() => eventSource(URL_A, { pool: env.pool }).subscribe(() => {}));
    expect(env.server.connections).toHaveLength(1);
    for (const stop of stops) stop();
    await vi.advanceTimersByTimeAsync(LINGER - 1);
    expect(env.server.connections[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(env.server.connections[0]?.aborted).toBe(true);
  });

  it('connects nothing while disabled', () => {
    const source = eventSource(URL_A, { pool: env.pool, enabled: false });
    expect(get(source).status).toBe('idle');
    expect(source.current.status).toBe('idle');
    expect(env.server.connections).toHaveLength(0);
  });

  it('closes and reconnects the shared stream', async () => {
    const source = eventSource(URL_A, { pool: env.pool });
    const stop = source.subscribe(() => {});
    env.server.current?.open();
    source.close();
    expect(source.current.status).toBe('closed');
    source.reconnect();
    expect(env.server.connections).toHaveLength(2);
    stop();
  });

  it('falls back to the default pool outside component initialisation, without throwing', () => {
    expect(getSSEPool()).toBe(getDefaultPool());
  });
});
