import { createPool, type Pool } from '@ssekit/core';
import { createTestTransport, type TestTransport } from '@ssekit/core/testing';
import { cleanup, render, screen } from '@testing-library/vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSSRApp, defineComponent, effectScope, h, nextTick, ref } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { createSSEPlugin } from './plugin';
import { useEventSource } from './useEventSource';

const URL_A = 'https://example.test/a';
const URL_B = 'https://example.test/b';

let server: TestTransport;
let pool: Pool;

const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
  await nextTick();
};

beforeEach(() => {
  vi.useFakeTimers();
  server = createTestTransport();
  pool = createPool({ transport: server.transport, lingerMs: 1000 });
});
afterEach(() => {
  cleanup();
  pool.dispose();
  vi.useRealTimers();
});

const Status = defineComponent({
  setup() {
    const { status, retry, error, reconnect, close } = useEventSource(URL_A);
    return { status, retry, error, reconnect, close };
  },
  template: `
    <p>{{ status }} {{ retry.attempt }} {{ error?.kind ?? 'ok' }}</p>
    <button @click="reconnect">reconnect</button>
    <button @click="close">close</button>`,
});

describe('useEventSource', () => {
  it('renders the status as it moves: connecting, open, reconnecting with the attempt', async () => {
    render(Status, { global: { plugins: [createSSEPlugin(pool)] } });
    await flush();
    expect(screen.getByText('connecting 0 ok')).toBeTruthy();
    server.current?.open();
    await flush();
    expect(screen.getByText('open 0 ok')).toBeTruthy();
    server.current?.drop();
    await flush();
    expect(screen.getByText('reconnecting 1 network')).toBeTruthy();
  });

  it('closes and reconnects the shared stream from the returned controls', async () => {
    render(Status, { global: { plugins: [createSSEPlugin(pool)] } });
    await flush();
    server.current?.open();
    await flush();
    screen.getByText('close').click();
    await flush();
    expect(screen.getByText(/^closed/)).toBeTruthy();
    expect(server.connections[0]?.aborted).toBe(true);
    screen.getByText('reconnect').click();
    await flush();
    expect(server.connections).toHaveLength(2);
    expect(screen.getByText(/^connecting/)).toBeTruthy();
  });

  it('re-keys when a getter target changes and idles while disabled', async () => {
    const url = ref(URL_A);
    const enabled = ref(true);
    const scope = effectScope();
    const { status } = scope.run(() => useEventSource(() => pool.source(url.value), { enabled }))!;
    await flush();
    expect(status.value).toBe('connecting');
    url.value = URL_B;
    await flush();
    expect(server.connections.map((c) => c.url)).toEqual([URL_A, URL_B]);
    enabled.value = false;
    await flush();
    expect(status.value).toBe('idle');
    expect(pool.inspect().connections.every((c) => c.refs === 0)).toBe(true);
    scope.stop();
  });

  it('hydrates server markup without a mismatch, then connects once mounted', async () => {
    const Live = defineComponent(function Live() {
      const { status } = useEventSource(URL_A);
      return () => h('p', status.value);
    });
    const html = await renderToString(createSSRApp(Live).use(createSSEPlugin(pool)));
    expect(html).toBe('<p>idle</p>');
    expect(pool.inspect().connections).toEqual([]);

    const container = document.createElement('div');
    container.innerHTML = html;
    const app = createSSRApp(Live).use(createSSEPlugin(pool));
    const warnings: string[] = [];
    app.config.warnHandler = (message) => warnings.push(message);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    app.mount(container);
    expect(warnings).toEqual([]);
    expect(errors).not.toHaveBeenCalled();
    await flush();
    expect(container.textContent).toBe('connecting');
    expect(server.connections).toHaveLength(1);
    app.unmount();
  });

  it('releases the stream when its effect scope stops', async () => {
    const scope = effectScope();
    scope.run(() => useEventSource(pool.source(URL_A)));
    await flush();
    expect(pool.inspect().connections[0]?.refs).toBe(1);
    scope.stop();
    expect(pool.inspect().connections[0]?.refs).toBe(0);
  });
});
