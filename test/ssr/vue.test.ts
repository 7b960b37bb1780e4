import { createPool } from '@ssekit/core';
import { createTestTransport } from '@ssekit/core/testing';
import { createSSEPlugin, useEventSource, useSSEEvent } from '@ssekit/vue';
import { describe, expect, it } from 'vitest';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';

const Ticker = defineComponent(function Ticker() {
  const { status } = useEventSource('/api/ticker');
  const { data: tick, count } = useSSEEvent<{ price: number }>('/api/ticker', 'tick');
  return () => h('p', `${status.value} ${tick.value?.price ?? 'no data'} ${count.value}`);
});

describe('@ssekit/vue on a server', () => {
  it('renders the idle snapshot from a provided pool, opening and subscribing nothing', async () => {
    const server = createTestTransport();
    const pool = createPool({ transport: server.transport });
    const app = createSSRApp(Ticker).use(createSSEPlugin(pool));
    const html = await renderToString(app);
    expect(html).toBe('<p>idle no data 0</p>');
    expect(server.connections).toHaveLength(0);
    // Nothing subscribed either: SSR never unmounts, so a subscription here would leak.
    expect(pool.inspect().connections).toEqual([]);
  });

  it('renders the idle snapshot from the default pool, without throwing', async () => {
    expect(typeof window).toBe('undefined');
    const html = await renderToString(createSSRApp(Ticker));
    expect(html).toBe('<p>idle no data 0</p>');
  });
});
