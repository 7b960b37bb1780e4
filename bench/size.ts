/**
 * Bundle size: what an app pays for each import, minified, gzip and brotli, production, with
 * frameworks left out (lazy chunks excluded). Measures the built packages (`pnpm bench` builds
 * first) through their `exports`, the way users import them, with the same bundling as the
 * package budgets in `test/budgets`.
 */
import { compressedSizes } from '../test/budgets/measure';
import { type BenchModule, formatTable, type ResultTable } from './harness';

interface Entry {
  readonly name: string;
  readonly code: string;
  /** Left out of the bundle (frameworks always are). */
  readonly external?: string[];
  /** Subtracted: a binding re-exports the core, so what it adds is its bundle minus the core's. */
  readonly minus?: string;
  /** The gzip budget from `test/budgets/packages.test.ts`, where there is one. */
  readonly target?: number;
}

const ssekit: readonly Entry[] = [
  {
    name: 'core, native transport only (`createPool`)',
    code: `export { createPool } from '@ssekit/core';`,
    target: 2560,
  },
  {
    name: 'full core (`@ssekit/core` + `@ssekit/core/fetch`)',
    code: `export * from '@ssekit/core'; export * from '@ssekit/core/fetch';`,
    target: 4096,
  },
  {
    name: 'parser alone (`createEventStreamParser`)',
    code: `export { createEventStreamParser } from '@ssekit/core/fetch';`,
  },
  {
    name: 'cross-tab module (`@ssekit/core/cross-tab`)',
    code: `export * from '@ssekit/core/cross-tab';`,
    target: 1536,
  },
  ...(['react', 'vue', 'svelte', 'preact-signals'] as const).map(
    (binding): Entry => ({
      name: `\`@ssekit/${binding}\`, added to the core`,
      code: `export * from '@ssekit/${binding}';`,
      minus: `export * from '@ssekit/core';`,
      target: 1024,
    }),
  ),
];

/** Each alternative, and the ssekit import that does the same job (or more). */
const alternatives: ReadonlyArray<Entry & { readonly ours: Entry }> = [
  {
    name: '`eventsource-parser` (`createParser`)',
    code: `export { createParser } from 'eventsource-parser';`,
    ours: ssekit[2]!,
  },
  {
    name: '`@microsoft/fetch-event-source` (`fetchEventSource`)',
    code: `export { fetchEventSource } from '@microsoft/fetch-event-source';`,
    // The closest ssekit import: pool, both transports, retry and the parser.
    ours: ssekit[1]!,
  },
  {
    name: "`@vueuse/core`'s `useEventSource` (vue external)",
    code: `export { useEventSource } from '@vueuse/core';`,
    ours: {
      name: '`useSSEEvent` + `useEventSource` from `@ssekit/vue`, with the core',
      code: `export { useSSEEvent, useEventSource } from '@ssekit/vue';`,
    },
  },
  {
    name: '`react-hooks-sse` (react external)',
    code: `export * from 'react-hooks-sse';`,
    ours: {
      name: '`useSSEEvent` + `SSEProvider` from `@ssekit/react`, with the core',
      code: `export { useSSEEvent, SSEProvider } from '@ssekit/react';`,
    },
  },
];

/** Bytes of an entry, less those of its `minus` import (measured the same way). */
async function sizes(entry: Entry): Promise<{ min: number; gzip: number; brotli: number }> {
  const whole = await compressedSizes(entry.code, entry.external);
  if (!entry.minus) return whole;
  const base = await compressedSizes(entry.minus, entry.external);
  return {
    min: whole.min - base.min,
    gzip: whole.gzip - base.gzip,
    brotli: whole.brotli - base.brotli,
  };
}

async function ssekitTable(): Promise<ResultTable> {
  const rows: Record<string, string | number | null>[] = [];
  for (const entry of ssekit) {
    const { min, gzip, brotli } = await sizes(entry);
    rows.push({
      import: entry.name,
      'min B': min,
      'gzip B': gzip,
      'brotli B': brotli,
      'gzip target B': entry.target ?? null,
      'gap to target B': entry.target === undefined ? null : gzip - entry.target,
    });
  }
  return {
    title: 'Bundle size: ssekit',
    columns: ['import', 'min B', 'gzip B', 'brotli B', 'gzip target B', 'gap to target B'],
    rows,
    notes: [
      "Minified by esbuild, NODE_ENV=production, frameworks external, dynamic-import chunks excluded (the fetch transport and cross-tab load on first use). A binding re-exports the core: its row is its whole bundle minus the core's, as in the package budgets. A positive gap is over the target.",
    ],
  };
}

async function alternativesTable(): Promise<ResultTable> {
  const rows: Record<string, string | number | null>[] = [];
  for (const entry of alternatives) {
    const [theirs, ours] = await Promise.all([sizes(entry), sizes(entry.ours)]);
    rows.push({
      alternative: entry.name,
      'gzip B': theirs.gzip,
      'brotli B': theirs.brotli,
      'ssekit counterpart': entry.ours.name,
      'ssekit gzip B': ours.gzip,
      'ssekit brotli B': ours.brotli,
    });
  }
  return {
    title: 'Bundle size: the alternatives and their ssekit counterparts',
    columns: [
      'alternative',
      'gzip B',
      'brotli B',
      'ssekit counterpart',
      'ssekit gzip B',
      'ssekit brotli B',
    ],
    rows,
    notes: [
      'The counterparts do more: a shared, ref-counted pool with linger, status and retry state, parse-once dispatch and SSR safety. `@microsoft/fetch-event-source` has neither a pool nor a native-EventSource path.',
    ],
  };
}

/**
 * Bundle-size tables (built packages; run `pnpm build` first).
 *
 * @example
 * const tables = await sizeBench.run((table) => console.log(formatTable(table)));
 */
export const sizeBench: BenchModule = {
  name: 'size',
  run: async (report) => {
    const tables = [await ssekitTable(), await alternativesTable()];
    for (const table of tables) report(table);
    return tables;
  },
};

// Lets this module run alone: `node --import tsx bench/size.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  await sizeBench.run((table) => console.log(formatTable(table)));
}
