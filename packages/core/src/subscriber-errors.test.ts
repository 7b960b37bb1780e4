import { describe, expect, it, vi } from 'vitest';
import { testPool, tick, withFakeClock } from './test-support';

const URL_A = 'https://example.test/stream';

withFakeClock();

const boom = (): never => {
  throw new Error('subscriber bug');
};

describe('one subscriber’s bug is its own', () => {
  it('a throwing on() handler: the stream stays open and later handlers get the event', async () => {
    const errors: unknown[] = [];
    const { pool, server } = testPool({ onError: (error) => errors.push(error) });
    const source = pool.source(URL_A);
    const ticks = source.event<number>('tick');
    const seen: number[] = [];
    ticks.on(boom);
    ticks.on((n) => seen.push(n));
    server.current?.open();
    server.current?.send(1, { type: 'tick' });
    server.current?.send(2, { type: 'tick' });
    await tick();
    expect(seen).toEqual([1, 2]);
    expect(source.get().status).toBe('open');
    expect(server.current?.aborted).toBe(false);
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).toContain('subscriber bug');
  });

  it('a throwing listen() listener: the next listener gets the update', async () => {
    const errors: unknown[] = [];
    const { pool, server } = testPool({ onError: (error) => errors.push(error) });
    const source = pool.source(URL_A);
    const ticks = source.event<number>('tick');
    const seen: unknown[] = [];
    const statuses: string[] = [];
    ticks.listen(boom);
    ticks.listen((s) => seen.push(s.data));
    source.listen(boom);
    source.listen((s) => statuses.push(s.status));
    server.current?.open();
    server.current?.send(1, { type: 'tick' });
    await tick();
    expect(seen).toEqual([1]);
    expect(statuses).toEqual(['open']);
    expect(errors).toHaveLength(2);
  });

  it('without onError, rethrows asynchronously as EventTarget does', async () => {
    const { pool, server } = testPool();
    const thrown: unknown[] = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((fn) => {
      try {
        fn();
      } catch (error) {
        thrown.push(error);
      }
    });
    const seen: number[] = [];
    const ticks = pool.source(URL_A).event<number>('tick');
    ticks.on(boom);
    ticks.on((n) => seen.push(n));
    server.current?.open();
    expect(() => server.current?.send(1, { type: 'tick' })).not.toThrow();
    spy.mockRestore();
    expect(seen).toEqual([1]);
    expect(thrown.map(String)).toContain('Error: subscriber bug');
  });

  it('a throwing source.on() handler does not stop the others', async () => {
    const errors: unknown[] = [];
    const { pool, server } = testPool({ onError: (error) => errors.push(error) });
    const source = pool.source(URL_A);
    const seen: string[] = [];
    source.on(boom);
    source.on((event) => seen.push(`${event.type}:${event.data}`));
    server.current?.open();
    server.current?.send('a', { type: 'tick' });
    server.current?.send('b', { type: 'news' });
    expect(seen).toEqual(['tick:a', 'news:b']);
    expect(errors).toHaveLength(2);
  });
});
