/**
 * A real SSE server for the test suites: Node `http` on 127.0.0.1, random port, no compression.
 *
 * Browser tests cannot call Node functions, so every behaviour is chosen by the URL and every
 * statistic is readable over HTTP.
 *
 * Routes
 * - `GET /`                  a tiny empty HTML page (a same-origin home for browser pages).
 * - `ANY /sse/<channel>?…`   an SSE stream, shaped by the knobs below.
 * - `GET /stats/<channel>`   JSON {@link ChannelStats} (CORS `*`).
 * - `POST /reset`            forgets every channel (CORS `*`).
 * - `OPTIONS *`              always answers a CORS preflight (echoes the Origin, allows credentials
 *                            and the `Last-Event-ID`, `Authorization`, `Cache-Control`,
 *                            `Content-Type` request headers), since browser test pages live on
 *                            another origin.
 *
 * The event log. Each channel's log is the events `1..count`, generated deterministically:
 * event `n` has id `"n"`, type `types[(n - 1) % types.length]` and data
 * `{"n":n,"channel":"<channel>"}`, the same every time for the same knobs. A connection replays the
 * log after its last event id (the `Last-Event-ID` header, else the `lastEventId` query parameter;
 * the header wins because a browser resuming on its own sends the header while the query stays
 * from the first URL), so a resumed stream has neither duplicated nor missing ids.
 *
 * Knobs (query parameters of `/sse/<channel>`)
 * - `count=N`         length of the log (default 3, `inf` = endless, needs `interval`); then the
 *                     connection stays open and idle, unless `end=1` closes it.
 * - `type=a`          event type (default `message`, sent without an `event:` line);
 *   `types=a,b`       rotates through several types.
 * - `interval=MS`     delay between events (default 0: all at once).
 * - `retry=MS`        sends `retry: MS` first.
 * - `heartbeat=MS`    sends a `: ping` comment every MS;
 *   `announce=MS`     first sends `: heartbeat MS` (the `@ssekit/server` announcement), and
 *                     heartbeats are then that same comment.
 * - `reset=REASON`    first sends one `ssekit:reset` event (`{"reason":"REASON"}`, id = `count`).
 * - `dropAfter=N`     closes the socket after N events on this connection (a network drop);
 * - `dropMidEvent=N`  sends N whole events, then half of the next one, then destroys the socket;
 *   `dropTimes=N`     drop only the first N connections of the channel (default: every one).
 * - `status=CODE`     answers that status instead of a stream (204 has no body);
 *   `retryAfter=V`    with a `Retry-After: V` header;
 *   `failTimes=N`     fails only the first N connections of the channel, then streams normally.
 * - `contentType=T`   streams with this Content-Type instead of `text/event-stream`.
 * - `stall=1`         sends the headers, then nothing.
 * - `hang=1`          never answers: no status line, no headers (a dead upstream or a buffering
 *                     proxy, as the client sees it).
 * - `drip=1`          writes the stream one byte per write.
 * - `oversized=B`     pads event 1's data to B bytes (still valid JSON).
 * - `invalidJson=N`   event N's data is not valid JSON.
 * - `cors=*`          `Access-Control-Allow-Origin: *`;
 *   `cors=credentials` echoes the Origin and sends `Access-Control-Allow-Credentials: true`.
 *
 * Every request to `/sse/<channel>` is recorded (method, body, Last-Event-ID, Authorization, …):
 * it is a test server, so tests may assert on header values.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server saw of one request to `/sse/<channel>`. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query as requested. */
  readonly url: string;
  /** The id the stream resumed from ('' when fresh): header first, then query. */
  readonly lastEventId: string;
  readonly lastEventIdHeader: string | null;
  readonly lastEventIdQuery: string | null;
  readonly accept: string | null;
  readonly cacheControl: string | null;
  readonly contentType: string | null;
  readonly authorization: string | null;
  readonly origin: string | null;
  readonly hasCookie: boolean;
  readonly body: string;
  /** The HTTP status answered. */
  readonly status: number;
}

/** Per-channel accounting, as served by `GET /stats/<channel>`. */
export interface ChannelStats {
  /** Requests to `/sse/<channel>` (preflights excluded). */
  readonly connections: number;
  /** CORS preflights (`OPTIONS`) of `/sse/<channel>`. */
  readonly preflights: number;
  /** Streams currently open. */
  readonly open: number;
  /** Streams whose socket has closed, for whatever reason. */
  readonly closed: number;
  /** Connections answered with `status` (see `failTimes`). */
  readonly failures: number;
  /** Connections dropped on purpose (`dropAfter`, `dropMidEvent`). */
  readonly drops: number;
  /** Whole events written, over all connections. */
  readonly eventsSent: number;
  /** The resumed-from id of each connection, in order ('' when fresh). */
  readonly lastEventIds: readonly string[];
  readonly requests: readonly RecordedRequest[];
}

/** Options of {@link startSSEServer}. */
export interface SSEServerOptions {
  /** Default 0: a random free port. */
  readonly port?: number;
}

