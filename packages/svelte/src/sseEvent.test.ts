import { withTestPool } from '@ssekit/core/test-support';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { sseEvent } from './sseEvent.js';

const URL_A = 'https://example.test/a';

const env = withTestPool();
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('sseEvent store', () => {
  it('is a store of the event snapshot: $ticks.data works', async () => {
    const values: unknown[] = [];
    const ticks = sseEvent<{ price: number }>(URL_A, 'tick', { pool: env.pool });
    const stop = ticks.subscribe((s) => values.push(s.data));
    env.server.current?.open();
    env.server.current?.send({ price: 1 }, { type: 'tick' });
    await flush();
    expect(values).toEqual([undefined, { price: 1 }]);
    stop();
  });

  it('notifies once for a burst, while on() sees every event', async () => {
    const ticks = sseEvent<{ n: number }>(URL_A, 'tick', { pool: env.pool });
    const run = vi.fn();
    const every: number[] = [];
    const stop = ticks.subscribe(run);
    const off = ticks.on((tick) => every.push(tick.n));
    env.server.current?.open();
    run.mockClear();
    for (let n = 1; n <= 4; n++) env.server.current?.send({ n }, { type: 'tick' });
    await flush();
    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0]?.[0].data).toEqual({ n: 4 });
    expect(every).toEqual([1, 2, 3, 4]);
    stop();
    off();
  });

  it('reports a schema failure as an error and keeps the last good data', async () => {
    const ticks = sseEvent(URL_A, 'tick', {
      pool: env.pool,
      schema: z.object({ price: z.number() }),
    });
    const stop = ticks.subscribe(() => {});
    env.server.current?.open();
    env.server.current?.send({ price: 1 }, { type: 'tick' });
    env.server.current?.send({ price: 'x' }, { type: 'tick' });
    await flush();
    expect(ticks.current.data).toEqual({ price: 1 });
    expect(ticks.current.error?.kind).toBe('validation');
    stop();
  });

  it('gives a late subscriber the latest event at once', async () => {
    const first = sseEvent(URL_A, 'tick', { pool: env.pool }).subscribe(() => {});
    env.server.current?.open();
    env.server.current?.send({ n: 9 }, { type: 'tick' });
    await flush();
    const late: unknown[] = [];
    const stop = sseEvent(URL_A, 'tick', { pool: env.pool }).subscribe((s) => late.push(s.data));
    expect(late).toEqual([{ n: 9 }]);
    first();
    stop();
  });
});
