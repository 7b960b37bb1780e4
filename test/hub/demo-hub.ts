/**
 * A hub on node:http for tests that cannot reach the hub directly (Chromium): streams at
 * `/events?topic=…`, and control routes to publish and to drop every open stream.
 *
 *   POST /publish?topic=t            body: data text              → the event's id
 *   POST /drop-and-publish?topic=t&count=n  drops, then publishes `n` events before any reconnect
 *   GET  /stats                       hub.stats() as JSON
 *
 * `/small/…` is the same on a hub whose log keeps 5 events, to trim cursors on purpose.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHub, memoryLog } from '../../packages/server/src/index';

/** A running test hub server. */
export interface HubServer {
  readonly url: string;
  close(): Promise<void>;
}

const body = async (req: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
};

/**
 * Starts the test hub server on 127.0.0.1 and a random port.
 *
 * @example
 * const { url, close } = await startHubServer();
 */
export async function startHubServer(): Promise<HubServer> {
  const hubs = {
    '': createHub({ retryMs: 50, log: memoryLog({ maxEvents: 1000 }) }),
    '/small': createHub({ retryMs: 50, log: memoryLog({ maxEvents: 5 }) }),
  };
  const sockets = new Set<Socket>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Last-Event-ID');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const small = url.pathname.startsWith('/small/');
    const hub = small ? hubs['/small'] : hubs[''];
    const route = small ? url.pathname.slice('/small'.length) : url.pathname;
    const topic = url.searchParams.get('topic') ?? '';
    if (route === '/events')
      return hub.handle(req, res, { topics: url.searchParams.getAll('topic') });
    if (route === '/publish') return void res.end(await hub.publish(topic, await body(req)));
    if (route === '/drop-and-publish') {
      for (const socket of sockets) if (socket !== req.socket) socket.destroy();
      const ids: string[] = [];
      const count = Number(url.searchParams.get('count') ?? '1');
      for (let n = 1; n <= count; n++) ids.push(await hub.publish(topic, `dropped${n}`));
      return void res.end(JSON.stringify(ids));
    }
    if (route === '/stats') return void res.end(JSON.stringify(hub.stats()));
    res.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(Object.values(hubs).map((hub) => hub.close()));
    },
  };
}
