/**
 * Fan-out: one connection, one event type, 1 to 10 000 subscribers. ssekit parses each event's
 * JSON once and hands the value to every `on()` handler; the alternative is what apps get with
 * one EventSource listener per component, where every subscriber parses the same text again.
 */
import { setMaxListeners } from 'node:events';
import { createPool } from '../packages/core/src/index';
import { createTestTransport } from '../packages/core/src/testing';
import {
  type BenchModule,
  type Contender,
  formatTable,
  measure,
  type ResultTable,
  type Scenario,
} from './harness';

const SUBSCRIBER_COUNTS = [1, 100, 1_000, 10_000];
/** Deliveries (events × subscribers) one run aims at, so every size runs for about as long. */
const DELIVERIES_PER_RUN = 20_000;

interface Tick {
  readonly seq: number;
}

/** About 100 bytes of JSON, like a ticker or a metrics sample. */
function eventText(seq: number): string {
  return JSON.stringify({
    seq,
    symbol: 'ACME',
    price: 100 + (seq % 97) / 4,
    volume: seq * 13,
    venue: 'XNAS',
    ts: 1_700_000_000_000 + seq,
  });
}

// Checksum: deliveries plus the sum of `seq` every subscriber read, so a contender that skips a
// subscriber or an event shows up as a mismatch.

function ssekit(subscribers: number, texts: readonly string[]): Contender {
  const server = createTestTransport();
  const pool = createPool({ transport: server.transport, connectOnServer: true });
  const ticks = pool.source('http://bench.test/stream').event<Tick>('tick');
  let sum = 0;
  for (let i = 0; i < subscribers; i++) {
    ticks.on((tick) => {
      sum += 1 + tick.seq;
    });
  }
  const connection = server.current!;
  connection.open();
  return {
    name: 'ssekit (one parse, N on() handlers)',
    run: () => {
      sum = 0;
      for (const text of texts) connection.send(text, { type: 'tick' });
      return sum;
    },
  };
}

/** What N components each calling `source.addEventListener('tick', …)` on one EventSource do. */
function eventTargetParsePerListener(subscribers: number, texts: readonly string[]): Contender {
  const target = new EventTarget();
  // Thousands of listeners on one target is the scenario, not a leak.
  setMaxListeners(Number.POSITIVE_INFINITY, target);
  let sum = 0;
  for (let i = 0; i < subscribers; i++) {
    target.addEventListener('tick', (event) => {
      const tick = JSON.parse((event as MessageEvent<string>).data) as Tick;
      sum += 1 + tick.seq;
    });
  }
  return {
    name: 'EventTarget, each listener parses',
    run: () => {
      sum = 0;
      for (const data of texts) target.dispatchEvent(new MessageEvent('tick', { data }));
      return sum;
    },
  };
}

/** The same with the cheapest dispatch there is: a plain array of callbacks. */
function arrayParsePerListener(subscribers: number, texts: readonly string[]): Contender {
  let sum = 0;
  const listeners: Array<(data: string) => void> = [];
  for (let i = 0; i < subscribers; i++) {
    listeners.push((data) => {
      const tick = JSON.parse(data) as Tick;
      sum += 1 + tick.seq;
    });
  }
  return {
    name: 'callback array, each listener parses',
    run: () => {
      sum = 0;
      for (const data of texts) for (const listener of listeners) listener(data);
      return sum;
    },
  };
}

/** The floor: parse once, loop over an array. No snapshot, no pool, no error handling. */
function arrayParseOnce(subscribers: number, texts: readonly string[]): Contender {
  let sum = 0;
  const listeners: Array<(tick: Tick) => void> = [];
  for (let i = 0; i < subscribers; i++) {
    listeners.push((tick) => {
      sum += 1 + tick.seq;
    });
  }
  return {
    name: 'callback array, one parse (floor)',
    run: () => {
      sum = 0;
      for (const data of texts) {
        const tick = JSON.parse(data) as Tick;
        for (const listener of listeners) listener(tick);
      }
      return sum;
    },
  };
}

/**
 * Runs every contender once with `JSON.parse` wrapped: parse calls per event, and whether each
 * event reached every subscriber (the checksum counts one per delivery plus the event's `seq`).
 */
