import { effect } from '@preact/signals-core';
import { createPlatform, createPool, type SourceSnapshot } from '@ssekit/core';
import { withTestPool } from '@ssekit/core/test-support';
import { describe, expect, it, vi } from 'vitest';
import { eventSourceSignal } from './eventSourceSignal';
import { sseEventSignal } from './sseEventSignal';

const URL_A = 'https://example.test/a';

const env = withTestPool({ lingerMs: 1000 });

describe('eventSourceSignal', () => {
  it('follows the status while watched: connecting, open, reconnecting', async () => {
    const source = eventSourceSignal(URL_A, { pool: env.pool });
    const seen: SourceSnapshot['status'][] = [];
    const dispose = effect(() => {
      seen.push(source.value.status);
    });
    env.server.current?.open();
    await vi.advanceTimersByTimeAsync(0);
    env.server.current?.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['connecting', 'open', 'reconnecting']);
    expect(source.value.retry.attempt).toBe(1);
    dispose();
  });

  it('shares one connection with the event signals of the same URL', () => {
    const disposers = [
      effect(() => void eventSourceSignal(URL_A, { pool: env.pool }).value),
      effect(() => void sseEventSignal(URL_A, 'tick', { pool: env.pool }).value),
    ];
    expect(env.server.connections).toHaveLength(1);
    for (const dispose of disposers) dispose();
  });

  it('opens nothing on a server, even when watched', () => {
    const serverPool = createPool({
      transport: env.server.transport,
      platform: createPlatform({ isServer: true }),
    });
    const source = eventSourceSignal(URL_A, { pool: serverPool });
    const ticks = sseEventSignal(URL_A, 'tick', { pool: serverPool });
    let rendered = '';
    const dispose = effect(() => {
      rendered = `${source.value.status} ${String(ticks.value.data)}`;
    });
    expect(rendered).toBe('idle undefined');
    expect(env.server.connections).toHaveLength(0);
    dispose();
  });
});
