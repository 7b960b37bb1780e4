/**
 * Runs every bench module, prints each table as markdown, and writes `bench/results.json`.
 *
 * `pnpm bench` runs them all; `pnpm bench parser` (any substring of module names) runs some;
 * `BENCH_FILTER=<text>` keeps only the scenarios whose title contains the text.
 */
import { rename, writeFile } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { churnBench } from './churn';
import { fanOutBench } from './fanout';
import { type BenchModule, formatTable, type ResultTable } from './harness';
import { memoryBench } from './memory';
import { parserBench } from './parser';
import { rendersBench } from './renders';
import { serverBench } from './server';
import { serverRedisBench } from './server-redis';
import { sizeBench } from './size';

// Adding a bench is one line here.
const modules: readonly BenchModule[] = [
  parserBench,
  fanOutBench,
  memoryBench,
  rendersBench,
  churnBench,
  sizeBench,
  serverBench,
  serverRedisBench,
];

const wanted = process.argv.slice(2);
const selected = wanted.length
  ? modules.filter((m) => wanted.some((name) => m.name.includes(name)))
  : modules;
if (!(globalThis as { gc?: unknown }).gc) {
  console.warn('Run with node --expose-gc so the harness can collect garbage between samples.');
}

const results: Record<string, ResultTable[]> = {};
const started = performance.now();
for (const module of selected) {
  console.log(`## ${module.name}\n`);
  const moduleStart = performance.now();
  results[module.name] = await module.run((table) => console.log(formatTable(table)));
  console.log(`_${module.name}: ${((performance.now() - moduleStart) / 1000).toFixed(1)} s_\n`);
}

const file = new URL('./results.json', import.meta.url);
const temporary = new URL('./results.json.tmp', import.meta.url);
const report = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${arch()}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  results,
};
// Written whole then renamed, so an interrupted run never leaves a truncated file.
await writeFile(temporary, `${JSON.stringify(report, null, 2)}\n`);
await rename(temporary, file);
console.log(`Wrote ${file.pathname}`);
