/**
 * A tiny benchmark harness: contenders of one scenario run interleaved in the same process
 * (warm-up, then many short rounds that alternate A, B, C… in a rotating order), so drift in
 * CPU clock, GC pressure or a noisy neighbour hits every contender alike. Each figure is a
 * median; ratios are medians of the ratios within each round.
 */

/**
 * One way of doing the scenario's work.
 *
 * @example
 * const contender: Contender = { name: 'split', run: () => text.split('\n').length };
 */
export interface Contender {
  readonly name: string;
  /** Does the whole workload once and returns a checksum that the harness compares. */
  run(): number;
  /** When set, the contender sits this scenario out; the text says why. */
  readonly skip?: string;
}

/**
 * A workload every contender performs, with the amount of work one run represents.
 *
 * @example
 * const scenario: Scenario = { name: 'split 1 MB', bytes: 1e6, contenders: [a, b] };
 */
export interface Scenario {
  readonly name: string;
  /** Bytes processed by one run, for MB/s. */
  readonly bytes?: number;
  /** Events delivered by one run, for events/s. */
  readonly events?: number;
  /** Contender whose speed the others are divided by in the `vs` column. */
  readonly baseline?: string;
  /** Contenders whose checksum is not comparable (a ceiling that skips the real work). */
  readonly unchecked?: readonly string[];
  readonly contenders: readonly Contender[];
}

/**
 * A table of results, the shape every bench module returns and `results.json` stores.
 *
 * @example
 * const table: ResultTable = { title: 'renders', columns: ['adapter', 'renders'], rows: [] };
 */
export interface ResultTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, string | number | null>[];
  readonly notes?: readonly string[];
}

/**
 * How long the harness measures.
 *
 * @example
 * measure(scenario, { ...DEFAULT_TIMING, rounds: 9 });
 */
export interface TimingOptions {
  /** Warm-up per contender, in ms (lets the JIT settle). */
  readonly warmupMs: number;
  /** Measured rounds; each contender runs once per round. */
  readonly rounds: number;
  /** Target duration of one contender's sample within a round, in ms. */
  readonly sampleMs: number;
  /** A contender whose runs take longer than this is measured by its best of two runs. */
  readonly slowRunMs: number;
}

/**
 * Defaults sized so a scenario with four contenders takes about 1.5 seconds.
 *
 * @example
 * measure(scenario, DEFAULT_TIMING);
 */
export const DEFAULT_TIMING: TimingOptions = {
  warmupMs: 100,
  rounds: 15,
  sampleMs: 15,
  slowRunMs: 400,
};

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Median of a non-empty list.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function sample(contender: Contender, iterations: number): { ms: number; checksum: number } {
  let checksum = 0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) checksum = contender.run();
  return { ms: (performance.now() - start) / iterations, checksum };
}

/**
 * Measures every contender of a scenario, interleaved, and returns one row per contender.
 *
 * @example
 * const table = measure({ name: 'split', bytes: 1e6, contenders: [{ name: 'a', run: () => 1 }] });
 * console.log(formatTable(table));
 */
