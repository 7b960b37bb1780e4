import { withTestPool } from '@ssekit/core/test-support';
import { cleanup, render, screen } from '@testing-library/vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, effectScope, nextTick, ref } from 'vue';
import { z } from 'zod';
import { createSSEPlugin } from './plugin';
import { useSSEEvent } from './useSSEEvent';

const URL_A = 'https://example.test/a';
const URL_B = 'https://example.test/b';
const LINGER = 1000;

const env = withTestPool({ lingerMs: LINGER });

/** Delivers pending notifications, then lets Vue re-render. */
const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
  await nextTick();
};

afterEach(() => {
  cleanup();
});

const Price = defineComponent({
  props: { url: { type: String, required: true } },
  setup(props) {
    const { data: tick, error } = useSSEEvent(() => props.url, 'tick', {
      schema: z.object({ price: z.number() }),
    });
    return { tick, error };
  },
  template: `<p>{{ tick ? tick.price : 'waiting' }}{{ error ? ' / ' + error.kind : '' }}</p>`,
});

describe('useSSEEvent in a component', () => {
  it('renders the latest event and keeps it when a later one fails its schema', async () => {
    render(Price, { props: { url: URL_A }, global: { plugins: [createSSEPlugin(env.pool)] } });
    expect(screen.getByText('waiting')).toBeTruthy();
    await flush();
    env.server.current?.open();
    env.server.current?.send({ price: 10 }, { type: 'tick' });
    await flush();
    expect(screen.getByText('10')).toBeTruthy();
    env.server.current?.send({ price: 'oops' }, { type: 'tick' });
    await flush();
    expect(screen.getByText('10 / validation')).toBeTruthy();
  });

  it('re-keys when a prop changes, and releases the old stream after the linger delay', async () => {
    const view = render(Price, {
      props: { url: URL_A },
      global: { plugins: [createSSEPlugin(env.pool)] },
    });
    await flush();
    await view.rerender({ url: URL_B });
    await flush();
    expect(env.server.connections.map((c) => c.url)).toEqual([URL_A, URL_B]);
    env.server.current?.open();
    env.server.current?.send({ price: 2 }, { type: 'tick' });
    await flush();
    expect(screen.getByText('2')).toBeTruthy();
    await vi.advanceTimersByTimeAsync(LINGER);
    expect(env.server.connections.map((c) => c.aborted)).toEqual([true, false]);
  });

  it('unsubscribes on unmount', async () => {
    const view = render(Price, {
      props: { url: URL_A },
      global: { plugins: [createSSEPlugin(env.pool)] },
    });
    await flush();
    expect(env.pool.inspect().connections[0]?.subscribers).toEqual({ tick: 1 });
    view.unmount();
    expect(env.pool.inspect().connections[0]?.refs).toBe(0);
  });
});

describe('useSSEEvent options', () => {
  it('connects only while `enabled` is true, and reports the empty snapshot while off', async () => {
    const enabled = ref(false);
    const scope = effectScope();
    // A handle carries its pool, so no component (and no plugin) is needed here.
    const { data } = scope.run(() =>
      useSSEEvent<{ n: number }>(env.pool.source(URL_A), 'tick', { enabled }),
    )!;
    await flush();
    expect(env.server.connections).toHaveLength(0);
    enabled.value = true;
    await flush();
    expect(env.server.connections).toHaveLength(1);
    env.server.current?.open();
    env.server.current?.send({ n: 1 }, { type: 'tick' });
    await flush();
    expect(data.value).toEqual({ n: 1 });
    enabled.value = false;
    await flush();
    expect(data.value).toBeUndefined();
    expect(env.pool.inspect().connections[0]?.refs).toBe(0);
    scope.stop();
  });

  it('calls onEvent for every event of a burst, while the component renders once', async () => {
    const seen: number[] = [];
    const renders = vi.fn();
    const Counter = defineComponent({
      setup() {
        const { data } = useSSEEvent<{ n: number }>(URL_A, 'tick', {
          onEvent: (tick) => seen.push(tick.n),
        });
        return () => {
          renders();
          return data.value?.n ?? 'none';
        };
      },
    });
    render(Counter, { global: { plugins: [createSSEPlugin(env.pool)] } });
    await flush();
    env.server.current?.open();
    renders.mockClear();
    for (let n = 1; n <= 5; n++) env.server.current?.send({ n }, { type: 'tick' });
    await flush();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(renders).toHaveBeenCalledTimes(1);
    expect(screen.getByText('5')).toBeTruthy();
  });

  it('keeps `history` when `buffer` is set, and reads text with parse: "text"', async () => {
    const scope = effectScope();
    const { history, raw, count } = scope.run(() =>
      useSSEEvent(env.pool.source(URL_A), 'line', { parse: 'text', buffer: 2 }),
    )!;
    await flush();
    env.server.current?.open();
    for (const line of ['a', 'b', 'c']) env.server.current?.send(line, { type: 'line' });
    await flush();
    expect(history.value).toEqual(['b', 'c']);
    expect(raw.value).toBe('c');
    expect(count.value).toBe(3);
    scope.stop();
    expect(env.pool.inspect().connections[0]?.refs).toBe(0);
  });

  it('starts from the latest event when it joins a stream that is already live', async () => {
    const first = effectScope();
    first.run(() => useSSEEvent(env.pool.source(URL_A), 'tick'));
    await flush();
    env.server.current?.open();
    env.server.current?.send({ n: 7 }, { type: 'tick' });
    await flush();
    const late = effectScope();
    const { data } = late.run(() => useSSEEvent(env.pool.source(URL_A), 'tick'))!;
    expect(data.value).toEqual({ n: 7 });
    expect(env.server.connections).toHaveLength(1);
    first.stop();
    late.stop();
  });
});
