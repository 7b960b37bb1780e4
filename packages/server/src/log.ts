/**
 * The seam between a hub and its storage. The hub's join is: `subscribe` (buffer live entries)
 * → `read(after cursor)` → send the replay → send buffered entries with an offset above the last
 * replayed one → live. Offsets are global across topics, which makes that exact for a connection
 * that follows several topics with one `Last-Event-ID`.
 */

/**
 * One stored event.
 *
 * @example
 * const entry: LogEntry = await log.append('orders', 'order', '{"n":1}');
 * entry.id; // 'k3x9q-1'
 */
export interface LogEntry {
  /** `${epoch}-${offset}`: what goes on the wire as `id:`. */
  readonly id: string;
  /** The storage's epoch: a short opaque token ([A-Za-z0-9]+). */
  readonly epoch: string;
  /** Strictly increasing across every topic of this log within one epoch. */
  readonly offset: number;
  /** The topic the entry was published to. */
  readonly topic: string;
  /** 1, 2, 3… per topic within one epoch: a gap means a missed entry. */
  readonly seq: number;
  /** SSE event name, or undefined for `message`. */
  readonly event: string | undefined;
  /** The serialised data text (may contain newlines; the hub formats it). */
  readonly data: string;
}

/**
 * A position in the log.
 *
 * @example
 * const after: LogCursor = { epoch: 'k3x9q', offset: 41 };
 */
export interface LogCursor {
  /** The epoch the offset belongs to. */
  readonly epoch: string;
  /** The last offset already seen (0: nothing seen yet). */
  readonly offset: number;
}

/**
 * The answer to a replay request: every missed entry, or why that cannot be known exactly.
 *
 * @example
 * const read: LogRead = await log.read(['orders'], after);
 * if (!read.ok) console.log(read.reason); // 'trimmed' | 'epoch'
 */
export type LogRead =
  | { readonly ok: true; readonly entries: readonly LogEntry[] } // ordered by offset
  | { readonly ok: false; readonly reason: 'trimmed' | 'epoch' };

/**
 * Where a hub keeps its events. Memory (the default) and Redis implement it; others can.
 *
 * @example
 * const hub = createHub({ log: memoryLog({ maxEvents: 1000 }) });
 */
export interface Log {
  /** Stores one event and returns it with its id. Rejects with a clear error when storage is down. */
  append(topic: string, event: string | undefined, data: string): Promise<LogEntry>;
  /** Entries of `topics` with offset > after.offset, oldest first; `epoch` when after.epoch is not the current epoch; `trimmed` when an entry of one of these topics after the cursor is gone. */
  read(topics: readonly string[], after: LogCursor): Promise<LogRead>;
  /** Calls `listener` for every entry appended to one of `topics` from now on (by any process sharing the storage), in offset order, exactly once each. Returns an unsubscribe. */
  subscribe(topics: readonly string[], listener: (entry: LogEntry) => void): () => void;
  /** The newest position (offset 0 when empty): where a reset client resumes from. Rejects when storage is down. */
  head(): Promise<LogCursor>;
  /** Optional: false while storage is unreachable; the hub then answers new connections 503 + Retry-After. */
  readonly available?: boolean;
  /** Frees timers and connections the log owns. */
  close(): Promise<void>;
}