export function measure(scenario: Scenario, timing: TimingOptions = DEFAULT_TIMING): ResultTable {
  const active = scenario.contenders.filter((c) => !c.skip);
  const iterations = new Map<Contender, number>();
  const samples = new Map<Contender, number[]>();
  const checksums = new Map<Contender, number>();
  const notes: string[] = [];

  // Garbage of an earlier scenario is collected now, not on this one's time. (Not between
  // samples: right after a full collection V8 runs allocation-heavy code several times slower,
  // which would bill whichever contender comes next.)
  gc?.();
  // Warm-up doubles as calibration: how many runs fill one sample.
  for (const contender of active) {
    let runs = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      checksums.set(contender, contender.run());
      runs++;
      elapsed = performance.now() - start;
    } while (elapsed < timing.warmupMs);
    let perRun = elapsed / runs;
    if (perRun >= timing.slowRunMs) {
      // A second run tells a hiccup from a contender too slow to repeat within the time budget,
      // whose best run is then its figure.
      const again = performance.now();
      checksums.set(contender, contender.run());
      perRun = performance.now() - again;
      if (perRun >= timing.slowRunMs) {
        const best = Math.min(elapsed, perRun);
        samples.set(contender, [best]);
        notes.push(`${contender.name} was measured by its best of 2 runs, ${Math.round(best)} ms`);
        continue;
      }
    }
    iterations.set(contender, Math.max(1, Math.round(timing.sampleMs / perRun)));
    samples.set(contender, []);
  }

  const repeated = active.filter((c) => iterations.has(c));
  // The warm-up's garbage (a slow contender can leave a lot) is not the rounds' to collect.
  gc?.();
  for (let round = 0; round < timing.rounds; round++) {
    for (let k = 0; k < repeated.length; k++) {
      const contender = repeated[(k + round) % repeated.length]!;
      const { ms, checksum } = sample(contender, iterations.get(contender)!);
      samples.get(contender)!.push(ms);
      checksums.set(contender, checksum);
    }
  }

  const checked = active.filter((c) => !scenario.unchecked?.includes(c.name));
  const reference = checked[0];
  for (const contender of checked) {
    if (reference && checksums.get(contender) !== checksums.get(reference)) {
      notes.push(
        `checksum mismatch: ${contender.name} gave ${checksums.get(contender)}, ${reference.name} gave ${checksums.get(reference)}`,
      );
    }
  }

  const medians = new Map(active.map((c) => [c, median(samples.get(c)!)]));
  const baseline = active.find((c) => c.name === scenario.baseline);
  // Samples of one round ran side by side, so their ratio cancels load that comes and goes
  // (a shared machine); the median of those paired ratios is the figure.
  const speedup = (contender: Contender): number | null => {
    if (!baseline) return null;
    const ours = samples.get(contender)!;
    const theirs = samples.get(baseline)!;
    if (ours.length !== theirs.length || ours.length < 2) {
      return medians.get(baseline)! / medians.get(contender)!;
    }
    return median(ours.map((ms, i) => theirs[i]! / ms));
  };
  const columns = ['contender', 'ms/run'];
  if (scenario.bytes) columns.push('MB/s');
  if (scenario.events) columns.push('events/s');
  if (scenario.baseline) columns.push(`vs ${scenario.baseline}`);

  const rows = scenario.contenders.map((contender) => {
    const ms = medians.get(contender);
    const row: Record<string, string | number | null> = { contender: contender.name };
    if (ms === undefined) {
      for (const column of columns.slice(1)) row[column] = null;
      notes.push(`${contender.name} skipped: ${contender.skip}`);
      return row;
    }
    row['ms/run'] = round(ms, 3);
    if (scenario.bytes) row['MB/s'] = round(scenario.bytes / 1e6 / (ms / 1000), 1);
    if (scenario.events) row['events/s'] = Math.round(scenario.events / (ms / 1000));
    if (scenario.baseline) {
      const ratio = speedup(contender);
      row[`vs ${scenario.baseline}`] = ratio === null ? null : round(ratio, 2);
    }
    return row;
  });
  return { title: scenario.name, columns, rows, notes };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Renders a result table as markdown (`null` cells show as `—`, ratios as `1.23×`).
 *
 * @example
 * console.log(formatTable({ title: 't', columns: ['a'], rows: [{ a: 1 }] }));
 */
export function formatTable(table: ResultTable): string {
  const cell = (column: string, value: string | number | null | undefined): string => {
    if (value === null || value === undefined) return '—';
    if (typeof value === 'number') {
      const text = value.toLocaleString('en-US', { maximumFractionDigits: 3 });
      return column.startsWith('vs ') ? `${text}×` : text;
    }
    return value;
  };
  const lines = [
    `### ${table.title}`,
    '',
    `| ${table.columns.join(' | ')} |`,
    `| ${table.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${table.columns.map((c) => cell(c, row[c])).join(' | ')} |`),
  ];
  for (const note of table.notes ?? []) lines.push('', `> ${note}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A group of scenarios `bench/run.ts` can run; adding one to the run is one line there.
 *
 * @example
 * export const fanOutBench: BenchModule = { name: 'fan-out', run: (report) => [] };
 */
export interface BenchModule {
  readonly name: string;
  /** Runs the scenarios, printing each table as it completes, and returns them all. */
  run(report: (table: ResultTable) => void): ResultTable[] | Promise<ResultTable[]>;
}
