/**
 * Renders per burst: how often a component (or a signals effect) updates when 50 events arrive,
 * with ssekit (notifications coalesced per task, or per animation frame) and with what apps
 * write by hand or pick instead. Components are mounted for real (jsdom), events come through
 * a fake `EventSource` that every contender constructs as it would the browser's, and frames
 * are driven by hand through the platform seam.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createElement, Fragment, type ReactElement } from 'react';
import { SSEProvider as HooksSSEProvider, useSSE } from 'react-hooks-sse';
import { SSEProvider, useSSEEvent } from '../packages/react/src/index';
import { createFakeEventSourceServer, type FakeEventSourceServer } from './fake-event-source';
import { type BenchModule, formatTable, type ResultTable } from './harness';
import { installDom } from './install-dom';
import { useNaiveEvent } from './naive-hook';

const URL = 'http://localhost/api/ticker';
const COMPONENTS = 10;
const EVENTS = 50;

/** Animation frames you run by hand: what `notify: 'frame'` waits for. */
interface Frames {
  request(fn: () => void): void;
  run(): void;
}

function createFrames(): Frames {
  let queue: Array<() => void> = [];
  return {
    request: (fn) => queue.push(fn),
    run() {
      const due = queue;
      queue = [];
      for (const fn of due) fn();
    },
  };
}

/** What one contender mounts: `COMPONENTS` components (or effects) reading the `tick` event. */
interface Contender {
  readonly name: string;
  /** Mounts; `rendered` is called on every render. Resolves to the unmount. */
  mount(context: { frames: Frames; rendered: () => void }): Promise<() => void>;
}

/** How the 50 events arrive, and when frames run. */
interface Delivery {
  readonly name: string;
  play(server: FakeEventSourceServer, frames: Frames): Promise<void>;
}

const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets every framework finish what it scheduled (microtasks, React's scheduler tasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await nextTask();
}

const tick = (seq: number): string =>
  JSON.stringify({ seq, symbol: 'ACME', price: 100 + seq / 4, volume: seq * 13 });

const deliveries: readonly Delivery[] = [
  {
    // One network read holding 50 events (the fetch transport parses them in one go).
    name: '50 events in one task',
    async play(server, frames) {
      for (let seq = 1; seq <= EVENTS; seq++) server.send('tick', tick(seq));
      await nextTask();
      frames.run();
    },
  },
  {
    // A native EventSource dispatches each event as its own task; a fast stream fits in a frame.
    name: '50 events, one task each, one frame',
    async play(server, frames) {
      for (let seq = 1; seq <= EVENTS; seq++) {
        server.send('tick', tick(seq));
        await nextTask();
      }
      frames.run();
    },
  },
  {
    name: '50 events, one task each, a frame every 5',
    async play(server, frames) {
      for (let seq = 1; seq <= EVENTS; seq++) {
        server.send('tick', tick(seq));
        await nextTask();
        if (seq % 5 === 0) frames.run();
      }
    },
  },
];

/** Prefixes each contender's name with its framework. */
function named(framework: string, contenders: readonly Contender[]): Contender[] {
  return contenders.map((c) => ({ ...c, name: `${framework}: ${c.name}` }));
}

/** Runs one contender through one delivery; renders per component during the burst. */
async function rendersPerComponent(contender: Contender, delivery: Delivery): Promise<number> {
  const server = createFakeEventSourceServer();
  const uninstall = server.install();
  const frames = createFrames();
  let renders = 0;
  try {
    const unmount = await contender.mount({ frames, rendered: () => renders++ });
    await settle();
    server.open();
    await settle();
    frames.run();
    await settle();
    renders = 0;
    await delivery.play(server, frames);
    await settle();
    const counted = renders;
    unmount();
    await settle();
    return counted / COMPONENTS;
  } finally {
    uninstall();
  }
}

async function ssekitPool(frames: Frames) {
  const { createPlatform, createPool } = await import('../packages/core/src/index');
  // The platform reads `window` when created: after installDom, so the pool runs as in a browser.
  return createPool({ platform: createPlatform({ requestFrame: frames.request }), lingerMs: 0 });
}

/** Props of the React probes: what to render with, and the render counter. */
interface TickerProps {
  readonly notify?: 'task' | 'frame';
  readonly rendered: () => void;
}

function SsekitTicker({ notify = 'task', rendered }: TickerProps): null {
  useSSEEvent(URL, 'tick', { notify });
  rendered();
  return null;
}

function NaiveTicker({ rendered }: TickerProps): null {
  useNaiveEvent(URL, 'tick');
  rendered();
  return null;
}

function HooksSseTicker({ rendered }: TickerProps): null {
  useSSE('tick', null);
  rendered();
  return null;
}

