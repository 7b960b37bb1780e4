/**
 * Event-stream parser throughput: ssekit against the parsers users would pick instead, on the
 * same bytes, chunked the way networks deliver them (64 KiB reads, 1 400-byte TCP segments,
 * 16-byte drips), plus single events of growing size dripped in 16-byte chunks (linear or not).
 */
// The package has no `exports` map: its parse module is importable directly (CommonJS build,
// because its ESM build is not marked as ESM for Node).
import { getLines, getMessages } from '@microsoft/fetch-event-source/lib/cjs/parse.js';
import { createParser } from 'eventsource-parser';
import { createEventStreamParser } from '../packages/core/src/parser';
import {
  type BenchModule,
  type Contender,
  formatTable,
  measure,
  type ResultTable,
  type Scenario,
} from './harness';

const encoder = new TextEncoder();
const TARGET_BYTES = 1024 * 1024;

/** Repeats `event(n)` until the stream holds about `TARGET_BYTES`. */
function stream(event: (n: number) => string, target = TARGET_BYTES): string {
  const parts: string[] = [];
  let size = 0;
  for (let n = 1; size < target; n++) {
    const text = event(n);
    parts.push(text);
    size += text.length;
  }
  return parts.join('');
}

const json = (n: number): string =>
  JSON.stringify({ id: n, symbol: 'ACME', price: 100 + (n % 97) / 4, volume: n * 13 });

interface Workload {
  readonly name: string;
  readonly text: string;
}

const workloads: Workload[] = [
  { name: 'small JSON events', text: stream((n) => `data: ${json(n)}\n\n`) },
  {
    name: 'named events with ids',
    text: stream(
      (n) => `event: ${['tick', 'trade', 'quote'][n % 3]}\nid: ${n}\ndata: ${json(n)}\n\n`,
    ),
  },
  {
    name: 'multi-line data',
    text: stream(
      (n) =>
        `id: ${n}\ndata: line one of ${n}\ndata: ${json(n)}\ndata: {"more":[1,2,3]}\ndata: \ndata: end\n\n`,
    ),
  },
  {
    name: 'multi-byte UTF-8',
    text: stream((n) => `data: {"n":${n},"text":"Grüße, café — 😀 数据流 événement ✓"}\n\n`),
  },
  {
    name: 'CRLF line ends',
    text: stream((n) => `event: tick\r\nid: ${n}\r\ndata: ${json(n)}\r\n\r\n`),
  },
  {
    name: 'heartbeat-heavy',
    text: stream((n) => `${': ping\n\n'.repeat(9)}id: ${n}\ndata: ${json(n)}\n\n`),
  },
  {
    name: '64 KB events',
    text: stream((n) => `event: snapshot\nid: ${n}\ndata: ${'x'.repeat(64 * 1024 - 40)}\n\n`),
  },
];

const CHUNK_SIZES = [64 * 1024, 1400, 16];

