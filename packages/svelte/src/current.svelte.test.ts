import { withTestPool } from '@ssekit/core/test-support';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { eventSource } from './eventSource.js';
import { sseEvent } from './sseEvent.js';

const URL_A = 'https://example.test/a';

const env = withTestPool({ lingerMs: 0 });
const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
  flushSync();
};

describe('.current for runes', () => {
  it('reads the snapshot outside an effect without subscribing', () => {
    const ticks = sseEvent(URL_A, 'tick', { pool: env.pool });
    expect(ticks.current.data).toBeUndefined();
    expect(eventSource(URL_A, { pool: env.pool }).current.status).toBe('idle');
    expect(env.server.connections).toHaveLength(0);
  });

  it('subscribes while an effect reads it, updates it, and leaves when the effect ends', async () => {
    const ticks = sseEvent<{ n: number }>(URL_A, 'tick', { pool: env.pool });
    const source = eventSource(URL_A, { pool: env.pool });
    const seen: string[] = [];
    const destroy = $effect.root(() => {
      $effect(() => {
        seen.push(`${source.current.status} ${ticks.current.data?.n ?? '-'}`);
      });
    });
    flushSync();
    expect(env.server.connections).toHaveLength(1);
    env.server.current?.open();
    for (let n = 1; n <= 3; n++) env.server.current?.send({ n }, { type: 'tick' });
    await flush();
    expect(seen).toEqual(['connecting -', 'open 3']);
    destroy();
    await flush();
    expect(env.server.connections[0]?.aborted).toBe(true);
  });
});
