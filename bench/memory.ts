/**
 * Memory: bytes per idle subscription, in the core and through each binding. Each case runs in
 * a fresh Node process (production builds of the frameworks, nothing else on the heap), which
 * subscribes N times to one event type of one stream, collects garbage, and divides the heap
 * delta by N. Where a binding lives inside a component or an effect, the same component or
 * effect without ssekit is measured too and subtracted: the net figure is what ssekit adds.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BenchModule, formatTable, type ResultTable } from './harness';

const STREAM = 'http://localhost/api/ticker';
const CORE_TARGET = 300;
const BINDING_TARGET = 1024;

/** What one case reports back to the parent process. */
interface Measurement {
  readonly name: string;
  readonly n: number;
  /** Heap bytes per subscription, with whatever holds it (component, effect, store object). */
  readonly gross: number;
  /** The same holder without ssekit, per subscription; 0 where there is nothing to subtract. */
  readonly baseline: number;
  readonly target: number;
  /** Subscriptions the pool counted on the event type: must equal `n`. */
  readonly counted: number;
  readonly note?: string;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Heap in use once garbage is collected, and whatever finalizers and weak-reference cleanups
 * free in the tasks after a collection. With only setImmediate between collections, a
 * just-unmounted Vue tree was at times still counted, then freed during the next figure.
 */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Heap bytes per item that `allocate` keeps alive. `release` runs once the heap is measured, and
 * nothing else may keep what was allocated: a torn-down tree still referenced from a variable
 * would be freed during the next measurement and make it look smaller.
 */
async function perItem<T>(
  n: number,
  allocate: () => T | Promise<T>,
  release: (held: T) => void | Promise<void>,
): Promise<number> {
  const before = await settledHeap();
  const held = await allocate();
  const after = await settledHeap();
  await release(held);
  return (after - before) / n;
}

/**
 * {@link perItem} for subscriptions, with how many the pool counted while they were held (read
 * just before `release`): proof that every item really subscribed.
 */
async function perSubscription<T>(
  n: number,
  allocate: () => T | Promise<T>,
  release: (held: T) => void | Promise<void>,
  counted: () => number,
): Promise<{ bytes: number; counted: number }> {
  let seen = 0;
  const bytes = await perItem(n, allocate, (held) => {
    seen = counted();
    return release(held);
  });
  return { bytes, counted: seen };
}

async function testPool() {
  const { createPool } = await import('../packages/core/src/index');
  const { createTestTransport } = await import('../packages/core/src/testing');
  const server = createTestTransport();
  const pool = createPool({ transport: server.transport, connectOnServer: true });
  const counted = (): number => pool.inspect().connections[0]?.subscribers.tick ?? 0;
  return { pool, counted };
}

/** Callbacks made before the baseline: an app's own closures are not ssekit's bytes. */
function callbacks(n: number): Array<(value: unknown) => void> {
  let sink: unknown;
  return Array.from({ length: n }, () => (value: unknown) => {
    sink = value;
    return sink;
  });
}

const cases: Record<string, () => Promise<Measurement[]>> = {
  async core() {
    const n = 100_000;
    const { pool, counted } = await testPool();
    const ticks = pool.source(STREAM).event('tick');
    const fns = callbacks(n + 1);
    const stops: Array<() => void> = new Array(n).fill(null);
    // The connection and the channel are paid once, by the first subscriber.
    const first = ticks.listen(fns[n]!);
    const gross = await perSubscription(
      n,
      () => {
        for (let i = 0; i < n; i++) stops[i] = ticks.listen(fns[i]!);
      },
      () => {
        for (const stop of stops) stop();
      },
      counted,
    );
    first();
    const name = "core: `source.event('tick').listen(fn)`";
    return [
      { name, n, gross: gross.bytes, baseline: 0, target: CORE_TARGET, counted: gross.counted - 1 },
    ];
  },

  async react() {
    const { installDom } = await import('./install-dom');
    const dom = installDom();
    const { createElement, Fragment, useRef, useSyncExternalStore } = await import('react');
    const { createRoot } = await import('react-dom/client');
    const { flushSync } = await import('react-dom');
    const { SSEProvider, useSSEPool, useSSEEvent } = await import('../packages/react/src/index');
    const n = 10_000;
    const { pool, counted } = await testPool();
    const Plain = (): null => null;
    const Subscribed = (): null => {
      useSSEEvent(STREAM, 'tick');
      return null;
    };
    // For scale: the least a React subscription can cost, a bare store hook on the core handle.
    const ticks = pool.source(STREAM).event('tick');
    const listen = (onChange: () => void): (() => void) => ticks.listen(onChange);
    const Floor = (): null => {
      useSyncExternalStore(listen, ticks.get);
      return null;
    };
    // What any hook that honours a provider and remembers inline options must hold besides: a
    // context read and one ref. The difference to `useSSEEvent` is what the binding keeps beyond.
    const FloorInProvider = (): null => {
      useSSEPool();
      useRef(undefined);
      useSyncExternalStore(listen, ticks.get);
      return null;
    };
    const mount = (component: () => null) => {
      const root = createRoot(dom.document.createElement('div'));
      const children = Array.from({ length: n }, (_, i) => createElement(component, { key: i }));
      // A sync render also flushes passive effects, where useSyncExternalStore subscribes.
      flushSync(() =>
        root.render(createElement(SSEProvider, { pool }, createElement(Fragment, null, children))),
      );
      return root;
    };
    const unmount = (root: ReturnType<typeof createRoot>): void => flushSync(() => root.unmount());
    // Warm-up: the first mounts pay for the connection and React's one-time allocations.
    unmount(mount(Subscribed));
    unmount(mount(Plain));
    const baseline = await perItem(n, () => mount(Plain), unmount);
    const gross = await perSubscription(n, () => mount(Subscribed), unmount, counted);
    const floor = await perSubscription(n, () => mount(Floor), unmount, counted);
    const inProvider = await perSubscription(n, () => mount(FloorInProvider), unmount, counted);
    dom.restore();
    return [
      {
        name: "React: a component calling `useSSEEvent(url, 'tick')`",
        n,
        gross: gross.bytes,
        baseline,
        target: BINDING_TARGET,
        counted: gross.counted,
        note: 'holder: the same component without the hook (returns null), under the same provider',
      },
      {
        name: 'React, for scale: a bare `useSyncExternalStore` on the core handle',
        n,
        gross: floor.bytes,
        baseline,
        target: BINDING_TARGET,
        counted: floor.counted,
        note: "the least any React subscription costs; the difference to `useSSEEvent` is the binding's own",
      },
      {
        name: 'React, for scale: the same plus `useSSEPool()` and one `useRef`',
        n,
        gross: inProvider.bytes,
        baseline,
        target: BINDING_TARGET,
        counted: inProvider.counted,
        note: 'the least a hook costs that reads a provider and remembers inline options per component',
      },
    ];
  },

  // Vue: one process per figure, each measured right after its own baseline, so no figure
  // inherits the trees an earlier one mounted and unmounted.
  vue: () => vueCase('composable'),
  vueFloor: () => vueCase('floor'),
  vueScope: () => vueCase('scope'),

  async svelte() {
    const { sseEvent } = await import('../packages/svelte/src/index');
    const n = 50_000;
    const { pool, counted } = await testPool();
    const fns = callbacks(n + 1);
    const stores: unknown[] = new Array(n).fill(null);
    const stops: Array<() => void> = new Array(n).fill(null);
    const first = sseEvent(STREAM, 'tick', { pool }).subscribe(fns[n]!);
    const gross = await perSubscription(
      n,
      () => {
        for (let i = 0; i < n; i++) {
          // What a component holds: its store (`$ticks`) and the subscription to it.
          const store = sseEvent(STREAM, 'tick', { pool });
          stores[i] = store;
          stops[i] = store.subscribe(fns[i]!);
        }
      },
      () => {
        for (const stop of stops) stop();
        stores.fill(null);
      },
      counted,
    );
    first();
    return [
      {
        name: "Svelte: `sseEvent(url, 'tick')` store + `.subscribe(fn)`",
        n,
        gross: gross.bytes,
        baseline: 0,
        target: BINDING_TARGET,
        counted: gross.counted - 1,
        note: 'the store object a component keeps for `$ticks` is counted with its subscription; nothing to subtract',
      },
    ];
  },

  async signals() {
    const { effect, signal } = await import('@preact/signals-core');
    const { EMPTY_EVENT } = await import('../packages/core/src/index');
    const { sseEventSignal } = await import('../packages/preact-signals/src/index');
    const n = 50_000;
    const { pool, counted } = await testPool();
    const watch = (source: { value: unknown }): (() => void) => {
      let seen: unknown;
      return effect(() => {
        seen = source.value;
        return void seen;
      });
    };
    const watchAll = (make: () => { value: unknown }): Array<() => void> => {
      const disposers: Array<() => void> = new Array(n).fill(null);
      for (let i = 0; i < n; i++) disposers[i] = watch(make());
      return disposers;
    };
    const disposeAll = (disposers: Array<() => void>): void => {
      for (const dispose of disposers) dispose();
    };
    const first = watch(sseEventSignal(STREAM, 'tick', { pool }));
    const baseline = await perItem(n, () => watchAll(() => signal(EMPTY_EVENT)), disposeAll);
    const gross = await perSubscription(
      n,
      () => watchAll(() => sseEventSignal(STREAM, 'tick', { pool })),
      disposeAll,
      counted,
    );
    first();
    return [
      {
        name: "Preact Signals: `effect` reading `sseEventSignal(url, 'tick')`",
        n,
        gross: gross.bytes,
        baseline,
        target: BINDING_TARGET,
        counted: gross.counted - 1,
        note: 'holder: the same effect reading a plain `signal()`',
      },
    ];
  },
};

const run = promisify(execFile);
const self = fileURLToPath(import.meta.url);

/**
 * One Vue figure: a mounted component calling the composable, the hand-written floor (a
 * shallowRef fed in onMounted), or the composable in bare effect scopes.
 */
async function vueCase(which: 'composable' | 'floor' | 'scope'): Promise<Measurement[]> {
  const { installDom } = await import('./install-dom');
  const dom = installDom();
  const {
    createApp,
    defineComponent,
    effectScope,
    h,
    nextTick,
    onMounted,
    onUnmounted,
    shallowRef,
  } = await import('vue');
  const { SSEPoolKey, useSSEEvent } = await import('../packages/vue/src/index');
  const n = 10_000;
  const { pool, counted } = await testPool();
  try {
    if (which === 'scope') {
      // The same composable in bare effect scopes (a store module, a test), without components.
      const scopes = (): Array<ReturnType<typeof effectScope>> => new Array(n).fill(null);
      const stopAll = (list: Array<ReturnType<typeof effectScope>>): void => {
        for (const scope of list) scope.stop();
      };
      const emptyScopes = await perItem(n, () => scopes().map(() => effectScope()), stopAll);
      // An app's context lets the composable inject the pool outside a component.
      const context = createApp({ render: () => null });
      context.provide(SSEPoolKey, pool);
      const scoped = await perSubscription(
        n,
        () =>
          context.runWithContext(() =>
            scopes().map(() => {
              const scope = effectScope();
              scope.run(() => useSSEEvent(STREAM, 'tick'));
              return scope;
            }),
          ),
        stopAll,
        counted,
      );
      return [
        {
          name: "Vue: `useSSEEvent(url, 'tick')` in an `effectScope()`",
          n,
          gross: scoped.bytes,
          baseline: emptyScopes,
          target: BINDING_TARGET,
          counted: scoped.counted,
          note: 'holder: an empty effect scope',
        },
      ];
    }
    const Plain = defineComponent({ setup: () => () => null });
    const Subscribed = defineComponent({
      setup: () => {
        useSSEEvent(STREAM, 'tick');
        return () => null;
      },
    });
    // For scale: the least a Vue subscription can cost, a shallowRef fed by the core handle.
    const ticks = pool.source(STREAM).event('tick');
    const Floor = defineComponent({
      setup() {
        const snapshot = shallowRef(ticks.get());
        let stop: (() => void) | undefined;
        onMounted(() => {
          stop = ticks.listen((value) => {
            snapshot.value = value;
          });
        });
        onUnmounted(() => stop?.());
        return () => null;
      },
    });
    const measured = which === 'floor' ? Floor : Subscribed;
    const mount = async (child: typeof Plain) => {
      // Children of an element, not of a fragment: jsdom inserts before an anchor in linear time.
      const app = createApp({
        render: () =>
          h(
            'div',
            Array.from({ length: n }, () => h(child)),
          ),
      });
      app.provide(SSEPoolKey, pool);
      app.mount(dom.document.createElement('div'));
      // Components subscribe once mounted, in Vue's next flush.
      await nextTick();
      return app;
    };
    // An unmounted app still references its last tree: drop it with the app.
    const unmount = (app: ReturnType<typeof createApp>): void => app.unmount();
    // Warm-up: the first mounts pay for the connection and Vue's one-time allocations.
    unmount(await mount(measured));
    unmount(await mount(Plain));
    const baseline = await perItem(n, () => mount(Plain), unmount);
    const gross = await perSubscription(n, () => mount(measured), unmount, counted);
    return [
      which === 'floor'
        ? {
            name: 'Vue, for scale: a `shallowRef` fed by `listen` in `onMounted`',
            n,
            gross: gross.bytes,
            baseline,
            target: BINDING_TARGET,
            counted: gross.counted,
            note: "the least any Vue subscription costs; the difference to `useSSEEvent` is the binding's own",
          }
        : {
            name: "Vue: a mounted component calling `useSSEEvent(url, 'tick')`",
            n,
            gross: gross.bytes,
            baseline,
            target: BINDING_TARGET,
            counted: gross.counted,
            note: 'holder: the same component without the composable (renders null)',
          },
    ];
  } finally {
    dom.restore();
  }
}

/** Runs one case in a fresh process, with the production builds of the frameworks. */
async function measureInChild(name: string): Promise<Measurement[]> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', self, '--case', name],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = stdout.trim().split('\n').at(-1) ?? '[]';
  return JSON.parse(line) as Measurement[];
}

