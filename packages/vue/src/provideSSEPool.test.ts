import { getDefaultPool, type Pool } from '@ssekit/core';
import { withTestPool } from '@ssekit/core/test-support';
import { cleanup, render } from '@testing-library/vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, effectScope, h } from 'vue';
import { createSSEPlugin } from './plugin';
import { provideSSEPool, useSSEPool } from './provideSSEPool';
import { useSSEEvent } from './useSSEEvent';

const env = withTestPool();

afterEach(() => {
  cleanup();
});

/** Records the pool each consumer resolved, and subscribes through it. */
function consumers(seen: Pool[]) {
  return defineComponent({
    setup() {
      seen.push(useSSEPool());
      useSSEEvent('https://example.test/a', 'tick');
      return () => null;
    },
  });
}

describe('which pool the composables use', () => {
  it('uses the pool a parent provides', async () => {
    const seen: Pool[] = [];
    const Child = consumers(seen);
    const Parent = defineComponent({
      setup() {
        provideSSEPool(env.pool);
        return () => [h(Child), h(Child)];
      },
    });
    render(Parent);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([env.pool, env.pool]);
    expect(env.server.connections).toHaveLength(1);
  });

  it('uses the pool the app plugin provides, and exposes it', async () => {
    const seen: Pool[] = [];
    const plugin = createSSEPlugin(env.pool);
    render(consumers(seen), { global: { plugins: [plugin] } });
    await vi.advanceTimersByTimeAsync(0);
    expect(plugin.pool).toBe(env.pool);
    expect(seen).toEqual([env.pool]);
    expect(env.pool.inspect().connections[0]?.subscribers).toEqual({ tick: 1 });
  });

  it('falls back to the default pool without a provider, even outside setup()', () => {
    const warn = vi.spyOn(console, 'warn');
    const scope = effectScope();
    expect(scope.run(() => useSSEPool())).toBe(getDefaultPool());
    expect(useSSEPool()).toBe(getDefaultPool());
    scope.stop();
    expect(warn).not.toHaveBeenCalled();
  });
});
