/**
 * `@ssekit/server/redis`: Redis Streams as the hub's log, so any instance behind a load balancer
 * can replay exactly what a reconnecting client missed.
 *
 * Each instance holds two connections whatever its number of clients: one for commands and one
 * subscriber, whose messages are fanned out in process. Pub/sub is at-most-once, so the subscriber
 * checks that global offsets arrive contiguously and fills any gap from the streams before
 * delivering; after a reconnect it catches up from the streams the same way.
 */

import type { Log, LogCursor, LogEntry, LogRead } from './log.js';
import { type RedisClientLike, RedisConnections } from './redis-connections.js';
import { freshEpoch, redisKeys } from './redis-keys.js';
import { APPEND_SCRIPT, HEAD_SCRIPT, READ_SCRIPT } from './redis-scripts.js';

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

/** A page of XRANGE: bounded so one replay never builds one huge reply in Redis. */
const PAGE = 1000;
/** Live messages held while a gap is being filled; past it they are dropped and refetched. */
const MAX_QUEUED = 50_000;

type RawEntry = [id: string, fields: string[]];

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
  const prefix = options.prefix ?? 'ssekit';
  const maxLen = options.maxLen ?? 10_000;
  if (!Number.isInteger(maxLen) || maxLen < 1) {
    throw new TypeError(`redisLog: maxLen must be a positive integer, got ${String(maxLen)}.`);
  }
  if (options.url !== undefined && options.client !== undefined) {
    throw new TypeError('redisLog: pass either url or client, not both.');
  }
  const keys = redisKeys(prefix);
  const epochKey = keys.epoch;
  const offsetKey = keys.offset;
  const channel = keys.live;
  const streamKey = keys.stream;
  const seqKey = keys.seq;

  const redis = new RedisConnections(options);
  const { cmd, sub } = redis;
  const run = redis.run.bind(redis);
  const guarded = redis.guarded.bind(redis);

  const toEntry = (epoch: string, topic: string, [id, fields]: RawEntry): LogEntry => {
    const offset = Number.parseInt(id, 10);
    let seq = 0;
    let event: string | undefined;
    let data = '';
    for (let i = 0; i < fields.length; i += 2) {
      const value = fields[i + 1] ?? '';
      if (fields[i] === 'seq') seq = Number(value);
      else if (fields[i] === 'event') event = value;
      else if (fields[i] === 'data') data = value;
    }
    return { id: `${epoch}-${offset}`, epoch, offset, topic, seq, event, data };
  };

  const head = (): Promise<LogCursor> =>
    guarded('the head position cannot be read', async () => {
      const [epoch, offset] = (await run(HEAD_SCRIPT, [epochKey, offsetKey], [freshEpoch()])) as [
        string,
        number,
      ];
      return { epoch, offset: Number(offset) };
    });

  /** Every entry of `topic` with offset in (after, upTo], oldest first, one page at a time. */
  const range = async (topic: string, epoch: string, after: number, upTo: number) => {
    const entries: LogEntry[] = [];
    let from = after;
    for (;;) {
      const page = (await cmd.sendCommand([
        'XRANGE',
        streamKey(topic),
        `(${from}-0`,
        `${upTo}-0`,
        'COUNT',
        String(PAGE),
      ])) as RawEntry[];
      for (const raw of page) entries.push(toEntry(epoch, topic, raw));
      if (page.length < PAGE) return entries;
      from = entries[entries.length - 1]!.offset;
    }
  };

  // ---- live delivery: one subscriber, fanned out in process ----

  const followers = new Map<string, Set<(entry: LogEntry) => void>>();
  const CATCH_UP = Symbol('catch up');
  const queue: Array<string | typeof CATCH_UP> = [];
  let pumping = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let epoch: string | undefined;
  /** The offset up to which every entry has been delivered (undefined until connected). */
  let delivered: number | undefined;

  function onMessage(message: string): void {
    if (redis.closed) return;
    if (queue.length >= MAX_QUEUED) {
      // Stuck filling a gap (commands down, subscriber up): the streams hold all of these.
      queue.length = 0;
      queue.push(CATCH_UP);
    }
    queue.push(message);
    void pump();
  }

  const deliver = (entry: LogEntry): void => {
    const listeners = followers.get(entry.topic);
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener(entry);
      } catch (error) {
        // One failing listener must not starve the others; surface it like an event handler would.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };

  /** Delivers every followed entry in (after, upTo] from the streams, merged by offset. */
  const fill = async (at: string, after: number, upTo: number): Promise<void> => {
    if (upTo <= after) return;
    const pages = await Promise.all([...followers.keys()].map((t) => range(t, at, after, upTo)));
    const entries = pages.flat().sort((a, b) => a.offset - b.offset);
    for (const entry of entries) deliver(entry);
  };

  /**
   * Makes `delivered` the current head and delivers what was missed up to it. Called with the
   * subscription confirmed, so anything appended after the head read arrives over pub/sub.
   */
  const catchUp = async (): Promise<void> => {
    const [at, offset] = (await run(HEAD_SCRIPT, [epochKey, offsetKey], [freshEpoch()])) as [
      string,
      number,
    ];
    const headOffset = Number(offset);
    // A new epoch (Redis was wiped): its offsets start again at 1.
    const from = at === epoch ? (delivered ?? headOffset) : 0;
    epoch = at;
    await fill(at, from, headOffset);
    delivered = Math.max(from, headOffset);
  };

  const parse = (message: string): LogEntry => {
    const [at, offset, seq, topic, event, data] = JSON.parse(message) as [
      string,
      string,
      string,
      string,
      string | false,
      string,
    ];
    const n = Number(offset);
    return {
      id: `${at}-${n}`,
      epoch: at,
      offset: n,
      topic,
      seq: Number(seq),
      event: event === false ? undefined : event,
      data,
    };
  };

  const handle = async (entry: LogEntry): Promise<void> => {
    if (entry.epoch !== epoch || delivered === undefined) {
      epoch = entry.epoch;
      delivered = 0;
    }
    if (entry.offset <= delivered) return; // already delivered by a fill
    if (entry.offset > delivered + 1) await fill(entry.epoch, delivered, entry.offset - 1);
    deliver(entry);
    delivered = entry.offset;
  };

  // Items are handled one at a time, so a gap fill never lets a later entry overtake it.
  async function pump(): Promise<void> {
    if (pumping || !redis.ready) return;
    pumping = true;
    try {
      while (!redis.closed && queue.length > 0) {
        const item = queue[0]!;
        if (item === CATCH_UP) {
          if (!cmd.isReady || !sub.isReady) return; // resumed by the next 'ready'
          await catchUp();
        } else {
          let entry: LogEntry;
          try {
            entry = parse(item);
          } catch {
            // Not ours (someone else published on the channel): nothing to deliver.
            queue.shift();
            continue;
          }
          await handle(entry);
        }
        queue.shift();
      }
    } catch (error) {
      // A fill failed (Redis went away): the streams still hold everything; retry when it is back.
      if (error instanceof Error) redis.lastError = error;
      if (queue[0] !== CATCH_UP) queue.unshift(CATCH_UP);
      // A restarted Redis answers LOADING while its connections are already ready: no 'ready'
      // and perhaps no message come again, so try again shortly rather than wait for traffic.
      retryTimer ??= setTimeout(() => {
        retryTimer = undefined;
        void pump();
      }, 250);
      retryTimer.unref?.();
    } finally {
      pumping = false;
    }
  }

  // The head before subscribing: live delivery starts from there, so a listener registered
  // while the log connects misses nothing appended since (the first catch-up fills it in).
  const prepare = async (): Promise<void> => {
    try {
      const [at, offset] = (await run(HEAD_SCRIPT, [epochKey, offsetKey], [freshEpoch()])) as [
        string,
        number,
      ];
      epoch = at;
      delivered = Number(offset);
    } catch {
      // Lost right away: live delivery then starts at the first catch-up's head instead.
    }
  };
  redis.start(prepare, channel, onMessage).then(
    () => {
      queue.unshift(CATCH_UP);
      void pump();
    },
    () => {},
  );

  // node-redis resubscribes before 'ready', so the catch-up's head read is already covered.
  redis.onReconnect(() => {
    if (queue[0] !== CATCH_UP) queue.unshift(CATCH_UP);
    void pump();
  });

  return {
    get available(): boolean {
      return redis.available;
    },

    append: (topic, event, data) =>
      guarded('the event was not stored', async () => {
        const [at, offset, seq] = (await run(
          APPEND_SCRIPT,
          [epochKey, offsetKey, seqKey(topic), streamKey(topic)],
          [
            freshEpoch(),
            String(maxLen),
            channel,
            topic,
            event === undefined ? '0' : '1',
            event ?? '',
            data,
          ],
        )) as [string, number, number];
        const n = Number(offset);
        return { id: `${at}-${n}`, epoch: at, offset: n, topic, seq: Number(seq), event, data };
      }),

    read: (topics, after) =>
      guarded('the missed events cannot be replayed', async (): Promise<LogRead> => {
        // Every topic is read up to one head offset: reading each to its own latest would let a
        // later topic's read pass an entry of an earlier one, which the hub would then skip as
        // already replayed. Entries past the head reach the hub's buffering listener live.
        const [at, headOffset] = (await run(
          HEAD_SCRIPT,
          [epochKey, offsetKey],
          [freshEpoch()],
        )) as [string, number];
        if (at !== after.epoch) return { ok: false, reason: 'epoch' };
        const upTo = Number(headOffset);
        const perTopic = await Promise.all(
          topics.map(async (topic): Promise<LogRead> => {
            const entries: LogEntry[] = [];
            let from = after.offset;
            for (;;) {
              const [epoch, trimmed, page] = (await run(
                READ_SCRIPT,
                [epochKey, streamKey(topic)],
                [freshEpoch(), after.epoch, String(from), String(PAGE), String(upTo)],
              )) as [string, number, RawEntry[]];
              if (epoch !== after.epoch) return { ok: false, reason: 'epoch' };
              if (Number(trimmed) === 1) return { ok: false, reason: 'trimmed' };
              for (const raw of page) entries.push(toEntry(epoch, topic, raw));
              if (page.length < PAGE) return { ok: true, entries };
              from = entries[entries.length - 1]!.offset;
            }
          }),
        );
        const entries: LogEntry[] = [];
        for (const result of perTopic) {
          if (!result.ok) return result;
          entries.push(...result.entries);
        }
        return { ok: true, entries: entries.sort((a, b) => a.offset - b.offset) };
      }),

    subscribe(topics, listener) {
      const unique = [...new Set(topics)];
      for (const topic of unique) {
        let listeners = followers.get(topic);
        if (listeners === undefined) {
          listeners = new Set();
          followers.set(topic, listeners);
        }
        listeners.add(listener);
      }
      return () => {
        for (const topic of unique) {
          const listeners = followers.get(topic);
          listeners?.delete(listener);
          if (listeners?.size === 0) followers.delete(topic);
        }
      };
    },

    head,

    async close(): Promise<void> {
      if (redis.closed) return;
      clearTimeout(retryTimer);
      followers.clear();
      queue.length = 0;
      await redis.close();
    },
  };
}
