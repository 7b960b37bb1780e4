import type { IncomingMessage, ServerResponse } from 'node:http';
// `.js` specifier: Storybook loads this file with Node, and its loader maps `.js` to `.ts`.
import { createHub } from '../../packages/server/src/index.js';
import { type DemoStreamDefinition, demoStreams } from './demoStreams.js';
import type {
  DemoControlAction,
  DemoControlRequest,
  DemoStats,
  DemoStreamName,
  DemoStreamStats,
} from './payloads.js';

/**
 * A Node `http` / connect middleware. It expects URLs relative to where it is mounted
 * (`/ticker`, not `/demo/ticker`), which is what `server.middlewares.use('/demo', …)` hands it.
 *
 * @example
 * const middleware: DemoMiddleware = createDemoServer().middleware;
 */
export type DemoMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Options of {@link createDemoServer}.
 *
 * @example
 * const options: DemoServerOptions = { heartbeatMs: 15_000, bufferSize: 200 };
 */
export interface DemoServerOptions {
  /** Comment lines that keep idle connections and proxies alive; default 15 000 ms. */
  readonly heartbeatMs?: number;
  /** Events kept per stream for `Last-Event-ID` replay; default 200. */
  readonly bufferSize?: number;
  /** The `retry:` the server asks clients to wait before reconnecting; default 1000 ms. */
  readonly retryMs?: number;
}

/**
 * A running demo server: mount `middleware`, read `stats()`, `close()` when done.
 *
 * @example
 * const demo: DemoServer = createDemoServer();
 * console.log(demo.stats().streams.ticker.open);
 */
export interface DemoServer {
  readonly middleware: DemoMiddleware;
  /** The same counters `GET /stats` serves. */
  stats(): DemoStats;
  /** Ends every open stream and clears every timer; later requests get 503. */
  close(): void;
}

interface LoggedEvent {
  readonly id: number;
  readonly frame: string;
}

interface LiveStream {
  readonly definition: DemoStreamDefinition;
  readonly clients: Set<ServerResponse>;
  /** Bounded: the last `bufferSize` events, for replay after Last-Event-ID. */
  log: LoggedEvent[];
  nextId: number;
  stepTimer: ReturnType<typeof setInterval> | undefined;
  heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  connections: number;
  refused: number;
  eventsSent: number;
  // Faults are deadlines and flags, not timers: nothing to clean up when a window ends.
  failUntil: number;
  silentUntil: number;
  stopNext: boolean;
  brokenJsonNext: boolean;
  brokenSchemaNext: boolean;
}

const CONTROL_ACTIONS: readonly DemoControlAction[] = [
  'drop',
  'fail',
  'silence',
  'stop',
  'invalid-json',
  'invalid-schema',
  'reset',
];
const DEFAULT_SECONDS: Partial<Record<DemoControlAction, number>> = { fail: 5, silence: 15 };
const MAX_SECONDS = 300;
const MAX_CONTROL_BODY = 4096;
// A client that stops reading must not make the server buffer without bound.
const MAX_PENDING_BYTES = 1024 * 1024;
const NOT_JSON = '{"broken": "this is not JSON';

