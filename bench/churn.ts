/**
 * Connection churn: how many connections open and close when components mount and unmount the
 * way apps do — React StrictMode's double mount, a route change between two pages on the same
 * stream, a widget toggled 1 000 times in a second. Connections are counted on a fake
 * `EventSource` installed as the global; time is a fake clock (ssekit's platform seam), so the
 * linger delay is exercised without waiting for it.
 */
import { act, createElement, Fragment, type ReactElement, StrictMode } from 'react';
import { SSEProvider as HooksSSEProvider, useSSE } from 'react-hooks-sse';
import { SSEProvider, useSSEEvent } from '../packages/react/src/index';
import { createFakeEventSourceServer, type FakeEventSourceServer } from './fake-event-source';
import { type BenchModule, formatTable, type ResultTable } from './harness';
import { installDom } from './install-dom';
import { useNaiveEvent } from './naive-hook';

const URL = 'http://localhost/api/ticker';
const STRICT_COMPONENTS = 30;
const PAGE_COMPONENTS = 5;
const CYCLES = 1_000;
/** Longer than the default linger delay: whatever was going to close has closed. */
const AFTERWARDS_MS = 5_000;

/** Timers that run only when the bench advances time. */
interface FakeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  advance(ms: number): void;
}

function createFakeClock(): FakeClock {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (handle) => timers.delete(handle as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers) {
          if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
        }
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

/** What a scenario does with one library: mount, change, unmount, as a script. */
interface Library {
  readonly name: string;
  /** Mounts `count` components of page `page` (or nothing for `null`) as the app's only content. */
  show(page: 'A' | 'B' | null, count: number, options?: { strict?: boolean }): Promise<void>;
  /** Lets the framework finish: effects, watchers. */
  flush(): Promise<void>;
  dispose(): Promise<void>;
}

type LibraryFactory = (clock: FakeClock) => Promise<Library>;

interface Scenario {
  readonly name: string;
  /** Returns what happened, e.g. "1 opened, 0 closed". */
  play(library: Library, server: FakeEventSourceServer, clock: FakeClock): Promise<string>;
}

const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const counts = (opened: number, closed: number): string =>
  `${opened.toLocaleString('en-US')} opened, ${closed.toLocaleString('en-US')} closed`;

const scenarios: readonly Scenario[] = [
  {
    name: `StrictMode double mount, ${STRICT_COMPONENTS} components on one URL`,
    async play(library, server, clock) {
      await library.show('A', STRICT_COMPONENTS, { strict: true });
      clock.advance(AFTERWARDS_MS);
      await library.flush();
      return `${counts(server.opened, server.closed)}; ${server.live} open`;
    },
  },
  {
    name: `route change A → B (${PAGE_COMPONENTS} components each, same stream), one commit`,
    async play(library, server, clock) {
      await library.show('A', PAGE_COMPONENTS);
      const [opened, closed] = [server.opened, server.closed];
      await library.show('B', PAGE_COMPONENTS);
      clock.advance(AFTERWARDS_MS);
      await library.flush();
      return counts(server.opened - opened, server.closed - closed);
    },
  },
  {
    name: 'route change A → B, B mounts in the next task',
    async play(library, server, clock) {
      await library.show('A', PAGE_COMPONENTS);
      const [opened, closed] = [server.opened, server.closed];
      await library.show(null, 0);
      await nextTask();
      await library.show('B', PAGE_COMPONENTS);
      clock.advance(AFTERWARDS_MS);
      await library.flush();
      return counts(server.opened - opened, server.closed - closed);
    },
  },
  {
    name: `${CYCLES.toLocaleString('en-US')} mount/unmount cycles of one component within 1 s`,
    async play(library, server, clock) {
      const step = 1000 / CYCLES / 2;
      for (let i = 0; i < CYCLES; i++) {
        await library.show('A', 1);
        clock.advance(step);
        await library.show(null, 0);
        clock.advance(step);
      }
      clock.advance(AFTERWARDS_MS);
      await library.flush();
      return counts(server.opened, server.closed);
    },
  },
];

async function ssekitPool(clock: FakeClock) {
  const { createPlatform, createPool } = await import('../packages/core/src/index');
  // The default linger delay (1 s), on the fake clock.
  return createPool({
    platform: createPlatform({
      now: clock.now,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
    }),
  });
}

const useSsekitTicker = (): unknown => useSSEEvent(URL, 'tick');
const useNaiveTicker = (): unknown => useNaiveEvent(URL, 'tick');
const useHooksSseTicker = (): unknown => useSSE('tick', null);

/** Props of the two React pages: the hook each of their components calls. */
interface PageProps {
  readonly useTicker: () => unknown;
}

// Two pages with their own component types, so a route change replaces one with the other.
function PageA({ useTicker }: PageProps): null {
  useTicker();
  return null;
}

function PageB({ useTicker }: PageProps): null {
  useTicker();
  return null;
}

async function reactLibraries(): Promise<LibraryFactory[]> {
  // react-dom looks for a DOM when it loads: imported once jsdom is installed.
  const { createRoot } = await import('react-dom/client');

  const library = (
    name: string,
    useTicker: () => unknown,
    wrap: (children: ReactElement) => ReactElement,
    dispose: () => void = () => {},
  ): Library => {
    const root = createRoot(document.createElement('div'));
    return {
      name,
      async show(page, count, options = {}) {
        const component = page === 'A' ? PageA : PageB;
        const children = Array.from({ length: page ? count : 0 }, (_, i) =>
          createElement(component, { key: i, useTicker }),
        );
        const tree = wrap(createElement(Fragment, null, children));
        await act(async () => {
          root.render(options.strict ? createElement(StrictMode, null, tree) : tree);
        });
      },
      flush: () => act(async () => {}),
      async dispose() {
        await act(async () => root.unmount());
        dispose();
      },
    };
  };

  return [
    async (clock) => {
      const pool = await ssekitPool(clock);
      return library(
        'ssekit `useSSEEvent`',
        useSsekitTicker,
        (children) => createElement(SSEProvider, { pool }, children),
        () => pool.reset(),
      );
    },
    async () =>
      library('naive hook (own EventSource per component)', useNaiveTicker, (children) => children),
    async () =>
      library('`react-hooks-sse` 2.1.0', useHooksSseTicker, (children) =>
        createElement(HooksSSEProvider, { endpoint: URL }, children),
      ),
  ];
}

async function vueLibraries(): Promise<LibraryFactory[]> {
  const { createApp, defineComponent, h, nextTick, shallowRef } = await import('vue');
  const { useEventSource } = await import('@vueuse/core');
  const { SSEPoolKey, useSSEEvent } = await import('../packages/vue/src/index');

  const library = (name: string, composable: () => unknown, provide?: unknown): Library => {
    const page = (): ReturnType<typeof defineComponent> =>
      defineComponent({
        setup: () => {
          composable();
          return () => null;
        },
      });
    const pages = { A: page(), B: page() };
    const shown = shallowRef<{ page: 'A' | 'B' | null; count: number }>({ page: null, count: 0 });
    const app = createApp({
      render: () => {
        const { page: current, count } = shown.value;
        return current
          ? h(
              'div',
              Array.from({ length: count }, () => h(pages[current])),
            )
          : null;
      },
    });
    if (provide) app.provide(SSEPoolKey, provide as never);
    app.mount(document.createElement('div'));
    return {
      name,
      async show(current, count) {
        shown.value = { page: current, count };
        // One flush unmounts the old page and mounts the new one (ssekit subscribes once mounted).
        await nextTick();
      },
      flush: () => nextTick(),
      async dispose() {
        app.unmount();
      },
    };
  };

  return [
    async (clock) => {
      const pool = await ssekitPool(clock);
      const created = library('ssekit `useSSEEvent`', () => useSSEEvent(URL, 'tick'), pool);
      return {
        ...created,
        async dispose() {
          await created.dispose();
          pool.reset();
        },
      };
    },
    async () =>
      library("VueUse `useEventSource(url, ['tick'])`", () => useEventSource(URL, ['tick'])),
  ];
}

async function churnTable(
  title: string,
  factories: readonly LibraryFactory[],
  which: readonly Scenario[],
): Promise<ResultTable> {
  const rows: Record<string, string | number | null>[] = which.map((s) => ({ scenario: s.name }));
  const columns = ['scenario'];
  for (const factory of factories) {
    let name = '';
    for (const [i, scenario] of which.entries()) {
      const server = createFakeEventSourceServer();
      const uninstall = server.install();
      const clock = createFakeClock();
      try {
        const library = await factory(clock);
        name = library.name;
        rows[i]![name] = await scenario.play(library, server, clock);
        await library.dispose();
      } finally {
        uninstall();
      }
    }
    columns.push(name);
  }
  return { title, columns, rows };
}

/**
 * Connections opened and closed under StrictMode, route changes and rapid mount/unmount.
 *
 * @example
 * const tables = await churnBench.run((table) => console.log(formatTable(table)));
 */
export const churnBench: BenchModule = {
  name: 'churn',
  run: async (report) => {
    const dom = installDom();
    const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
    const wasActEnvironment = actEnvironment.IS_REACT_ACT_ENVIRONMENT;
    // act() flushes renders and effects at once; it expects to be told it runs in a test-like host.
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
    try {
      const react = await churnTable(
        'Connection churn: React (connections opened and closed)',
        await reactLibraries(),
        scenarios,
      );
      const reactNotes = [
        `Counted on a fake EventSource. Route changes count only the connections the change opened and closed; every scenario then advances a fake clock by ${AFTERWARDS_MS / 1000} s, past ssekit's default 1 s linger delay.`,
      ];
      if (process.env.NODE_ENV === 'production') {
        reactNotes.push('NODE_ENV=production: StrictMode does not double-mount in this run.');
      }
      const reactTable = { ...react, notes: reactNotes };
      report(reactTable);
      const vue = await churnTable(
        'Connection churn: Vue (connections opened and closed)',
        await vueLibraries(),
        scenarios.slice(1),
      );
      const vueTable = {
        ...vue,
        notes: ['Vue has no StrictMode; the route change swaps two pages under a `v-if`.'],
      };
      report(vueTable);
      return [reactTable, vueTable];
    } finally {
      actEnvironment.IS_REACT_ACT_ENVIRONMENT = wasActEnvironment;
      dom.restore();
    }
  },
};

// Lets this module run alone: `node --import tsx bench/churn.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  await churnBench.run((table) => console.log(formatTable(table)));
}