async function reactContenders(): Promise<Contender[]> {
  // react-dom looks for a DOM when it loads: imported once jsdom is installed.
  const { createRoot } = await import('react-dom/client');
  const { flushSync } = await import('react-dom');

  const render = (
    wrap: (children: ReactElement[]) => ReactElement,
    ticker: (props: TickerProps) => null,
    props: TickerProps,
  ): (() => void) => {
    const root = createRoot(document.createElement('div'));
    const children = Array.from({ length: COMPONENTS }, (_, i) =>
      createElement(ticker, { key: i, ...props }),
    );
    flushSync(() => root.render(wrap(children)));
    return () => root.unmount();
  };

  const ssekit = (notify: 'task' | 'frame'): Contender => ({
    name: `ssekit \`useSSEEvent\`${notify === 'frame' ? ", notify: 'frame'" : ''}`,
    async mount({ frames, rendered }) {
      const pool = await ssekitPool(frames);
      const unmount = render(
        (children) => createElement(SSEProvider, { pool }, children),
        SsekitTicker,
        { notify, rendered },
      );
      return () => {
        unmount();
        pool.reset();
      };
    },
  });

  return named('React', [
    ssekit('task'),
    ssekit('frame'),
    {
      name: 'naive hook: own EventSource, setState per event',
      async mount({ rendered }) {
        return render((children) => createElement(Fragment, null, children), NaiveTicker, {
          rendered,
        });
      },
    },
    {
      name: '`react-hooks-sse` 2.1.0 `useSSE`',
      async mount({ rendered }) {
        return render(
          (children) => createElement(HooksSSEProvider, { endpoint: URL }, children),
          HooksSseTicker,
          { rendered },
        );
      },
    },
  ]);
}

async function vueContenders(): Promise<Contender[]> {
  const { createApp, defineComponent, h, onMounted, onUnmounted, shallowRef } = await import('vue');
  const { useEventSource } = await import('@vueuse/core');
  const { SSEPoolKey, useSSEEvent } = await import('../packages/vue/src/index');

  const mountApp = (child: ReturnType<typeof defineComponent>, provide?: unknown) => {
    const app = createApp({
      render: () =>
        h(
          'div',
          Array.from({ length: COMPONENTS }, () => h(child)),
        ),
    });
    if (provide) app.provide(SSEPoolKey, provide as never);
    app.mount(document.createElement('div'));
    return () => app.unmount();
  };

  const ssekit = (notify: 'task' | 'frame'): Contender => ({
    name: `ssekit \`useSSEEvent\`${notify === 'frame' ? ", notify: 'frame'" : ''}`,
    async mount({ frames, rendered }) {
      const pool = await ssekitPool(frames);
      const Ticker = defineComponent({
        setup: () => {
          const { data } = useSSEEvent(URL, 'tick', { notify });
          return () => {
            rendered();
            return h('p', String((data.value as { seq?: number } | undefined)?.seq));
          };
        },
      });
      const unmount = mountApp(Ticker, pool);
      return () => {
        unmount();
        pool.reset();
      };
    },
  });

  return named('Vue', [
    ssekit('task'),
    ssekit('frame'),
    {
      name: 'naive: own EventSource, ref update per event',
      async mount({ rendered }) {
        const Ticker = defineComponent({
          setup: () => {
            const data = shallowRef<{ seq: number } | null>(null);
            let source: EventSource | undefined;
            onMounted(() => {
              source = new EventSource(URL);
              source.addEventListener('tick', (event) => {
                data.value = JSON.parse(event.data);
              });
            });
            onUnmounted(() => source?.close());
            return () => {
              rendered();
              return h('p', String(data.value?.seq));
            };
          },
        });
        return mountApp(Ticker);
      },
    },
    {
      name: "VueUse `useEventSource(url, ['tick'])`",
      async mount({ rendered }) {
        const Ticker = defineComponent({
          setup: () => {
            const { data } = useEventSource(URL, ['tick']);
            return () => {
              rendered();
              return h('p', String(data.value));
            };
          },
        });
        return mountApp(Ticker);
      },
    },
  ]);
}

/** The parts of Svelte's client runtime this module uses. */
interface SvelteClient {
  mount(component: unknown, options: { target: Element; props: object }): object;
  unmount(component: object): Promise<void>;
}

/**
 * Svelte's client runtime and a compiled probe component. Node resolves `svelte` to its server
 * build, so the client entry is imported by path, and the component is compiled here and
 * evaluated against the client internals.
 */
async function svelteProbe(): Promise<{ svelte: SvelteClient; Probe: unknown }> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('svelte/package.json'));
  const svelte = (await import(
    pathToFileURL(join(root, 'src/index-client.js')).href
  )) as SvelteClient;
  // The module compiled components import as `svelte/internal/client` (untyped: by its path).
  const internals = await import(pathToFileURL(join(root, 'src/internal/client/index.js')).href);
  const { compile } = await import('svelte/compiler');
  const source = `<script>let { store, rendered } = $props();</script><p>{rendered($store)}</p>`;
  const { code } = compile(source, { generate: 'client', filename: 'Probe.svelte' }).js;
  const body = `${code.replace(/^import .*$/gm, '').replace('export default function', 'return function')}`;
  const Probe = new Function('$', body)(internals);
  return { svelte, Probe };
}