function countParses(
  contenders: readonly Contender[],
  texts: readonly string[],
  subscribers: number,
): Map<Contender, { parses: number; delivered: boolean }> {
  const expected = texts.reduce((sum, text) => sum + (1 + JSON.parse(text).seq) * subscribers, 0);
  const original = JSON.parse;
  let calls = 0;
  JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    calls++;
    return original(text, reviver);
  }) as typeof JSON.parse;
  const counts = new Map<Contender, { parses: number; delivered: boolean }>();
  try {
    for (const contender of contenders) {
      calls = 0;
      const checksum = contender.run();
      counts.set(contender, { parses: calls / texts.length, delivered: checksum === expected });
    }
  } finally {
    JSON.parse = original;
  }
  return counts;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One subscriber count: the harness's timings plus µs per event and parse calls per event. */
function fanOut(subscribers: number): ResultTable {
  const eventsPerRun = Math.min(1_000, Math.max(2, Math.round(DELIVERIES_PER_RUN / subscribers)));
  const texts = Array.from({ length: eventsPerRun }, (_, i) => eventText(i + 1));
  const contenders = [
    ssekit(subscribers, texts),
    eventTargetParsePerListener(subscribers, texts),
    arrayParsePerListener(subscribers, texts),
    arrayParseOnce(subscribers, texts),
  ];
  const counts = countParses(contenders, texts, subscribers);
  const scenario: Scenario = {
    name: `${subscribers.toLocaleString('en-US')} subscriber${subscribers === 1 ? '' : 's'}, ~100 B JSON events`,
    events: eventsPerRun,
    baseline: 'EventTarget, each listener parses',
    contenders,
  };
  const timed = measure(scenario);
  const notes = [...(timed.notes ?? [])];
  const rows = timed.rows.map((row) => {
    const contender = contenders.find((c) => c.name === row.contender)!;
    const count = counts.get(contender)!;
    if (!count.delivered) notes.push(`${contender.name} did not deliver every event to everyone`);
    const ms = row['ms/run'];
    return {
      contender: contender.name,
      'µs/event': typeof ms === 'number' ? round((ms * 1000) / eventsPerRun, 2) : null,
      'ns/delivery':
        typeof ms === 'number' ? round((ms * 1e6) / eventsPerRun / subscribers, 1) : null,
      'JSON.parse/event': count.parses,
      'vs EventTarget, each listener parses': row['vs EventTarget, each listener parses'] ?? null,
    };
  });
  notes.push(
    `${eventsPerRun} events per run; µs/event is the time to deliver one event to all ${subscribers.toLocaleString('en-US')} subscribers. JSON.parse calls counted with a wrapper in a separate run.`,
  );
  return {
    title: scenario.name,
    columns: [
      'contender',
      'µs/event',
      'ns/delivery',
      'JSON.parse/event',
      'vs EventTarget, each listener parses',
    ],
    rows,
    notes,
  };
}

/** The key row of every size, side by side. */
function summary(tables: readonly ResultTable[]): ResultTable {
  const pick = (table: ResultTable, name: string): string | number | null =>
    table.rows.find((row) => row.contender === name)?.['µs/event'] ?? null;
  return {
    title: 'Fan-out summary: µs to deliver one event to every subscriber',
    columns: [
      'subscribers',
      'ssekit',
      'EventTarget, parse per listener',
      'ssekit JSON.parse/event',
      'EventTarget JSON.parse/event',
    ],
    rows: tables.map((table, i) => {
      const parses = (name: string) =>
        table.rows.find((row) => row.contender === name)?.['JSON.parse/event'] ?? null;
      return {
        subscribers: SUBSCRIBER_COUNTS[i] ?? null,
        ssekit: pick(table, 'ssekit (one parse, N on() handlers)'),
        'EventTarget, parse per listener': pick(table, 'EventTarget, each listener parses'),
        'ssekit JSON.parse/event': parses('ssekit (one parse, N on() handlers)'),
        'EventTarget JSON.parse/event': parses('EventTarget, each listener parses'),
      };
    }),
  };
}

/**
 * Fan-out scenarios: µs per event delivered to 1 / 100 / 1 000 / 10 000 subscribers.
 *
 * @example
 * const tables = await fanOutBench.run((table) => console.log(formatTable(table)));
 */
export const fanOutBench: BenchModule = {
  name: 'fan-out',
  run: (report) => {
    const tables: ResultTable[] = [];
    for (const subscribers of SUBSCRIBER_COUNTS) {
      const table = fanOut(subscribers);
      report(table);
      tables.push(table);
    }
    const total = summary(tables);
    report(total);
    return [...tables, total];
  },
};

// Lets this module run alone: `node --expose-gc --import tsx bench/fanout.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  fanOutBench.run((table) => console.log(formatTable(table)));
}
