/**
 * The hub on Redis (`@ssekit/server/redis`): a real redis-server on a random port, three hub
 * instances as separate processes (test/cluster/instance.ts), and the raw SSE clients of
 * bench/server/clients-child.ts in another process, connected straight to the instances (a
 * third each). Printed, never asserted.
 *
 * - publish: events/s into the log, one at a time (each awaited) and pipelined (100 in flight);
 * - fan-out: event writes per second end to end, 999 connections over 3 instances;
 * - latency: publish-to-receive p50/p99 at 999 connections × 10 events/s for 3 s;
 * - Redis connections the instances hold (CLIENT LIST) as their SSE connections grow.
 */
import { redisLog } from '../packages/server/src/redis';
import { type Instance, startInstance } from '../test/cluster/support';
import { freePort, startRedis } from '../test/support/redis';
import type { BenchModule, ResultTable } from './harness';
import { type Child, spawn } from './server/child';
import { type ClientCommand, wallNow } from './server/protocol';

const CONNECTIONS = [0, 999, 3_000];
const FANOUT_EVENTS = 200;
const PUBLISH_EVENTS = 20_000;

function startClients(): Child<ClientCommand> {
  return spawn<ClientCommand>('clients-child.ts');
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `pnpm bench server`: the Redis rows. */
export const serverRedisBench: BenchModule = {
  name: 'server-redis',
  async run(report) {
    const redis = await startRedis();
    const tables: ResultTable[] = [];
    const log = redisLog({ url: redis.url, maxLen: 10_000 });
    let instances: Instance[] = [];
    let clients: Child<ClientCommand> | undefined;
    try {
      // ---- publish throughput ----
      const data = JSON.stringify({ t: 0, payload: 'x'.repeat(100) });
      await log.append('warm', undefined, data);
      let started = performance.now();
      for (let i = 0; i < PUBLISH_EVENTS / 10; i++) await log.append('bench', 'e', data);
      const sequential = PUBLISH_EVENTS / 10 / ((performance.now() - started) / 1000);
      started = performance.now();
      for (let i = 0; i < PUBLISH_EVENTS; i += 100) {
        await Promise.all(Array.from({ length: 100 }, () => log.append('bench', 'e', data)));
      }
      const pipelined = PUBLISH_EVENTS / ((performance.now() - started) / 1000);
      const publishTable: ResultTable = {
        title: 'Redis log: publish throughput (events/s into the log, 130-byte events)',
        columns: ['mode', 'events/s'],
        rows: [
          { mode: 'one at a time (each awaited)', 'events/s': Math.round(sequential) },
          { mode: 'pipelined, 100 in flight', 'events/s': Math.round(pipelined) },
        ],
        notes: [
          'One Lua script per event: INCR offset, HINCRBY seq, XADD MAXLEN ~, PUBLISH.',
          'Measured from one process whose own log subscriber hears every PUBLISH; no instances yet.',
        ],
      };
      report(publishTable);
      tables.push(publishTable);

      // ---- three instances, clients spread over them ----
      const ports = await Promise.all([freePort(), freePort(), freePort()]);
      instances = await Promise.all(
        ports.map((port) => startInstance(port, { redisUrl: redis.url })),
      );
      const c = startClients();
      clients = c;
      // Everything connected but this process's own log (its two connections).
      const redisConnections = async (): Promise<number> => (await redis.clients()) - 2;
      const open = async (n: number): Promise<void> => {
        for (const port of ports) {
          c.send({ cmd: 'open', port, path: '/events?topic=bench-live', n: n / 3 });
          await c.next('opened');
        }
      };
      const connectionsRows: Record<string, string | number>[] = [];
      let opened = 0;
      let fanoutRow: Record<string, string | number> | undefined;
      let latencyRow: Record<string, string | number> | undefined;
      for (const target of CONNECTIONS) {
        await open(target - opened);
        opened = target;
        await sleep(200);
        const held = await redisConnections();
        connectionsRows.push({
          'SSE connections': target,
          'Redis connections (3 instances)': held,
          'per instance': Math.round((held / 3) * 10) / 10,
        });
        if (target !== 999) continue;

        // Fan-out: FANOUT_EVENTS published pipelined; until every client has every one.
        c.send({ cmd: 'expect', events: FANOUT_EVENTS, latency: false });
        await c.next('armed');
        const startedAt = wallNow();
        await Promise.all(
          Array.from({ length: FANOUT_EVENTS }, () => log.append('bench-live', undefined, data)),
        );
        const received = await c.next('received');
        const seconds = (received.doneAt - startedAt) / 1000;
        fanoutRow = {
          connections: target,
          events: FANOUT_EVENTS,
          'writes/s end to end': Math.round((target * FANOUT_EVENTS) / seconds),
        };

        // Latency: 10 events/s for 3 s, the send time in each event.
        c.send({ cmd: 'expect', events: 30, latency: true });
        await c.next('armed');
        for (let i = 0; i < 30; i++) {
          await log.append('bench-live', undefined, JSON.stringify({ t: wallNow() }));
          await sleep(100);
        }
        const { latencies } = await c.next('received');
        latencies.sort((a, b) => a - b);
        latencyRow = {
          connections: target,
          'p50 ms': Math.round(percentile(latencies, 50) * 100) / 100,
          'p99 ms': Math.round(percentile(latencies, 99) * 100) / 100,
          'max ms': Math.round((latencies.at(-1) ?? Number.NaN) * 100) / 100,
        };
      }
      const fanoutTable: ResultTable = {
        title: 'Redis log: fan-out, 999 connections over 3 instances',
        columns: ['connections', 'events', 'writes/s end to end'],
        rows: fanoutRow ? [fanoutRow] : [],
        notes: ['From the first append until every client read every event.'],
      };
      const latencyTable: ResultTable = {
        title: 'Redis log: publish-to-receive latency, 999 connections × 10 events/s',
        columns: ['connections', 'p50 ms', 'p99 ms', 'max ms'],
        rows: latencyRow ? [latencyRow] : [],
        notes: ['append → Redis → pub/sub → instance → socket → client, all on one machine.'],
      };
      const connectionsTable: ResultTable = {
        title: 'Redis connections held by the instances (CLIENT LIST) as SSE connections grow',
        columns: ['SSE connections', 'Redis connections (3 instances)', 'per instance'],
        rows: connectionsRows,
        notes: ['Two per instance (commands + one subscriber), whatever the number of clients.'],
      };
      for (const table of [fanoutTable, latencyTable, connectionsTable]) {
        report(table);
        tables.push(table);
      }
    } finally {
      await clients?.exit();
      await Promise.all(instances.map((instance) => instance.kill('SIGKILL')));
      await log.close();
      await redis.close();
    }
    return tables;
  },
};
