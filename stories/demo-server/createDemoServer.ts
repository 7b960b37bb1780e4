import type { IncomingMessage, ServerResponse } from 'node:http';
// `.js` specifier: Storybook loads this file with Node, and its loader maps `.js` to `.ts`.
import { createHub, memoryLog } from '../../packages/server/src/index.js';
import { type DemoStreamDefinition, demoStreams, replayStream } from './demoStreams.js';
import type {
  DemoControlAction,
  DemoControlRequest,
  DemoStats,
  DemoStreamName,
  DemoStreamStats,
  JobDone,
  JobProgress,
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
 * const options: DemoServerOptions = { heartbeatMs: 15_000, maxEvents: 5000 };
 */
export interface DemoServerOptions {
  /** The hub's heartbeat: a comment after this much silence on a stream; default 15 000 ms. */
  readonly heartbeatMs?: number;
  /** Events the hub keeps for `Last-Event-ID` replay, every stream together; default 5000. */
  readonly maxEvents?: number;
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

type TopicName = DemoStreamName | 'replay';

/** One demo stream: a hub topic, its step timer and its fault knobs. */
interface DemoTopic {
  readonly name: TopicName;
  readonly definition: DemoStreamDefinition;
  /** Open responses, kept so `drop` can destroy them and `silence` can hold their writes. */
  readonly clients: Set<ServerResponse>;
  /** The responses `silence` corked: uncorked once each when the window ends. */
  readonly corked: Set<ServerResponse>;
  /** Events published so far: the next event's number is `seq + 1`. */
  seq: number;
  lastEventId: string;
  stepTimer: ReturnType<typeof setInterval> | undefined;
  silenceTimer: ReturnType<typeof setTimeout> | undefined;
  connections: number;
  refused: number;
  eventsSent: number;
  // Deadlines and flags: only the silence window needs a timer, to release the held writes.
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
const NOT_JSON = '{"broken": "this is not JSON';

const isStreamName = (name: string): name is DemoStreamName => Object.hasOwn(demoStreams, name);
const STREAM_NAMES = Object.keys(demoStreams) as DemoStreamName[];

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
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
 * Creates the demo SSE server behind the playground. Every stream is a topic of one
 * `@ssekit/server` hub (ids `<epoch>-<offset>`, replay after `Last-Event-ID`, heartbeats,
 * backpressure); the demo adds step timers, per-stream counters and fault injection over HTTP.
 *
 * @example
 * const demo = createDemoServer();
 * viteServer.middlewares.use('/demo', demo.middleware);
 */
export function createDemoServer(options: DemoServerOptions = {}): DemoServer {
  const hub = createHub({
    log: memoryLog({ maxEvents: options.maxEvents ?? 5000 }),
    heartbeatMs: options.heartbeatMs ?? 15_000,
    retryMs: options.retryMs ?? 1000,
  });
  let closed = false;

  const topics = new Map<TopicName, DemoTopic>();
  const definitions: [TopicName, () => DemoStreamDefinition][] = [
    ...(Object.entries(demoStreams) as [DemoStreamName, () => DemoStreamDefinition][]),
    ['replay', replayStream],
  ];
  for (const [name, define] of definitions) {
    topics.set(name, {
      name,
      definition: define(),
      clients: new Set(),
      corked: new Set(),
      seq: 0,
      lastEventId: '',
      stepTimer: undefined,
      silenceTimer: undefined,
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

  /** Publishes one event; resolves to its id, or null once the hub is closed. */
  const publish = (
    topic: string,
    data: unknown,
    event: string | undefined,
  ): Promise<string | null> =>
    hub.publish(topic, data, { event }).catch((error: unknown) => {
      // Only a publish racing with close() gets here: the demo's own payloads always serialise.
      if (!closed) console.error('[demo server]', error);
      return null;
    });

  const step = async (topic: DemoTopic): Promise<string[]> => {
    if (Date.now() < topic.silentUntil) return [];
    const events = topic.definition.next(topic.brokenSchemaNext, topic.seq + 1);
    if (events.length > 0) topic.brokenSchemaNext = false;
    const ids: string[] = [];
    for (const event of events) {
      topic.seq++;
      // A string goes out as it is: the hub JSON-encodes everything else.
      const data = topic.brokenJsonNext ? NOT_JSON : event.data;
      topic.brokenJsonNext = false;
      topic.eventsSent += hub.stats().topics[topic.name]?.connections ?? 0;
      const id = await publish(topic.name, data, event.type);
      if (id === null) break;
      topic.lastEventId = id;
      ids.push(id);
    }
    return ids;
  };

  // Steps run only while somebody listens: the last close stops them.
  const startStepping = (topic: DemoTopic): void => {
    topic.stepTimer ??= setInterval(() => void step(topic), topic.definition.intervalMs);
  };
  const stopStepping = (topic: DemoTopic): void => {
    clearInterval(topic.stepTimer);
    topic.stepTimer = undefined;
  };

  // Silence holds a stream's writes (heartbeats included) in its socket until the window ends:
  // the hub keeps heartbeating, and the client sees nothing, which is the point of the fault.
  const hold = (topic: DemoTopic, res: ServerResponse): void => {
    if (topic.corked.has(res)) return;
    topic.corked.add(res);
    res.cork();
  };
  const release = (topic: DemoTopic): void => {
    clearTimeout(topic.silenceTimer);
    topic.silenceTimer = undefined;
    topic.silentUntil = 0;
    for (const res of topic.corked) res.uncork();
    topic.corked.clear();
  };
  const silence = (topic: DemoTopic, until: number): void => {
    clearTimeout(topic.silenceTimer);
    topic.silentUntil = until;
    for (const res of topic.clients) hold(topic, res);
    topic.silenceTimer = setTimeout(() => release(topic), Math.max(0, until - Date.now()));
  };
  const drop = (topic: DemoTopic): number => {
    const dropped = topic.clients.size;
    for (const res of [...topic.clients]) res.destroy();
    return dropped;
  };

  const serveTopic = async (
    req: IncomingMessage,
    res: ServerResponse,
    topic: DemoTopic,
  ): Promise<void> => {
    topic.connections++;
    const { bearerToken } = topic.definition;
    if (bearerToken && req.headers.authorization !== `Bearer ${bearerToken}`) {
      topic.refused++;
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendJson(res, 401, {
        error: `This stream needs the header "Authorization: Bearer ${bearerToken}".`,
      });
      return;
    }
    if (topic.stopNext) {
      topic.stopNext = false;
      topic.refused++;
      res.writeHead(204).end();
      return;
    }
    if (Date.now() < topic.failUntil) {
      topic.refused++;
      sendJson(res, 500, { error: 'Failing on purpose: POST /demo/control asked for it.' });
      return;
    }
    topic.clients.add(res);
    res.on('close', () => {
      topic.clients.delete(res);
      topic.corked.delete(res);
      if (topic.clients.size === 0) stopStepping(topic);
    });
    // The hub writes the headers, `retry:`, the heartbeat announcement and the replay (or one
    // `ssekit:reset`) after Last-Event-ID or `?lastEventId=`, then goes live.
    await hub.handle(req, res, { topics: [topic.name] });
    if (!topic.clients.has(res) || res.writableEnded) return;
    startStepping(topic);
    // Opened during a silence: its headers and replay go out, what follows waits. On the next
    // turn, after node's own cork-until-next-tick has sent them.
    setImmediate(() => {
      if (Date.now() < topic.silentUntil && topic.clients.has(res)) hold(topic, res);
    });
  };

  // `POST /demo/replay/drop`: drops every replay stream and publishes three events while the
  // clients are away, so the replay after their reconnect is there to see.
  const replay = topics.get('replay')!;
  const dropReplay = async (res: ServerResponse): Promise<void> => {
    const dropped = drop(replay);
    const published = [...(await step(replay)), ...(await step(replay)), ...(await step(replay))];
    sendJson(res, 200, { dropped, published });
  };

  // Finite runs: each request follows its own topic, one job from 0 to 100 %, then `done`, and
  // the stream ends.
  const runs = new Set<ServerResponse>();
  const runStats = { connections: 0, eventsSent: 0 };
  const serveRun = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const topic = `run-${++runStats.connections}`;
    let timer: ReturnType<typeof setInterval> | undefined;
    runs.add(res);
    res.on('close', () => {
      clearInterval(timer);
      runs.delete(res);
    });
    await hub.handle(req, res, { topics: [topic] });
    if (!runs.has(res) || res.writableEnded) return;
    const startedAt = Date.now();
    let percent = 0;
    timer = setInterval(() => {
      percent = Math.min(100, percent + 4);
      const progress: JobProgress = { job: 1, percent };
      runStats.eventsSent++;
      void publish(topic, progress, 'progress');
      if (percent < 100) return;
      clearInterval(timer);
      const done: JobDone = { job: 1, durationMs: Date.now() - startedAt };
      runStats.eventsSent++;
      // Publishing writes to the stream before it resolves: `done` is out when the stream ends.
      void publish(topic, done, 'done').then(() => res.end());
    }, 120);
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
      sendJson(res, 400, { error: `Unknown stream "${body.stream}": use ${STREAM_NAMES}.` });
      return;
    }
    if (body.seconds !== undefined && !(typeof body.seconds === 'number' && body.seconds >= 0)) {
      sendJson(res, 400, { error: '"seconds" must be a number ≥ 0.' });
      return;
    }
    const seconds = Math.min(MAX_SECONDS, body.seconds ?? DEFAULT_SECONDS[action] ?? 0);

    // `/demo/replay` has no fault knobs: its own drop is `POST /demo/replay/drop`.
    const targets = (body.stream ? [body.stream] : STREAM_NAMES).map((name) => topics.get(name)!);
    const until = Date.now() + seconds * 1000;
    for (const topic of targets) {
      switch (action) {
        case 'drop':
          drop(topic);
          break;
        case 'fail':
          topic.failUntil = until;
          drop(topic);
          break;
        case 'silence':
          silence(topic, until);
          break;
        case 'stop':
          topic.stopNext = true;
          drop(topic);
          break;
        case 'invalid-json':
          topic.brokenJsonNext = true;
          break;
        case 'invalid-schema':
          topic.brokenSchemaNext = true;
          break;
        case 'reset':
          release(topic);
          topic.failUntil = 0;
          topic.stopNext = false;
          topic.brokenJsonNext = false;
          topic.brokenSchemaNext = false;
          break;
      }
    }
    sendJson(res, 200, { ok: true, action, stream: body.stream ?? 'all', seconds });
  };

  const stats = (): DemoStats => {
    const result: Partial<Record<TopicName | 'run', DemoStreamStats>> = {
      run: { ...runStats, open: runs.size, refused: 0, lastEventId: '' },
    };
    for (const [name, topic] of topics) {
      result[name] = {
        connections: topic.connections,
        open: topic.clients.size,
        refused: topic.refused,
        eventsSent: topic.eventsSent,
        lastEventId: topic.lastEventId,
      };
    }
    return { streams: result as Record<TopicName | 'run', DemoStreamStats> };
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
    if (path === '/replay/drop' && req.method === 'POST') {
      dropReplay(res).catch(next);
      return;
    }
    if (path === '/run' && (req.method === 'GET' || req.method === 'POST')) {
      serveRun(req, res).catch(next);
      return;
    }
    const name = path.slice(1);
    const topic = isStreamName(name) || name === 'replay' ? topics.get(name) : undefined;
    if (topic && req.method === 'GET') {
      serveTopic(req, res, topic).catch(next);
      return;
    }
    if (path === '/') {
      sendJson(res, 200, {
        streams: [...topics.keys(), 'run'].map((n) => `/demo/${n}`),
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
      for (const topic of topics.values()) {
        stopStepping(topic);
        release(topic);
        drop(topic);
      }
      for (const run of [...runs]) run.destroy();
      void hub.close();
    },
  };
}
