/**
 * The server half against what people use instead: a bare node:http SSE server (a Set of
 * responses, one buffer written to each) and better-sse's channel broadcast. Each server runs in
 * its own process and the 10 000 clients in yet another (a process may hold 20 000 open files
 * here), so heap and RSS are the server's alone. Printed, never asserted.
 *
 * - memory: heap and RSS per idle connection at 10 000 connections, after a collection;
 * - fan-out: event writes per second at 1 000 and 10 000 connections, server side (the time to
 *   publish or broadcast every event) and end to end (until every client read every event);
 * - latency: publish-to-receive p50/p99 at 1 000 connections × 10 events/s for 3 s.
 */
import { type BenchModule, formatTable, type ResultTable } from './harness';
import { spawn } from './server/child';
import type { ClientCommand, Reply, ServerCommand, ServerKind } from './server/protocol';

const KINDS: readonly ServerKind[] = ['node:http', 'ssekit', 'better-sse'];
const IDLE = 10_000;
const FEW = 1_000;

interface KindResult {
  kind: ServerKind;
  heapPerConnection: number;
  rssPerConnection: number;
  fanout: Array<{
    connections: number;
    events: number;
    serverPerSecond: number;
    endToEndPerSecond: number;
  }>;
  p50: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function measureKind(kind: ServerKind): Promise<KindResult> {
  const server = spawn<ServerCommand>('server-child.ts', [kind]);
  const { port } = await server.next('ready');
  const clients = spawn<ClientCommand>('clients-child.ts');
  const open = async (n: number): Promise<void> => {
    clients.send({ cmd: 'open', port, path: '/events', n });
    await clients.next('opened');
  };
  const memory = async (connections: number): Promise<Extract<Reply, { type: 'memory' }>> => {
    for (;;) {
      server.send({ cmd: 'memory' });
      const reply = await server.next('memory');
      if (reply.connections === connections) return reply;
    }
  };
  const fanoutOnce = async (
    connections: number,
    events: number,
  ): Promise<KindResult['fanout'][0]> => {
    clients.send({ cmd: 'expect', events, latency: false });
    await clients.next('armed');
    server.send({ cmd: 'fanout', events });
    const sent = await server.next('sent');
    const received = await clients.next('received');
    const writes = connections * events;
    return {
      connections,
      events,
      serverPerSecond: writes / (sent.ms / 1000),
      endToEndPerSecond: writes / ((received.doneAt - sent.startedAt) / 1000),
    };
  };

  // The median of three rounds: one round on a shared 2-core machine is mostly noise.
  const fanout = async (connections: number, events: number): Promise<KindResult['fanout'][0]> => {
    const rounds = [];
    for (let i = 0; i < 3; i++) rounds.push(await fanoutOnce(connections, events));
    rounds.sort((a, b) => a.serverPerSecond - b.serverPerSecond);
    return rounds[1]!;
  };

  // Warm up the code paths (and whatever each library allocates once), then start from zero.
  await open(200);
  await fanout(200, 100);
  clients.send({ cmd: 'close' });
  await clients.next('closed');
  const base = await memory(0);

  await open(FEW);
  const results: KindResult['fanout'] = [await fanout(FEW, 200)];
  clients.send({ cmd: 'expect', events: 30, latency: true });
  await clients.next('armed');
  server.send({ cmd: 'latency', seconds: 3, rate: 10 });
  await server.next('sent');
  const { latencies } = await clients.next('received');
  latencies.sort((a, b) => a - b);

  await open(IDLE - FEW);
  const loaded = await memory(IDLE);
  results.push(await fanout(IDLE, 30));
  await clients.exit();
  await server.exit();
  return {
    kind,
    heapPerConnection: (loaded.heap - base.heap) / IDLE,
    rssPerConnection: (loaded.rss - base.rss) / IDLE,
    fanout: results,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

/** `pnpm bench server`: the hub against a bare node:http server and better-sse 0.16. */
export const serverBench: BenchModule = {
  name: 'server',
  async run(report) {
    const results: KindResult[] = [];
    for (const kind of KINDS) results.push(await measureKind(kind));
    const bare = results.find((r) => r.kind === 'node:http')!;
    const betterSse = results.find((r) => r.kind === 'better-sse')!;
    const round = (n: number): number => Math.round(n);

    const memoryTable: ResultTable = {
      title: `Server memory: ${IDLE.toLocaleString('en-US')} idle connections (bytes per connection)`,
      columns: ['server', 'heap B', 'RSS B', 'vs node:http heap', 'vs node:http RSS'],
      rows: results.map((r) => ({
        server: r.kind,
        'heap B': round(r.heapPerConnection),
        'RSS B': round(r.rssPerConnection),
        'vs node:http heap': Math.round((r.heapPerConnection / bare.heapPerConnection) * 100) / 100,
        'vs node:http RSS': Math.round((r.rssPerConnection / bare.rssPerConnection) * 100) / 100,
      })),
      notes: [
        'Heap and RSS deltas of the server process after a collection, divided by the connections; the clients run in another process. Target for ssekit: within 1.2× of node:http.',
      ],
    };
    report(memoryTable);

    const fanoutTable: ResultTable = {
      title: 'Server fan-out: event writes per second (~100-byte JSON events)',
      columns: [
        'server',
        'connections',
        'events',
        'server writes/s',
        'end-to-end writes/s',
        'vs better-sse',
      ],
      rows: results.flatMap((r) =>
        r.fanout.map((f, i) => ({
          server: r.kind,
          connections: f.connections,
          events: f.events,
          'server writes/s': round(f.serverPerSecond),
          'end-to-end writes/s': round(f.endToEndPerSecond),
          'vs better-sse':
            Math.round((f.serverPerSecond / betterSse.fanout[i]!.serverPerSecond) * 100) / 100,
        })),
      ),
      notes: [
        'Server writes/s: connections × events over the time to publish (ssekit), broadcast (better-sse) or loop over the responses (node:http) every event; the median of three rounds, after a warm-up. End to end: until the client process has read every event on every connection (same round). Target for ssekit: ≥ 2× better-sse.',
      ],
    };
    report(fanoutTable);

    const latencyTable: ResultTable = {
      title: `Server latency: publish to receive, ${FEW.toLocaleString('en-US')} connections × 10 events/s for 3 s`,
      columns: ['server', 'p50 ms', 'p99 ms', 'max ms'],
      rows: results.map((r) => ({
        server: r.kind,
        'p50 ms': Math.round(r.p50 * 100) / 100,
        'p99 ms': Math.round(r.p99 * 100) / 100,
        'max ms': Math.round(r.max * 100) / 100,
      })),
      notes: [
        'From the send time in the event to its arrival in the client process, every event on every connection.',
      ],
    };
    report(latencyTable);
    return [memoryTable, fanoutTable, latencyTable];
  },
};

// Lets this module run alone: `node --expose-gc --import tsx bench/server.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  await serverBench.run((table) => console.log(formatTable(table)));
}