const isStreamName = (name: string): name is DemoStreamName => Object.hasOwn(demoStreams, name);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function frameOf(id: number, type: string | undefined, data: string): string {
  return `${type && type !== 'message' ? `event: ${type}\n` : ''}id: ${id}\ndata: ${data}\n\n`;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Creates the demo SSE server behind the playground: real streams with ids, replay after
 * `Last-Event-ID`, heartbeats, per-stream counters and fault injection over HTTP.
 *
 * @example
 * const demo = createDemoServer();
 * viteServer.middlewares.use('/demo', demo.middleware);
 */
export function createDemoServer(options: DemoServerOptions = {}): DemoServer {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const bufferSize = options.bufferSize ?? 200;
  const retryMs = options.retryMs ?? 1000;
  let closed = false;

  // `/demo/replay` runs on @ssekit/server: ids are `<epoch>-<offset>` and a reconnect after a
  // drop gets exactly what it missed. `POST /demo/replay/drop` drops every replay stream and
  // publishes three events while the clients are away.
  const hub = createHub({ retryMs, heartbeatMs });
  const replayClients = new Set<ServerResponse>();
  let replayN = 0;
  let replayConnections = 0;
  let replaySent = 0;
  let replayTimer: ReturnType<typeof setInterval> | undefined;
  const publishReplay = (): Promise<string> => {
    replaySent += hub.stats().topics.replay?.connections ?? 0;
    return hub.publish('replay', { n: ++replayN, at: Date.now() }, { event: 'item' });
  };
  const serveReplay = (req: IncomingMessage, res: ServerResponse): void => {
    replayConnections++;
    replayClients.add(res);
    res.on('close', () => {
      replayClients.delete(res);
      // Events flow only while somebody listens (a dropped client is back within a second).
      if (replayClients.size === 0) {
        clearInterval(replayTimer);
        replayTimer = undefined;
      }
    });
    replayTimer ??= setInterval(() => void publishReplay(), 1000);
    void hub.handle(req, res, { topics: ['replay'] });
  };
  const dropReplay = async (res: ServerResponse): Promise<void> => {
    const dropped = replayClients.size;
    for (const client of [...replayClients]) client.destroy();
    const published = [await publishReplay(), await publishReplay(), await publishReplay()];
    sendJson(res, 200, { dropped, published });
  };

  const streams = new Map<DemoStreamName, LiveStream>();
  for (const name of Object.keys(demoStreams) as DemoStreamName[]) {
    streams.set(name, {
      definition: demoStreams[name](),
      clients: new Set(),
      log: [],
      nextId: 1,
      stepTimer: undefined,
      heartbeatTimer: undefined,
      connections: 0,
      refused: 0,
      eventsSent: 0,
      failUntil: 0,
      silentUntil: 0,
      stopNext: false,
      brokenJsonNext: false,
      brokenSchemaNext: false,
    });
  }

  const write = (res: ServerResponse, text: string): void => {
    if (res.writableLength > MAX_PENDING_BYTES) {
      res.destroy();
      return;
    }
    res.write(text);
  };

  const step = (stream: LiveStream): void => {
    if (Date.now() < stream.silentUntil) return;
    const events = stream.definition.next(stream.brokenSchemaNext, stream.nextId);
    if (events.length === 0) return;
    stream.brokenSchemaNext = false;
    for (const event of events) {
      const id = stream.nextId++;
      const data = stream.brokenJsonNext ? NOT_JSON : JSON.stringify(event.data);
      stream.brokenJsonNext = false;
      const frame = frameOf(id, event.type, data);
      stream.log.push({ id, frame });
      if (stream.log.length > bufferSize) stream.log = stream.log.slice(-bufferSize);
      for (const res of stream.clients) write(res, frame);
      stream.eventsSent += stream.clients.size;
    }
  };

  // Timers run only while somebody listens: the last close stops them.
  const startTimers = (stream: LiveStream): void => {
    stream.stepTimer ??= setInterval(() => step(stream), stream.definition.intervalMs);
    stream.heartbeatTimer ??= setInterval(() => {
      if (Date.now() < stream.silentUntil) return;
      for (const res of stream.clients) write(res, ': heartbeat\n\n');
    }, heartbeatMs);
  };
  const stopTimers = (stream: LiveStream): void => {
    clearInterval(stream.stepTimer);
    clearInterval(stream.heartbeatTimer);
    stream.stepTimer = undefined;
    stream.heartbeatTimer = undefined;
  };

  const serveStream = (req: IncomingMessage, res: ServerResponse, url: URL, stream: LiveStream) => {
    stream.connections++;
    const { bearerToken } = stream.definition;
    if (bearerToken && req.headers.authorization !== `Bearer ${bearerToken}`) {
      stream.refused++;
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendJson(res, 401, {
        error: `This stream needs the header "Authorization: Bearer ${bearerToken}".`,
      });
      return;
    }
    if (stream.stopNext) {
      stream.stopNext = false;
      stream.refused++;
      res.writeHead(204).end();
      return;
    }
    if (Date.now() < stream.failUntil) {
      stream.refused++;
      sendJson(res, 500, { error: 'Failing on purpose: POST /demo/control asked for it.' });
      return;
    }

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    // A small first write sends the headers now, and keeps compressing middleware (Storybook's dev
    // server has one, with a 1 KiB threshold decided on the first write) from buffering the stream.
    res.write(`retry: ${retryMs}\n\n`);

    // Resume after the client's last id (the header wins: a browser retrying on its own sends it,
    // while the query stays from the first URL). A fresh client gets only new events.
    const header = req.headers['last-event-id'];
    const resumeFrom =
      (Array.isArray(header) ? header[0] : header) || url.searchParams.get('lastEventId');
    if (resumeFrom && /^\d+$/.test(resumeFrom)) {
      const after = Number(resumeFrom);
      for (const event of stream.log) {
        if (event.id <= after) continue;
        write(res, event.frame);
        stream.eventsSent++;
      }
    }

    stream.clients.add(res);
    startTimers(stream);
    res.on('close', () => {
      stream.clients.delete(res);
      if (stream.clients.size === 0) stopTimers(stream);
    });
  };

  const control = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { error: 'POST a JSON body like {"action":"drop","stream":"chat"}.' });
      return;
    }
    const text = await readBody(req, MAX_CONTROL_BODY);
    let body: Partial<DemoControlRequest> | null = null;
    try {
      body = text === null ? null : (JSON.parse(text) as Partial<DemoControlRequest>);
    } catch {
      body = null;
    }
    const action = body?.action;
    if (!body || !action || !CONTROL_ACTIONS.includes(action)) {
      sendJson(res, 400, { error: `Send {"action": one of ${CONTROL_ACTIONS.join(', ')}}.` });
      return;
    }
    if (body.stream !== undefined && !isStreamName(body.stream)) {
      sendJson(res, 400, { error: `Unknown stream "${body.stream}": use ${[...streams.keys()]}.` });
      return;
    }
    if (body.seconds !== undefined && !(typeof body.seconds === 'number' && body.seconds >= 0)) {
      sendJson(res, 400, { error: '"seconds" must be a number ≥ 0.' });
      return;
    }
    const seconds = Math.min(MAX_SECONDS, body.seconds ?? DEFAULT_SECONDS[action] ?? 0);

    const targets = body.stream ? [streams.get(body.stream)!] : [...streams.values()];
    const until = Date.now() + seconds * 1000;
    for (const stream of targets) {
      const dropAll = (): void => {
        for (const client of [...stream.clients]) client.destroy();
      };
      switch (action) {
        case 'drop':
          dropAll();
          break;
        case 'fail':
          stream.failUntil = until;
          dropAll();
          break;
        case 'silence':
          stream.silentUntil = until;
          break;
        case 'stop':
          stream.stopNext = true;
          dropAll();
          break;
        case 'invalid-json':
          stream.brokenJsonNext = true;
          break;
        case 'invalid-schema':
          stream.brokenSchemaNext = true;
          break;
        case 'reset':
          stream.failUntil = 0;
          stream.silentUntil = 0;
          stream.stopNext = false;
          stream.brokenJsonNext = false;
          stream.brokenSchemaNext = false;
          break;
      }
    }
    sendJson(res, 200, { ok: true, action, stream: body.stream ?? 'all', seconds });
  };

  const stats = (): DemoStats => {
    const result: Partial<Record<DemoStreamName | 'replay', DemoStreamStats>> = {};
    for (const [name, stream] of streams) {
      result[name] = {
        connections: stream.connections,
        open: stream.clients.size,
        refused: stream.refused,
        eventsSent: stream.eventsSent,
        lastEventId: stream.nextId > 1 ? String(stream.nextId - 1) : '',
      };
    }
    result.replay = {
      connections: replayConnections,
      open: replayClients.size,
      refused: 0,
      eventsSent: replaySent,
      lastEventId: hub.stats().topics.replay?.lastId ?? '',
    };
    return { streams: result as Record<DemoStreamName | 'replay', DemoStreamStats> };
  };

  const middleware: DemoMiddleware = (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (closed) {
      sendJson(res, 503, { error: 'The demo server was closed.' });
      return;
    }
    if (path === '/ping') {
      sendJson(res, 200, { pong: true, at: Date.now() });
      return;
    }
    if (path === '/stats') {
      sendJson(res, 200, stats());
      return;
    }
    if (path === '/control') {
      control(req, res).catch(next);
      return;
    }
    if (path === '/replay' && req.method === 'GET') {
      serveReplay(req, res);
      return;
    }
    if (path === '/replay/drop' && req.method === 'POST') {
      dropReplay(res).catch(next);
      return;
    }
    const name = path.slice(1);
    const stream = isStreamName(name) ? streams.get(name) : undefined;
    if (stream && req.method === 'GET') {
      serveStream(req, res, url, stream);
      return;
    }
    if (path === '/') {
      sendJson(res, 200, {
        streams: [...streams.keys(), 'replay'].map((n) => `/demo/${n}`),
        ping: '/demo/ping',
        stats: '/demo/stats',
        control: 'POST /demo/control {"action","stream"?,"seconds"?}',
      });
      return;
    }
    next();
  };

  return {
    middleware,
    stats,
    close() {
      closed = true;
      clearInterval(replayTimer);
      void hub.close();
      for (const stream of streams.values()) {
        stopTimers(stream);
        for (const client of [...stream.clients]) client.destroy();
        stream.clients.clear();
      }
    },
  };
}
