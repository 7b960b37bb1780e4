/**
 * A bench server process: one of a bare node:http SSE server, an @ssekit/server hub, or a
 * better-sse channel, on 127.0.0.1. Driven over IPC by bench/server.ts.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannel, createSession } from 'better-sse';
import { createHub } from '../../packages/server/src/index';
import { type Reply, type ServerCommand, type ServerKind, wallNow } from './protocol';

const kind = process.argv[2] as ServerKind;
const send = (reply: Reply): void => {
  process.send?.(reply);
};
const gc = (globalThis as { gc?: () => void }).gc;

let connections: () => number;
let broadcast: (data: { n: number; t: number; pad: string }) => unknown;

const headers = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
};

let handler: Parameters<typeof createServer>[1];
if (kind === 'node:http') {
  // What people write by hand: a Set of responses, one formatted buffer written to each.
  const clients = new Set<ServerResponse>();
  handler = (req, res) => {
    res.writeHead(200, headers);
    res.write(': ok\n\n');
    clients.add(res);
    req.once('close', () => clients.delete(res));
  };
  connections = () => clients.size;
  broadcast = (data) => {
    const frame = Buffer.from(`data: ${JSON.stringify(data)}\n\n`);
    for (const res of clients) res.write(frame);
  };
} else if (kind === 'ssekit') {
  const hub = createHub();
  handler = (req, res) => void hub.handle(req, res, { topics: ['bench'] });
  connections = () => hub.stats().connections;
  broadcast = (data) => hub.publish('bench', data);
} else {
  const channel = createChannel();
  handler = async (req, res) => {
    const session = await createSession(req, res);
    channel.register(session);
  };
  connections = () => channel.sessionCount;
  broadcast = (data) => channel.broadcast(data, 'message');
}

const server = createServer(handler);
server.listen(0, '127.0.0.1', () => {
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
});

const pad = 'x'.repeat(60);
process.on('message', async (command: ServerCommand) => {
  if (command.cmd === 'memory') {
    for (let i = 0; i < 3; i++) {
      gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { heapUsed, rss } = process.memoryUsage();
    send({ type: 'memory', heap: heapUsed, rss, connections: connections() });
  } else if (command.cmd === 'fanout') {
    const startedAt = wallNow();
    const start = performance.now();
    for (let n = 0; n < command.events; n++) await broadcast({ n, t: wallNow(), pad });
    send({ type: 'sent', startedAt, ms: performance.now() - start });
  } else if (command.cmd === 'latency') {
    const startedAt = wallNow();
    const start = performance.now();
    const total = command.seconds * command.rate;
    for (let n = 0; n < total; n++) {
      // On a schedule, not back to back: each event's delay is its own.
      const due = start + (n * 1000) / command.rate;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      await broadcast({ n, t: wallNow(), pad });
    }
    send({ type: 'sent', startedAt, ms: performance.now() - start });
  } else {
    process.exit(0);
  }
});
