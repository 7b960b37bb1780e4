import { withTestPool } from '@ssekit/core/test-support';
import { cleanup, render, screen } from '@testing-library/vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSSRApp, defineComponent, effectScope, h, nextTick, ref } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { createSSEPlugin } from './plugin';
import { useEventSource } from './useEventSource';

const URL_A = 'https://example.test/a';
const URL_B = 'https://example.test/b';

const env = withTestPool({ lingerMs: 1000 });

const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
  await nextTick();
};

afterEach(() => {
  cleanup();
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
    render(Status, { global: { plugins: [createSSEPlugin(env.pool)] } });
    await flush();
    expect(screen.getByText('connecting 0 ok')).toBeTruthy();
    env.server.current?.open();
    await flush();
    expect(screen.getByText('open 0 ok')).toBeTruthy();
    env.server.current?.drop();
    await flush();
    expect(screen.getByText('reconnecting 1 network')).toBeTruthy();
  });

  it('closes and reconnects the shared stream from the returned controls', async () => {
    render(Status, { global: { plugins: [createSSEPlugin(env.pool)] } });
    await flush();
    env.server.current?.open();
    await flush();
    screen.getByText('close').click();
    await flush();
    expect(screen.getByText(/^closed/)).toBeTruthy();
    expect(env.server.connections[0]?.aborted).toBe(true);
    screen.getByText('reconnect').click();
    await flush();
    expect(env.server.connections).toHaveLength(2);
    expect(screen.getByText(/^connecting/)).toBeTruthy();
  });

  it('re-keys when a getter target changes and idles while disabled', async () => {
    const url = ref(URL_A);
    const enabled = ref(true);
    const scope = effectScope();
    const { status } = scope.run(() =>
      useEventSource(() => env.pool.source(url.value), { enabled }),
    )!;
    await flush();
    expect(status.value).toBe('connecting');
    url.value = URL_B;
    await flush();
    expect(env.server.connections.map((c) => c.url)).toEqual([URL_A, URL_B]);
    enabled.value = false;
    await flush();
    expect(status.value).toBe('idle');
    expect(env.pool.inspect().connections.every((c) => c.refs === 0)).toBe(true);
    scope.stop();
  });

  it('hydrates server markup without a mismatch, then connects once mounted', async () => {
    const Live = defineComponent(function Live() {
      const { status } = useEventSource(URL_A);
      return () => h('p', status.value);
    });
    const html = await renderToString(createSSRApp(Live).use(createSSEPlugin(env.pool)));
    expect(html).toBe('<p>idle</p>');
    expect(env.pool.inspect().connections).toEqual([]);

    const container = document.createElement('div');
    container.innerHTML = html;
    const app = createSSRApp(Live).use(createSSEPlugin(env.pool));
    const warnings: string[] = [];
    app.config.warnHandler = (message) => warnings.push(message);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    app.mount(container);
    expect(warnings).toEqual([]);
    expect(errors).not.toHaveBeenCalled();
    await flush();
    expect(container.textContent).toBe('connecting');
    expect(env.server.connections).toHaveLength(1);
    app.unmount();
  });

  it('releases the stream when its effect scope stops', async () => {
    const scope = effectScope();
    scope.run(() => useEventSource(env.pool.source(URL_A)));
    await flush();
    expect(env.pool.inspect().connections[0]?.refs).toBe(1);
    scope.stop();
    expect(env.pool.inspect().connections[0]?.refs).toBe(0);
  });
});
