/**
 * Live delivery of a `redisLog`: one subscriber connection per instance, whose messages are fanned
 * out in process. Pub/sub is at-most-once, so entries are delivered in global offset order, each
 * once: a gap is read from the streams before the entry after it, and after a reconnect the feed
 * catches up from the streams the same way.
 */
import type { LogCursor, LogEntry } from './log.js';
import type { RedisConnections } from './redis-connections.js';
import type { RedisKeys } from './redis-keys.js';
import { readHead, readRange } from './redis-read.js';
import { createTopicListeners, type TopicListeners } from './topic-listeners.js';

/** Live messages held while a gap is being filled; past it they are dropped and refetched. */
const MAX_QUEUED = 50_000;

type Listener = (entry: LogEntry) => void;

/**
 * The log's `subscribe`, and `stop` for its `close`.
 *
 * @example
 * const feed = startLiveFeed(redis, keys);
 * const unsubscribe = feed.subscribe(['orders'], (entry) => console.log(entry.id));
 */
export interface LiveFeed {
  subscribe(topics: readonly string[], listener: Listener): () => void;
  stop(): void;
}

/** An append as announced on the channel by the append script. */
function parseAnnouncement(message: string): LogEntry {
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
}

/**
 * Delivers every entry once, in offset order, within one epoch at a time: `delivered` is the
 * offset up to which every entry has been delivered (undefined until connected).
 */
function createSequencer(redis: RedisConnections, keys: RedisKeys, followers: TopicListeners) {
  let epoch: string | undefined;
  let delivered: number | undefined;

  /** Delivers every followed entry in (after, upTo] from the streams, merged by offset. */
  const fill = async (at: string, after: number, upTo: number): Promise<void> => {
    if (upTo <= after) return;
    const cursor = { epoch: at, offset: after };
    const pages = await Promise.all(
      followers.topics().map((topic) => readRange(redis, keys, topic, cursor, upTo)),
    );
    const entries = pages.flat().sort((a, b) => a.offset - b.offset);
    for (const entry of entries) followers.deliver(entry);
  };

  return {
    /** Live delivery starts at `head`, read before subscribing. */
    startAt(head: LogCursor): void {
      epoch = head.epoch;
      delivered = head.offset;
    },

    /**
     * Makes `delivered` the current head and delivers what was missed up to it. Called with the
     * subscription confirmed, so anything appended after the head read arrives over pub/sub.
     */
    async catchUp(): Promise<void> {
      const head = await readHead(redis, keys);
      // A new epoch (Redis was wiped): its offsets start again at 1.
      const from = head.epoch === epoch ? (delivered ?? head.offset) : 0;
      epoch = head.epoch;
      await fill(head.epoch, from, head.offset);
      delivered = Math.max(from, head.offset);
    },

    /** One announced entry: anything missed before it is filled in first. */
    async accept(entry: LogEntry): Promise<void> {
      if (entry.epoch !== epoch || delivered === undefined) {
        epoch = entry.epoch;
        delivered = 0;
      }
      if (entry.offset <= delivered) return; // already delivered by a fill
      if (entry.offset > delivered + 1) await fill(entry.epoch, delivered, entry.offset - 1);
      followers.deliver(entry);
      delivered = entry.offset;
    },
  };
}

type Sequencer = ReturnType<typeof createSequencer>;

/**
 * The channel's messages and the catch-ups, handled one at a time, so a gap fill never lets a
 * later entry overtake it.
 */
function createQueue(redis: RedisConnections, sequencer: Sequencer) {
  const CATCH_UP = Symbol('catch up');
  const items: Array<string | typeof CATCH_UP> = [];
  let pumping = false;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Handles the first item; false when it must wait for the connections. */
  const handleFirst = async (): Promise<boolean> => {
    const item = items[0]!;
    if (item === CATCH_UP) {
      if (!redis.cmd.isReady || !redis.sub.isReady) return false; // resumed by the next 'ready'
      await sequencer.catchUp();
      return true;
    }
    let entry: LogEntry;
    try {
      entry = parseAnnouncement(item);
    } catch {
      // Not ours (someone else published on the channel): nothing to deliver.
      return true;
    }
    await sequencer.accept(entry);
    return true;
  };

  const pump = async (): Promise<void> => {
    if (pumping || !redis.ready) return;
    pumping = true;
    try {
      while (!stopped && items.length > 0) {
        if (!(await handleFirst())) return;
        items.shift();
      }
    } catch (error) {
      // A fill failed (Redis went away): the streams still hold everything; retry when it is back.
      if (error instanceof Error) redis.lastError = error;
      if (items[0] !== CATCH_UP) items.unshift(CATCH_UP);
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
  };

  return {
    /** A message from the live channel. */
    push(message: string): void {
      if (stopped) return;
      if (items.length >= MAX_QUEUED) {
        // Stuck filling a gap (commands down, subscriber up): the streams hold all of these.
        items.length = 0;
        items.push(CATCH_UP);
      }
      items.push(message);
      void pump();
    },

    /** Catches up from the streams before anything else queued (once connected or back). */
    catchUpFirst(): void {
      if (items[0] !== CATCH_UP) items.unshift(CATCH_UP);
      void pump();
    },

    stop(): void {
      stopped = true;
      clearTimeout(retryTimer);
      items.length = 0;
    },
  };
}

/**
 * Subscribes the log's subscriber connection and starts delivering to the log's listeners.
 *
 * @example
 * const feed = startLiveFeed(redis, redisKeys('ssekit'));
 */
export function startLiveFeed(redis: RedisConnections, keys: RedisKeys): LiveFeed {
  const followers = createTopicListeners();
  const sequencer = createSequencer(redis, keys, followers);
  const queue = createQueue(redis, sequencer);

  // The head before subscribing: live delivery starts from there, so a listener registered
  // while the log connects misses nothing appended since (the first catch-up fills it in).
  const prepare = async (): Promise<void> => {
    try {
      sequencer.startAt(await readHead(redis, keys));
    } catch {
      // Lost right away: live delivery then starts at the first catch-up's head instead.
    }
  };
  redis.start(prepare, keys.live, queue.push).then(queue.catchUpFirst, () => {});
  // node-redis resubscribes before 'ready', so the catch-up's head read is already covered.
  redis.onReconnect(queue.catchUpFirst);

  return {
    subscribe: followers.subscribe,
    stop() {
      queue.stop();
      followers.clear();
    },
  };
}
