/**
 * Reading a `redisLog`: the head, the replay for a joining reader (exact about trimming, one
 * consistent prefix across topics) and plain ranges for the live feed's gap fills.
 */
import type { LogCursor, LogEntry, LogRead } from './log.js';
import type { RedisConnections } from './redis-connections.js';
import { freshEpoch, type RedisKeys } from './redis-keys.js';
import { HEAD_SCRIPT, READ_SCRIPT } from './redis-scripts.js';

/** A page of XRANGE: bounded so one replay never builds one huge reply in Redis. */
const PAGE = 1000;

type RawEntry = [id: string, fields: string[]];

function toEntry(epoch: string, topic: string, [id, fields]: RawEntry): LogEntry {
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
}

/**
 * The newest position (offset 0 when empty). The script creates the epoch when Redis has none.
 *
 * @example
 * const { epoch, offset } = await readHead(redis, keys);
 */
export async function readHead(redis: RedisConnections, keys: RedisKeys): Promise<LogCursor> {
  const [epoch, offset] = (await redis.run(
    HEAD_SCRIPT,
    [keys.epoch, keys.offset],
    [freshEpoch()],
  )) as [string, number];
  return { epoch, offset: Number(offset) };
}

/**
 * Every entry of `topic` with offset in (after, upTo], oldest first, one page at a time.
 *
 * @example
 * const missed = await readRange(redis, keys, 'orders', { epoch, offset: 40 }, 45);
 */
export async function readRange(
  redis: RedisConnections,
  keys: RedisKeys,
  topic: string,
  after: LogCursor,
  upTo: number,
): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  let from = after.offset;
  for (;;) {
    const page = (await redis.cmd.sendCommand([
      'XRANGE',
      keys.stream(topic),
      `(${from}-0`,
      `${upTo}-0`,
      'COUNT',
      String(PAGE),
    ])) as RawEntry[];
    for (const raw of page) entries.push(toEntry(after.epoch, topic, raw));
    if (page.length < PAGE) return entries;
    from = entries[entries.length - 1]!.offset;
  }
}

/** One topic's replay: its entries in (after, upTo], or why they cannot all be had. */
async function replayTopic(
  redis: RedisConnections,
  keys: RedisKeys,
  topic: string,
  after: LogCursor,
  upTo: number,
): Promise<LogRead> {
  const entries: LogEntry[] = [];
  let from = after.offset;
  for (;;) {
    const [epoch, trimmed, page] = (await redis.run(
      READ_SCRIPT,
      [keys.epoch, keys.stream(topic)],
      [freshEpoch(), after.epoch, String(from), String(PAGE), String(upTo)],
    )) as [string, number, RawEntry[]];
    if (epoch !== after.epoch) return { ok: false, reason: 'epoch' };
    if (Number(trimmed) === 1) return { ok: false, reason: 'trimmed' };
    for (const raw of page) entries.push(toEntry(epoch, topic, raw));
    if (page.length < PAGE) return { ok: true, entries };
    from = entries[entries.length - 1]!.offset;
  }
}

/**
 * The log's `read`: the entries of `topics` after `after`, merged by offset.
 *
 * @example
 * const read = await readReplay(redis, keys, ['orders', 'alerts'], { epoch, offset: 41 });
 */
export async function readReplay(
  redis: RedisConnections,
  keys: RedisKeys,
  topics: readonly string[],
  after: LogCursor,
): Promise<LogRead> {
  // Every topic is read up to one head offset: reading each to its own latest would let a
  // later topic's read pass an entry of an earlier one, which the hub would then skip as
  // already replayed. Entries past the head reach the hub's buffering listener live.
  const head = await readHead(redis, keys);
  if (head.epoch !== after.epoch) return { ok: false, reason: 'epoch' };
  const perTopic = await Promise.all(
    topics.map((topic) => replayTopic(redis, keys, topic, after, head.offset)),
  );
  const entries: LogEntry[] = [];
  for (const result of perTopic) {
    if (!result.ok) return result;
    entries.push(...result.entries);
  }
  return { ok: true, entries: entries.sort((a, b) => a.offset - b.offset) };
}
