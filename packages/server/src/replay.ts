/**
 * What a joining stream is sent before it goes live: read from the log after the stream was
 * registered, so whatever is appended meanwhile is either read here or buffered live, never
 * neither. A cursor that cannot be honoured gets one `ssekit:reset` instead of a silent loss.
 */
import { cursorId, parseCursor } from './cursor.js';
import { formatEntry, formatReset, positionFrame, type ResetReason } from './format.js';
import type { Log, LogCursor } from './log.js';

/**
 * The replay of one join.
 *
 * @example
 * const { frames, lastOffset } = await replayAfterCursor(log, ['orders'], 'k3x9-41', opening);
 */
export interface Replay {
  /** The opening frames, then a join position or a reset, and the missed entries. */
  readonly frames: Uint8Array[];
  /** Live entries at or below this offset were replayed (or skipped by a reset): not sent again. */
  readonly lastOffset: number;
  /** The epoch of `lastOffset`, when the join read it (a cursor was sent). */
  readonly epoch?: string;
}

/**
 * A fresh stream: its join position `joinedAt` (read before it registered) as an id without
 * data, then whatever was appended since.
 *
 * @example
 * const replay = await replaySinceJoin(log, ['orders'], await log.head(), opening);
 */
export async function replaySinceJoin(
  log: Log,
  topics: readonly string[],
  joinedAt: LogCursor,
  opening: readonly Uint8Array[],
): Promise<Replay> {
  const read = await log.read(topics, joinedAt);
  // Its own head is never trimmed nor of another epoch, unless the storage was just wiped: then
  // the join answers 503 and the client retries.
  if (!read.ok) throw new Error(read.reason);
  return {
    frames: [...opening, positionFrame(cursorId(joinedAt)), ...read.entries.map(formatEntry)],
    lastOffset: read.entries.at(-1)?.offset ?? joinedAt.offset,
  };
}

/**
 * A resuming stream: every entry after its cursor, or one reset whose id is the log's head.
 *
 * @example
 * const replay = await replayAfterCursor(log, ['orders'], 'k3x9-41', opening);
 */
export async function replayAfterCursor(
  log: Log,
  topics: readonly string[],
  cursorText: string,
  opening: readonly Uint8Array[],
): Promise<Replay> {
  const cursor = parseCursor(cursorText);
  const [read, head] = await Promise.all([cursor ? log.read(topics, cursor) : null, log.head()]);
  const reset = (reason: ResetReason): Replay => ({
    frames: [...opening, formatReset(reason, cursorId(head))],
    lastOffset: head.offset,
    epoch: head.epoch,
  });
  if (!cursor || !read) return reset('malformed');
  if (!read.ok) return reset(read.reason);
  // A position this log never reached: forged, or from a log that lost its tail.
  if (cursor.epoch === head.epoch && cursor.offset > head.offset) return reset('unknown');
  return {
    frames: [...opening, ...read.entries.map(formatEntry)],
    lastOffset: read.entries.at(-1)?.offset ?? cursor.offset,
    epoch: head.epoch,
  };
}
