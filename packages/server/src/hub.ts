/**
 * The hub: publishes to the log, fans each event out (formatted once) to the connections that
 * follow its topic, and joins new connections gap-free:
 *
 *   register live but buffering → read the log after the cursor → write the replay (or one
 *   `ssekit:reset`) → write buffered entries newer than the last replayed one → live.
 *
 * A fresh connection (no cursor) joins the same way from the head read before it registered,
 * and its first frame is that position as an id without data: a client that drops before its
 * first event resumes from where it joined, so nothing published meanwhile is lost.
 *
 * Offsets are global across topics, so one `Last-Event-ID` resumes every topic of a connection.
 * Transport details live in node.ts (node:http) and web.ts (Web Response).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { Connection } from './connection.js';
import { parseCursor } from './cursor.js';
import {
  byteLength,
  checkEventName,
  formatEntry,
  formatReset,
  heartbeatFrame,
  positionFrame,
  retryFrame,
} from './format.js';
import type { HubCore, HubRequest, Joined } from './hub-core.js';
import type { Log, LogCursor, LogEntry } from './log.js';
import { memoryLog } from './memory-log.js';
import { handleNode } from './node.js';
import { respondWeb } from './web.js';

/**
 * Options of {@link createHub}.
 *
 * @example
 * const options: HubOptions = { heartbeatMs: 15_000, retryMs: 2_000, maxQueueBytes: 1 << 20 };
 */
export interface HubOptions {
  /** Where events are kept for replay; default `memoryLog()`, which the hub then also closes. */
  log?: Log;
  /** A heartbeat comment after this much silence on a connection; default 15000. */
  heartbeatMs?: number;
  /** Sent as `retry:` when a stream opens; omitted: none sent. */
  retryMs?: number;
  /** Bytes that may wait for one client; past it the connection is closed. Default 1 MiB. */
  maxQueueBytes?: number;
  /** Streams older than this end (with jitter) so clients rebalance; default: never. */
  maxConnectionAgeMs?: number;
  /** false → 403, throwing → 401. Runs before anything is read or written. */
  authorize?: (request: HubRequest, topics: readonly string[]) => boolean | Promise<boolean>;
}

/**
 * What a stream follows.
 *
 * @example
 * hub.handle(req, res, { topics: ['orders', `user:${userId}`] });
 */
export interface StreamOptions {
  /** One or more topics; each non-empty and at most 256 UTF-8 bytes. */
  topics: readonly string[];
}

/**
 * Options of {@link Hub.publish}.
 *
 * @example
 * await hub.publish('orders', { n: 1 }, { event: 'order' });
 */
export interface PublishOptions {
  /** The SSE event name; default `message`. */
  event?: string;
}

/**
 * A snapshot of the hub, for dashboards and tests.
 *
 * @example
 * const { connections, topics } = hub.stats(); // topics.orders?.lastId
 */
export interface HubStats {
  /** Open streams (including those still reading their replay). */
  connections: number;
  /** True once `close()` was called. */
  closing: boolean;
  /** Per followed topic: open streams, and the newest id delivered to them (null: none yet). */
  topics: Record<string, { connections: number; lastId: string | null }>;
}

/**
 * A hub: see {@link createHub}.
 *
 * @example
 * const hub: Hub = createHub();
 * await hub.close({ drainMs: 5_000 });
 */
export interface Hub {
  /** Appends to the log and delivers to every follower; resolves to the event's id. Data is JSON unless a string. */
  publish(topic: string, data: unknown, options?: PublishOptions): Promise<string>;
  /** A Web `Response` (Hono, Next route handlers, SvelteKit, h3, Bun, Deno). A Promise: authorize and the log read decide the status. */
  response(request: Request, options: StreamOptions): Promise<Response>;
  /** Serves node:http, node:http2, Express and Fastify (`reply.raw`); resolves once the stream is open or refused. */
  handle(
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
    options: StreamOptions,
  ): Promise<void>;
  /** Counts of connections and topics. */
  stats(): HubStats;
  /** Refuses new streams (503 + Retry-After) and ends open ones spread over `drainMs` with jitter. */
  close(options?: { drainMs?: number }): Promise<void>;
}

const MAX_TOPIC_BYTES = 256;

function topicProblem(topic: unknown): string | null {
  if (typeof topic !== 'string' || topic.length === 0) return 'a topic must be a non-empty string';
  if (byteLength(topic) > MAX_TOPIC_BYTES) {
    return `the topic ${JSON.stringify(topic.slice(0, 40))}… is over ${MAX_TOPIC_BYTES} bytes`;
  }
  return null;
}