/** A running test server. */
export interface SSEServer {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Accounting for one channel (zeros for a channel never used). */
  stats(channel: string): ChannelStats;
  /** Forget every channel. */
  reset(): void;
  /** Destroy every socket and stop listening. */
  close(): Promise<void>;
}

interface Channel {
  connections: number;
  preflights: number;
  open: number;
  closed: number;
  failures: number;
  drops: number;
  eventsSent: number;
  lastEventIds: string[];
  requests: RecordedRequest[];
}

// Bounds that keep a typo in a URL from turning into a runaway loop or a huge allocation.
const MAX_COUNT = 100_000;
const MAX_OVERSIZED = 16 * 1024 * 1024;
const MAX_BODY = 1024 * 1024;

/**
 * Starts the test SSE server on 127.0.0.1 and a random port.
 *
 * @example
 * const server = await startSSEServer();
 * const res = await fetch(`${server.url}/sse/demo?count=2&end=1`);
 * await server.close();
 */
export async function startSSEServer(options: SSEServerOptions = {}): Promise<SSEServer> {
  const channels = new Map<string, Channel>();
  const sockets = new Set<Socket>();

  const emptyChannel = (): Channel => ({
    connections: 0,
    preflights: 0,
    open: 0,
    closed: 0,
    failures: 0,
    drops: 0,
    eventsSent: 0,
    lastEventIds: [],
    requests: [],
  });

  const channelOf = (name: string): Channel => {
    let channel = channels.get(name);
    if (!channel) {
      channel = emptyChannel();
      channels.set(name, channel);
    }
    return channel;
  };

  const snapshot = (name: string): ChannelStats => {
    const c = channels.get(name) ?? emptyChannel();
    return { ...c, lastEventIds: [...c.lastEventIds], requests: [...c.requests] };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the test server must be loud, not a hung test.
      console.error('[sse-server]', error);
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });

  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;

    if (req.method === 'OPTIONS') {
      if (path.startsWith('/sse/'))
        channelOf(decodeURIComponent(path.slice('/sse/'.length))).preflights++;
      preflight(req, res);
      return;
    }
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><html><head><title>sse test server</title></head><body></body></html>',
      );
      return;
    }
    if (path.startsWith('/stats/')) {
      const name = decodeURIComponent(path.slice('/stats/'.length));
      json(res, snapshot(name));
      return;
    }
    if (path === '/reset') {
      channels.clear();
      json(res, { ok: true });
      return;
    }
    if (path.startsWith('/sse/')) {
      const name = decodeURIComponent(path.slice('/sse/'.length));
      await sse(req, res, url, name);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*' });
    res.end(`no route for ${path}: use /, /sse/<channel>, /stats/<channel> or /reset`);
  }

  async function sse(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
  ): Promise<void> {
    const q = url.searchParams;
    const body = await readBody(req);
    const channel = channelOf(name);
    channel.connections++;

    const header = (h: string): string | null => {
      const v = req.headers[h];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    };
    const lastEventIdHeader = header('last-event-id');
    const lastEventIdQuery = q.get('lastEventId');
    const lastEventId = lastEventIdHeader || lastEventIdQuery || '';

    const cors = corsHeaders(q.get('cors'), header('origin'));

    const failStatus = int(q.get('status'));
    const failTimes = int(q.get('failTimes'));
    const fails =
      failStatus !== undefined && (failTimes === undefined || channel.failures < failTimes);
    const status = fails ? failStatus : 200;

    channel.lastEventIds.push(lastEventId);
    channel.requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '',
      lastEventId,
      lastEventIdHeader,
      lastEventIdQuery,
      accept: header('accept'),
      cacheControl: header('cache-control'),
      contentType: header('content-type'),
      authorization: header('authorization'),
      origin: header('origin'),
      hasCookie: header('cookie') !== null,
      body,
      status,
    });

    if (q.get('hang') === '1') {
      // Held until the client gives up; the socket closes with the server.
      return;
    }

    if (fails) {
      channel.failures++;
      const headers: Record<string, string> = { ...cors };
      const retryAfter = q.get('retryAfter');
      if (retryAfter !== null) headers['Retry-After'] = retryAfter;
      if (status === 204) {
        res.writeHead(204, headers).end();
      } else {
        headers['Content-Type'] = 'text/plain; charset=utf-8';
        res.writeHead(status, headers).end(`test server: status=${status} requested`);
      }
      return;
    }

    res.writeHead(200, {
      ...cors,
      'Content-Type': q.get('contentType') ?? 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.flushHeaders();

    channel.open++;
    const controller = new AbortController();
    const { signal } = controller;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    res.on('close', () => {
      channel.open--;
      channel.closed++;
      controller.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    });

    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve();
        const done = (): void => {
          clearTimeout(t);
          timers.delete(t);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const t = setTimeout(done, ms);
        timers.add(t);
        signal.addEventListener('abort', done, { once: true });
      });

    const drip = q.get('drip') === '1';
    // Writes are queued so a heartbeat never lands inside a half-written (dripping) event.
    let queue: Promise<void> = Promise.resolve();
    const write = (text: string): Promise<void> => {
      queue = queue.then(async () => {
        if (signal.aborted) return;
        if (!drip) {
          if (!res.write(text)) await waitDrain(res, signal);
          return;
        }
        const bytes = Buffer.from(text, 'utf8');
        for (let i = 0; i < bytes.length && !signal.aborted; i++) {
          res.write(bytes.subarray(i, i + 1));
          // One byte per macrotask, so the bytes leave in separate TCP segments.
          await new Promise<void>((r) => setImmediate(r));
        }
      });
      return queue;
    };

    const announce = int(q.get('announce'));
    const ping = announce !== undefined ? `: heartbeat ${announce}\n\n` : ': ping\n\n';
    if (announce !== undefined) await write(ping);
    const heartbeat = int(q.get('heartbeat'));
    if (heartbeat !== undefined && heartbeat > 0) {
      const beat = (): void => {
        const t = setTimeout(() => {
          timers.delete(t);
          void write(ping).then(() => {
            if (!signal.aborted) beat();
          });
        }, heartbeat);
        timers.add(t);
      };
      beat();
    }

    const retry = q.get('retry');
    if (retry !== null) await write(`retry: ${retry}\n\n`);
    if (q.get('stall') === '1') return;

    const interval = int(q.get('interval')) ?? 0;
    const countParam = q.get('count');
    const count =
      countParam === 'inf' && interval > 0 ? MAX_COUNT : Math.min(int(countParam) ?? 3, MAX_COUNT);
    const reset = q.get('reset');
    if (reset !== null) {
      await write(
        `event: ssekit:reset\nid: ${count}\ndata: ${JSON.stringify({ reason: reset })}\n\n`,
      );
    }
    const types = (q.get('types') ?? q.get('type') ?? 'message').split(',');
    const oversized = Math.min(int(q.get('oversized')) ?? 0, MAX_OVERSIZED);
    const invalidJson = int(q.get('invalidJson'));
    const dropAfter = int(q.get('dropAfter'));
    const dropMidEvent = int(q.get('dropMidEvent'));
    const dropTimes = int(q.get('dropTimes'));
    const mayDrop = dropTimes === undefined || channel.drops < dropTimes;

    const frame = (n: number): string => {
      const type = types[(n - 1) % types.length] ?? 'message';
      let data = JSON.stringify({ n, channel: name });
      if (n === 1 && oversized > data.length) {
        const pad = oversized - data.length - ',"pad":""'.length;
        data = JSON.stringify({ n, channel: name, pad: 'x'.repeat(Math.max(0, pad)) });
      }
      if (n === invalidJson) data = `{"n":${n},invalid json`;
      return `${type === 'message' ? '' : `event: ${type}\n`}id: ${n}\ndata: ${data}\n\n`;
    };

    // A FIN, not a reset: a reset makes the client discard bytes it has not read yet, so the
    // events written just before the drop would vanish instead of arriving and then breaking off.
    const drop = (): void => {
      channel.drops++;
      const socket = res.socket;
      socket?.end();
      const t = setTimeout(() => socket?.destroy(), 1000);
      t.unref();
    };

    // After a reset the stream continues live from the head: nothing of the log is replayed.
    const start = reset !== null ? count : /^\d+$/.test(lastEventId) ? Number(lastEventId) : 0;
    let sentHere = 0;
    for (let n = start + 1; n <= count; n++) {
      if (n > start + 1 && interval > 0) await sleep(interval);
      if (signal.aborted) return;
      const text = frame(n);
      if (mayDrop && dropMidEvent !== undefined && sentHere === dropMidEvent) {
        await write(text.slice(0, Math.floor(text.length / 2)));
        await queue;
        drop();
        return;
      }
      await write(text);
      if (signal.aborted) return;
      sentHere++;
      channel.eventsSent++;
      if (mayDrop && dropAfter !== undefined && sentHere >= dropAfter) {
        drop();
        return;
      }
    }
    if (q.get('end') === '1') {
      await queue;
      res.end();
    }
  }

  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats: snapshot,
    reset: () => channels.clear(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function int(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

function corsHeaders(mode: string | null, origin: string | null): Record<string, string> {
  const expose = { 'Access-Control-Expose-Headers': 'Retry-After, Content-Type' };
  if (mode === '*') return { 'Access-Control-Allow-Origin': '*', ...expose };
  if (mode === 'credentials' && origin) {
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      Vary: 'Origin',
      ...expose,
    };
  }
  return {};
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.writeHead(204, {
    'Access-Control-Allow-Origin': origin ?? '*',
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': 'Last-Event-ID, Authorization, Cache-Control, Content-Type',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  });
  res.end();
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Access-Control-Allow-Origin': '*',
  });
  res.end(JSON.stringify(value));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) break;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function waitDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    if (signal.aborted) return resolve();
    res.on('drain', done);
    res.on('close', done);
  });
}
