/**
 * `@ssekit/server/redis`: Redis Streams as the hub's log, so any instance behind a load balancer
 * can replay exactly what a reconnecting client missed.
 *
 * Each instance holds two connections whatever its number of clients: one for commands and one
 * subscriber, whose messages are fanned out in process. Pub/sub is at-most-once, so the subscriber
 * checks that global offsets arrive contiguously and fills any gap from the streams before
 * delivering; after a reconnect it catches up from the streams the same way.
 */

// This file checks the options and appends; the rest lives in its own part:
// - redis-keys.ts: what is kept where in Redis, and the epoch token;
// - redis-scripts.ts: the Lua scripts, each one atomic in Redis;
// - redis-connections.ts: the two connections, reachability and the clear "unreachable" error;
// - redis-read.ts: the head, and the replay for a joining reader;
// - redis-live.ts: the live feed (the subscriber, gap fills, catch-up after a reconnect).

import type { Log, LogEntry } from './log.js';
import { type RedisClientLike, RedisConnections } from './redis-connections.js';
import { freshEpoch, type RedisKeys, redisKeys } from './redis-keys.js';
import { startLiveFeed } from './redis-live.js';
import { readHead, readReplay } from './redis-read.js';
import { APPEND_SCRIPT } from './redis-scripts.js';

export type { RedisClientLike } from './redis-connections.js';

/**
 * Options of {@link redisLog}: a Redis URL (the log owns its connections) or a node-redis client
 * the app already has (the log duplicates it for its subscriber and leaves the app's client open).
 *
 * @example
 * const options: RedisLogOptions = { url: 'redis://127.0.0.1:6379', maxLen: 10_000, prefix: 'ssekit' };
 */
export interface RedisLogOptions {
  /** Where Redis listens; node-redis's default (`redis://localhost:6379`) when omitted. */
  readonly url?: string;
  /** A node-redis client to issue commands on instead of connecting to `url`. */
  readonly client?: RedisClientLike;
  /** Entries kept per topic (approximately: Redis trims whole nodes); default 10 000. */
  readonly maxLen?: number;
  /** Prefix of every key and channel, so several hubs can share one Redis; default `ssekit`. */
  readonly prefix?: string;
}

/** Appends one entry and announces it on the live channel, in one atomic script. */
async function append(
  redis: RedisConnections,
  keys: RedisKeys,
  maxLen: number,
  topic: string,
  event: string | undefined,
  data: string,
): Promise<LogEntry> {
  const [at, offset, seq] = (await redis.run(
    APPEND_SCRIPT,
    [keys.epoch, keys.offset, keys.seq(topic), keys.stream(topic)],
    [
      freshEpoch(),
      String(maxLen),
      keys.live,
      topic,
      event === undefined ? '0' : '1',
      event ?? '',
      data,
    ],
  )) as [string, number, number];
  const n = Number(offset);
  return { id: `${at}-${n}`, epoch: at, offset: n, topic, seq: Number(seq), event, data };
}

/**
 * A hub log kept in Redis Streams, shared by every instance that points at the same Redis.
 *
 * @example
 * import { createHub } from '@ssekit/server';
 * import { redisLog } from '@ssekit/server/redis';
 *
 * const hub = createHub({ log: redisLog({ url: 'redis://127.0.0.1:6379', maxLen: 10_000 }) });
 */
export function redisLog(options: RedisLogOptions = {}): Log {
  const maxLen = options.maxLen ?? 10_000;
  if (!Number.isInteger(maxLen) || maxLen < 1) {
    throw new TypeError(`redisLog: maxLen must be a positive integer, got ${String(maxLen)}.`);
  }
  if (options.url !== undefined && options.client !== undefined) {
    throw new TypeError('redisLog: pass either url or client, not both.');
  }
  const keys = redisKeys(options.prefix ?? 'ssekit');
  const redis = new RedisConnections(options);
  const feed = startLiveFeed(redis, keys);

  return {
    get available(): boolean {
      return redis.available;
    },

    append: (topic, event, data) =>
      redis.guarded('the event was not stored', () =>
        append(redis, keys, maxLen, topic, event, data),
      ),

    read: (topics, after) =>
      redis.guarded('the missed events cannot be replayed', () =>
        readReplay(redis, keys, topics, after),
      ),

    subscribe: feed.subscribe,

    head: () => redis.guarded('the head position cannot be read', () => readHead(redis, keys)),

    async close(): Promise<void> {
      if (redis.closed) return;
      feed.stop();
      await redis.close();
    },
  };
}