function serialise(topic: string, data: unknown): string {
  if (typeof data === 'string') return data;
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new TypeError(
      `ssekit hub: publish(${JSON.stringify(topic)}) got data JSON cannot serialise (${(error as Error).message}); pass a string or a JSON-serialisable value`,
    );
  }
  if (text === undefined) {
    throw new TypeError(
      `ssekit hub: publish(${JSON.stringify(topic)}) got ${typeof data} data, which has no JSON form; pass a string or a JSON-serialisable value`,
    );
  }
  return text;
}

/**
 * Creates a hub: the server half of ssekit.
 *
 * @example
 * const hub = createHub({ heartbeatMs: 15_000, retryMs: 2_000 });
 * http.createServer((req, res) => hub.handle(req, res, { topics: ['orders'] })).listen(3000);
 * await hub.publish('orders', { n: 1 }, { event: 'order' });
 */
export function createHub(options: HubOptions = {}): Hub {
  const log = options.log ?? memoryLog();
  const ownsLog = options.log === undefined;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxQueueBytes = options.maxQueueBytes ?? 1 << 20;
  const maxAge = options.maxConnectionAgeMs;
  for (const [name, value, least] of [
    ['heartbeatMs', heartbeatMs, 1],
    ['maxQueueBytes', maxQueueBytes, 1],
    ['retryMs', options.retryMs ?? 0, 0],
    ['maxConnectionAgeMs', maxAge ?? 1, 1],
  ] as const) {
    if (!Number.isFinite(value) || value < least) {
      throw new RangeError(
        `createHub: ${name} must be a finite number ≥ ${least}, got ${String(value)}`,
      );
    }
  }
  const now = (): number => Date.now();
  const retryAfterSeconds = Math.max(1, Math.ceil((options.retryMs ?? 2_000) / 1000));

  const opening: Uint8Array[] = [heartbeatFrame(heartbeatMs)];
  if (options.retryMs !== undefined) opening.push(retryFrame(options.retryMs));
  const heartbeat = heartbeatFrame(heartbeatMs);

  const connections = new Set<Connection>();
  // Per followed topic: its connections, the one log subscription that feeds them, and the
  // newest id seen. Forgotten with its last connection, so topics never pile up.
  const topics = new Map<
    string,
    { connections: Set<Connection>; unsubscribe: () => void; lastId: string | null }
  >();
  let closing = false;
  let closed: Promise<void> | null = null;
  const drained = new Set<() => void>();

  // One timer for the whole hub: heartbeats after silence, and age rotation. A quarter of the
  // interval keeps the longest silence under 1.25 × heartbeatMs, far from the client's 3×.
  let timer: ReturnType<typeof setInterval> | null = null;
  const tick = (): void => {
    const time = now();
    for (const connection of connections) {
      if (time >= connection.rotateAt) connection.close('rotate');
      else if (time - connection.lastWriteAt >= heartbeatMs) connection.write(heartbeat);
    }
  };

  const fanOut = (entry: LogEntry): void => {
    const followers = topics.get(entry.topic);
    if (!followers) return;
    followers.lastId = entry.id;
    const frame = formatEntry(entry);
    for (const connection of followers.connections) connection.deliver(entry, frame);
  };

  const register = (connection: Connection): void => {
    connections.add(connection);
    for (const topic of connection.topics) {
      let followers = topics.get(topic);
      if (!followers) {
        const set = new Set<Connection>();
        followers = { connections: set, unsubscribe: () => {}, lastId: null };
        topics.set(topic, followers);
        followers.unsubscribe = log.subscribe([topic], fanOut);
      }
      followers.connections.add(connection);
    }
    if (maxAge !== undefined) {
      // Up to 10 % earlier, so connections opened together do not all rotate together.
      connection.rotateAt = now() + maxAge * (1 - Math.random() * 0.1);
    }
    if (!timer) {
      timer = setInterval(tick, Math.max(1, Math.floor(heartbeatMs / 4)));
      (timer as { unref?: () => void }).unref?.();
    }
  };

  const unregister = (connection: Connection): void => {
    if (!connections.delete(connection)) return;
    for (const topic of connection.topics) {
      const followers = topics.get(topic);
      if (!followers) continue;
      followers.connections.delete(connection);
      if (followers.connections.size === 0) {
        topics.delete(topic);
        followers.unsubscribe();
      }
    }
    if (connections.size === 0) {
      if (timer) clearInterval(timer);
      timer = null;
      for (const resolve of drained) resolve();
      drained.clear();
    }
  };

  const refuse = (status: number, message: string, retryAfter?: number): Joined =>
    retryAfter === undefined
      ? { ok: false, status, message }
      : { ok: false, status, message, retryAfter };

  const core: HubCore = {
    async join(request, wanted, cursorText) {
      if (closing) return refuse(503, 'the server is shutting down; retry', retryAfterSeconds);
      if (log.available === false) {
        return refuse(503, 'event storage is unreachable; retry', retryAfterSeconds);
      }
      if (!Array.isArray(wanted) || wanted.length === 0) {
        return refuse(400, 'no topic: pass at least one topic');
      }
      for (const topic of wanted) {
        const problem = topicProblem(topic);
        if (problem) return refuse(400, problem);
      }
      const unique = [...new Set(wanted)];
      if (options.authorize) {
        let allowed: boolean;
        try {
          allowed = await options.authorize(request, unique);
        } catch {
          return refuse(401, 'not authenticated');
        }
        if (!allowed) return refuse(403, 'not allowed to follow these topics');
        if (closing) return refuse(503, 'the server is shutting down; retry', retryAfterSeconds);
      }

      // Read before registering: whatever is appended from here on is either in the replay
      // below or buffered live, never in neither.
      let joinedAt: LogCursor | undefined;
      if (!cursorText) {
        try {
          joinedAt = await log.head();
        } catch {
          return refuse(503, 'event storage is unreachable; retry', retryAfterSeconds);
        }
      }
      const connection = new Connection(unique, maxQueueBytes, now, unregister);
      register(connection);
      const frames = [...opening];
      let lastOffset = 0;
      let epoch: string | undefined;
      try {
        if (joinedAt) {
          const read = await log.read(unique, joinedAt);
          if (!read.ok) throw new Error(`the log cannot replay from its own head (${read.reason})`);
          frames.push(positionFrame(`${joinedAt.epoch}-${joinedAt.offset}`));
          for (const entry of read.entries) frames.push(formatEntry(entry));
          lastOffset = read.entries.at(-1)?.offset ?? joinedAt.offset;
        } else if (cursorText) {
          const cursor = parseCursor(cursorText);
          const [read, head] = await Promise.all([
            cursor ? log.read(unique, cursor) : null,
            log.head(),
          ]);
          const headId = `${head.epoch}-${head.offset}`;
          epoch = head.epoch;
          if (!cursor || !read) {
            frames.push(formatReset('malformed', headId));
            lastOffset = head.offset;
          } else if (!read.ok) {
            frames.push(formatReset(read.reason, headId));
            lastOffset = head.offset;
          } else if (cursor.epoch === head.epoch && cursor.offset > head.offset) {
            // A position this log never reached: forged, or from a log that lost its tail.
            frames.push(formatReset('unknown', headId));
            lastOffset = head.offset;
          } else {
            for (const entry of read.entries) frames.push(formatEntry(entry));
            lastOffset = read.entries.at(-1)?.offset ?? cursor.offset;
          }
        }
      } catch {
        connection.close('refused');
        return refuse(503, 'event storage is unreachable; retry', retryAfterSeconds);
      }
      if (connection.closed) {
        const why =
          connection.reason === 'overflow'
            ? 'the stream fell behind while its replay was read; retry'
            : 'the server is shutting down; retry';
        return refuse(503, why, retryAfterSeconds);
      }
      return epoch === undefined
        ? { ok: true, connection, frames, lastOffset }
        : { ok: true, connection, frames, lastOffset, epoch };
    },
  };

  return {
    async publish(topic, data, publishOptions = {}) {
      const problem = topicProblem(topic);
      if (problem) throw new TypeError(`ssekit hub: publish(): ${problem}`);
      const event = publishOptions.event === '' ? undefined : publishOptions.event;
      checkEventName(event);
      const text = serialise(topic, data);
      if (closed) throw new Error('ssekit hub: publish() after close(); create a new hub');
      const entry = await log.append(topic, event, text);
      return entry.id;
    },

    response(request, streamOptions) {
      return respondWeb(core, request, streamOptions.topics);
    },

    handle(req, res, streamOptions) {
      return handleNode(core, req, res, streamOptions.topics);
    },

    stats() {
      const perTopic: HubStats['topics'] = {};
      for (const [topic, followers] of topics) {
        perTopic[topic] = { connections: followers.connections.size, lastId: followers.lastId };
      }
      return { connections: connections.size, closing, topics: perTopic };
    },

    close({ drainMs = 0 } = {}) {
      if (closed) return closed;
      closing = true;
      closed = (async () => {
        if (connections.size > 0) {
          const done = new Promise<void>((resolve) => drained.add(resolve));
          // Spread the ends over the window, so clients do not all reconnect at once.
          for (const connection of connections) {
            const end = (): void => connection.close('drain');
            if (drainMs > 0) setTimeout(end, Math.random() * drainMs);
            else end();
          }
          await done;
        }
        if (ownsLog) await log.close();
      })();
      return closed;
    },
  };
}