async function svelteContenders(): Promise<Contender[]> {
  const { svelte, Probe } = await svelteProbe();
  const { readable } = await import('svelte/store');
  const { sseEvent } = await import('../packages/svelte/src/index');

  const mountAll = (
    store: () => { subscribe: (run: (value: unknown) => void) => () => void },
    rendered: () => void,
  ) => {
    const target = document.createElement('div');
    const components = Array.from({ length: COMPONENTS }, () =>
      svelte.mount(Probe, {
        target,
        props: {
          store: store(),
          rendered: (value: unknown) => {
            rendered();
            return String(value);
          },
        },
      }),
    );
    return () => {
      for (const component of components) void svelte.unmount(component);
    };
  };

  const ssekit = (notify: 'task' | 'frame'): Contender => ({
    name: `ssekit \`sseEvent\` store (\`$ticks\`)${notify === 'frame' ? ", notify: 'frame'" : ''}`,
    async mount({ frames, rendered }) {
      const pool = await ssekitPool(frames);
      const unmount = mountAll(() => sseEvent(URL, 'tick', { pool, notify }), rendered);
      return () => {
        unmount();
        pool.reset();
      };
    },
  });

  return named('Svelte', [
    ssekit('task'),
    ssekit('frame'),
    {
      name: 'naive: `readable` store over its own EventSource',
      async mount({ rendered }) {
        const store = () =>
          readable<unknown>(null, (set) => {
            const source = new EventSource(URL);
            source.addEventListener('tick', (event) => set(JSON.parse(event.data)));
            return () => source.close();
          });
        return mountAll(store, rendered);
      },
    },
  ]);
}

async function signalsContenders(): Promise<Contender[]> {
  const { effect, signal } = await import('@preact/signals-core');
  const { sseEventSignal } = await import('../packages/preact-signals/src/index');

  const watchAll = (read: () => unknown, rendered: () => void): (() => void) => {
    const disposers = Array.from({ length: COMPONENTS }, () =>
      effect(() => {
        read();
        rendered();
      }),
    );
    return () => {
      for (const dispose of disposers) dispose();
    };
  };

  const ssekit = (notify: 'task' | 'frame'): Contender => ({
    name: `ssekit \`sseEventSignal\`${notify === 'frame' ? ", notify: 'frame'" : ''}`,
    async mount({ frames, rendered }) {
      const pool = await ssekitPool(frames);
      const ticks = sseEventSignal(URL, 'tick', { pool, notify });
      const stop = watchAll(() => ticks.value, rendered);
      return () => {
        stop();
        pool.reset();
      };
    },
  });

  return named('Preact Signals (effect runs)', [
    ssekit('task'),
    ssekit('frame'),
    {
      name: 'naive: a signal set per event',
      async mount({ rendered }) {
        const data = signal<unknown>(null);
        const source = new EventSource(URL);
        source.addEventListener('tick', (event) => {
          data.value = JSON.parse(event.data);
        });
        const stop = watchAll(() => data.value, rendered);
        return () => {
          stop();
          source.close();
        };
      },
    },
  ]);
}

/**
 * Renders per component for a burst of 50 events, for every binding and its alternatives.
 *
 * @example
 * const tables = await rendersBench.run((table) => console.log(formatTable(table)));
 */
export const rendersBench: BenchModule = {
  name: 'renders',
  run: async (report) => {
    const dom = installDom();
    try {
      const contenders = [
        ...(await reactContenders()),
        ...(await vueContenders()),
        ...(await svelteContenders()),
        ...(await signalsContenders()),
      ];
      const rows: Record<string, string | number | null>[] = [];
      for (const contender of contenders) {
        const row: Record<string, string | number | null> = { contender: contender.name };
        for (const delivery of deliveries) {
          row[delivery.name] = await rendersPerComponent(contender, delivery);
        }
        rows.push(row);
      }
      const table: ResultTable = {
        title: `Renders per component for a burst of ${EVENTS} events (${COMPONENTS} components on one stream)`,
        columns: ['contender', ...deliveries.map((d) => d.name)],
        rows,
        notes: [
          'Counted render calls per component (signals: effect runs) during the burst, mount excluded. Tasks are Node macrotasks (setImmediate); frames are run by hand through `createPlatform({ requestFrame })`. Each component of the naive contenders opens its own EventSource (a fake one here), which is what the churn bench counts.',
          'Svelte components are compiled with `svelte/compiler` and mounted with the client runtime; a render is one run of the template expression reading `$store`.',
        ],
      };
      report(table);
      return [table];
    } finally {
      dom.restore();
    }
  },
};

// Lets this module run alone: `node --import tsx bench/renders.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  await rendersBench.run((table) => console.log(formatTable(table)));
}