function slice(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

// Checksum: events with data, plus the total data length, so a contender that drops or
// garbles events shows up as a mismatch.

function ssekit(chunks: readonly Uint8Array[]): Contender {
  return {
    name: 'ssekit',
    run: () => {
      let sum = 0;
      const parser = createEventStreamParser({
        onEvent: (event) => {
          sum += 1 + event.data.length;
        },
      });
      for (const chunk of chunks) parser.feed(chunk);
      parser.end();
      return sum;
    },
  };
}

function eventsourceParser(chunks: readonly Uint8Array[]): Contender {
  return {
    name: 'eventsource-parser',
    run: () => {
      let sum = 0;
      const decoder = new TextDecoder();
      const parser = createParser({
        onEvent: (event) => {
          sum += 1 + event.data.length;
        },
      });
      for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
      parser.feed(decoder.decode());
      parser.reset();
      return sum;
    },
  };
}

function fetchEventSource(chunks: readonly Uint8Array[]): Contender {
  return {
    name: '@microsoft/fetch-event-source',
    run: () => {
      let sum = 0;
      const onChunk = getLines(
        getMessages(
          () => {},
          () => {},
          (message) => {
            // It calls back on every blank line, data or not; count only real events.
            if (message.data !== '') sum += 1 + message.data.length;
          },
        ),
      );
      for (const chunk of chunks) onChunk(chunk);
      return sum;
    },
  };
}

/** The practical ceiling: one-shot decode and a line-end scan, no parsing at all. */
function decodeAndSplit(chunks: readonly Uint8Array[]): Contender {
  return {
    name: 'decode + split (ceiling)',
    run: () => {
      const decoder = new TextDecoder();
      let lines = 0;
      for (const chunk of chunks) {
        const text = decoder.decode(chunk);
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      }
      return lines;
    },
  };
}

function countEvents(text: string): number {
  let count = 0;
  createEventStreamParser({ onEvent: () => count++ }).feed(text);
  return count;
}

const kib = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`;

// Chunks are sliced per scenario, when it runs: holding every scenario's chunks at once (half a
// million small arrays) would slow the garbage collector for all contenders.
function* scenarios(): Generator<Scenario> {
  for (const workload of workloads) {
    const bytes = encoder.encode(workload.text);
    const events = countEvents(workload.text);
    for (const size of CHUNK_SIZES) {
      const chunks = slice(bytes, size);
      yield {
        name: `${workload.name}, ${size % 1024 ? `${size} B` : kib(size)} chunks`,
        bytes: bytes.length,
        events,
        baseline: 'eventsource-parser',
        unchecked: ['decode + split (ceiling)'],
        contenders: [
          ssekit(chunks),
          eventsourceParser(chunks),
          fetchEventSource(chunks),
          decodeAndSplit(chunks),
        ],
      };
    }
  }
  for (const size of [1024 * 1024, 4 * 1024 * 1024]) {
    const text = `event: big\nid: 1\ndata: ${'0123456789abcdef'.repeat(size / 16)}\n\n`;
    const chunks = slice(encoder.encode(text), 16);
    const quadratic = {
      ...fetchEventSource(chunks),
      // It copies the whole buffered line on every chunk: minutes at this size.
      skip: 'it copies the buffered line on every chunk (quadratic), so one run takes minutes',
    };
    yield {
      name: `one ${kib(size)} event, 16 B chunks`,
      bytes: text.length,
      events: 1,
      baseline: 'eventsource-parser',
      unchecked: ['decode + split (ceiling)'],
      contenders: [ssekit(chunks), eventsourceParser(chunks), quadratic, decodeAndSplit(chunks)],
    };
  }
}

/** Ratio of ssekit's speed to eventsource-parser's in each table. */
function summary(tables: readonly ResultTable[]): ResultTable {
  const rows = tables.map((table) => {
    const find = (name: string) => table.rows.find((row) => row.contender === name);
    const ours = find('ssekit');
    const theirs = find('eventsource-parser');
    return {
      scenario: table.title,
      'ssekit MB/s': ours?.['MB/s'] ?? null,
      'eventsource-parser MB/s': theirs?.['MB/s'] ?? null,
      'vs eventsource-parser': ours?.['vs eventsource-parser'] ?? null,
    };
  });
  return {
    title: 'Parser summary: ssekit / eventsource-parser',
    columns: ['scenario', 'ssekit MB/s', 'eventsource-parser MB/s', 'vs eventsource-parser'],
    rows,
  };
}

/**
 * Parser throughput scenarios.
 *
 * @example
 * const tables = await parserBench.run((table) => console.log(formatTable(table)));
 */
export const parserBench: BenchModule = {
  name: 'parser',
  run: (report) => {
    const only = process.env.BENCH_FILTER;
    const tables: ResultTable[] = [];
    for (const scenario of scenarios()) {
      if (only && !scenario.name.includes(only)) continue;
      const table = measure(scenario);
      report(table);
      tables.push(table);
    }
    const total = summary(tables);
    report(total);
    return [...tables, total];
  },
};

// Lets this module run alone: `node --expose-gc --import tsx bench/parser.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  parserBench.run((table) => console.log(formatTable(table)));
}