function table(measurements: readonly Measurement[]): ResultTable {
  const notes: string[] = [];
  const rows = measurements.map((m) => {
    const net = Math.round(m.gross - m.baseline);
    if (m.counted !== m.n) {
      notes.push(`${m.name}: the pool counted ${m.counted} subscriptions, expected ${m.n}`);
    }
    if (m.note) notes.push(`${m.name} — ${m.note}`);
    return {
      subscription: m.name,
      N: m.n,
      'B/subscription': net,
      'with holder B': Math.round(m.gross),
      'holder alone B': m.baseline ? Math.round(m.baseline) : null,
      'target B': m.target,
      'gap B': net - m.target,
    };
  });
  notes.push(
    'Heap delta after global.gc() divided by N, each case in a fresh `NODE_ENV=production` process; React and Vue mount into jsdom. "B/subscription" = "with holder" − "holder alone"; a negative gap is under the target.',
  );
  return {
    title: 'Memory: bytes per idle subscription',
    columns: [
      'subscription',
      'N',
      'B/subscription',
      'with holder B',
      'holder alone B',
      'target B',
      'gap B',
    ],
    rows,
    notes,
  };
}

/**
 * Bytes per idle subscription: the core, and each binding (each case in its own process).
 *
 * @example
 * const tables = await memoryBench.run((table) => console.log(formatTable(table)));
 */
export const memoryBench: BenchModule = {
  name: 'memory',
  run: async (report) => {
    const measurements: Measurement[] = [];
    for (const name of Object.keys(cases)) measurements.push(...(await measureInChild(name)));
    const result = table(measurements);
    report(result);
    return [result];
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const index = process.argv.indexOf('--case');
  const name = index === -1 ? undefined : process.argv[index + 1];
  if (name) {
    // Child mode: one case, its measurements as the last line of output.
    const measure = cases[name];
    if (!measure)
      throw new Error(`Unknown memory case "${name}": ${Object.keys(cases).join(', ')}`);
    console.log(JSON.stringify(await measure()));
  } else {
    // Alone: `node --expose-gc --import tsx bench/memory.ts`.
    await memoryBench.run((result) => console.log(formatTable(result)));
  }
}
