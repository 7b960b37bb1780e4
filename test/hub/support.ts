/**
 * Real servers for the hub tests: node:http and Hono's node adapter on 127.0.0.1, with the
 * server-side sockets at hand so tests can drop them; and a raw stream reader for wire checks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { createEventStreamParser } from '@ssekit/core/fetch';
import type { Hub } from '@ssekit/server';
import { Hono } from 'hono';

/** A running server in front of a hub. */
export interface Served {
  /** `http://127.0.0.1:<port>/events`: add `?topic=a&topic=b`. */
  readonly url: string;
  /** Destroys every server-side socket: a forced drop. */
  drop(): void;
  /** Open server-side sockets. */
  readonly sockets: Set<Socket>;
  /** Sockets accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/** Which adapter serves the hub. */
export type Flavour = 'node:http' | 'hono';

const topicsOf = (url: string): string[] =>
  new URL(url, 'http://localhost').searchParams.getAll('topic');

function track(server: Server, port: number): Served {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    url: `http://127.0.0.1:${port}/events`,
    sockets,
    accepted: () => accepted,
    drop: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Serves `hub` on a random port with the adapter asked for.
 *
 * @example
 * const served = await serveHub(hub, 'hono');
 */
export async function serveHub(hub: Hub, flavour: Flavour): Promise<Served> {
  if (flavour === 'node:http') {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      void hub.handle(req, res, { topics: topicsOf(req.url ?? '/') });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return track(server, (server.address() as AddressInfo).port);
  }
  const app = new Hono();
  app.get('/events', (c) => hub.response(c.req.raw, { topics: c.req.queries('topic') ?? [] }));
  let port = 0;
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      port = info.port;
      resolve(s as Server);
    });
  });
  return track(server, port);
}

/** What a raw reader saw. */
export interface RawStream {
  readonly status: number;
  readonly headers: Headers;
  /** Every byte so far, decoded. */
  text: string;
  readonly events: Array<{ type: string; data: string; id: string }>;
  readonly comments: string[];
  close(): void;
}

/**
 * Opens one stream with fetch and records its bytes, events and comments.
 *
 * @example
 * const stream = await openRaw(`${url}?topic=a`, { 'Last-Event-ID': id });
 */
export async function openRaw(
  url: string,
  headers: Record<string, string> = {},
): Promise<RawStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const raw: RawStream = {
    status: response.status,
    headers: response.headers,
    text: '',
    events: [],
    comments: [],
    close: () => abort.abort(),
  };
  const parser = createEventStreamParser({
    onEvent: (event) =>
      raw.events.push({ type: event.type, data: event.data, id: event.lastEventId }),
    onComment: (text) => raw.comments.push(text),
  });
  if (response.body) {
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          raw.text += decoder.decode(chunk, { stream: true });
          parser.feed(chunk);
        }
      } catch {
        // Aborted by the test or dropped by the server.
      }
    })();
  }
  return raw;
}
