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
 *
 * This file checks the options, publishes and closes; the rest lives in its own part:
 * - join.ts: admission (open, storage up, topics valid, authorized), then the join itself;
 * - replay.ts: what a joining stream is sent before it goes live (or its one reset);
 * - registry.ts: the open connections by topic, the log subscriptions, fan-out and drain;
 * - hub-timer.ts: the one timer for heartbeats and age rotation;
 * - node.ts (node:http) and web.ts (Web Response): the transports, through hub-core.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { checkEventName, heartbeatFrame, retryFrame } from './format.js';
import type { HubRequest } from './hub-core.js';
import { createJoin } from './join.js';
import type { Log } from './log.js';
import { memoryLog } from './memory-log.js';
import { handleNode } from './node.js';
import { createRegistry, type HubStats } from './registry.js';
import { topicProblem } from './topic.js';
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

  const registry = createRegistry(log, heartbeatMs, maxQueueBytes, maxAge);
  const opening = [heartbeatFrame(heartbeatMs)];
  if (options.retryMs !== undefined) opening.push(retryFrame(options.retryMs));
  const core = createJoin(
    log,
    registry,
    opening,
    Math.max(1, Math.ceil((options.retryMs ?? 2_000) / 1000)),
    options.authorize,
  );
  let closed: Promise<void> | null = null;

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

    stats: registry.stats,

    close({ drainMs = 0 } = {}) {
      closed ??= (async () => {
        await registry.drain(drainMs);
        if (ownsLog) await log.close();
      })();
      return closed;
    },
  };
}
