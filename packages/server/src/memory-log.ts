/**
 * The embedded, in-process log: one ring of the newest `maxEvents` entries across all topics.
 * Offsets are consecutive, so finding a cursor is an index computation, not a scan.
 */
import type { Log, LogCursor, LogEntry, LogRead } from './log.js';
import { createTopicListeners } from './topic-listeners.js';

/**
 * Options of {@link memoryLog}.
 *
 * @example
 * const log = memoryLog({ maxEvents: 5000 } satisfies MemoryLogOptions);
 */
export interface MemoryLogOptions {
  /** How many entries (all topics together) stay replayable; default 1000. */
  maxEvents?: number;
  /** The epoch token ([A-Za-z0-9]+); default a random one per log, so a restart is detected. */
  epoch?: string;
}

function randomEpoch(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  let token = '';
  for (const byte of bytes) token += (byte % 36).toString(36);
  return token;
}

/**
 * Creates the default log: memory only, lost on restart (clients then get one `ssekit:reset`
 * with reason `epoch`).
 *
 * @example
 * const hub = createHub({ log: memoryLog({ maxEvents: 5000 }) });
 */
export function memoryLog(options: MemoryLogOptions = {}): Log {
  const maxEvents = options.maxEvents ?? 1000;
  if (!Number.isInteger(maxEvents) || maxEvents < 1) {
    throw new RangeError(`memoryLog: maxEvents must be a positive integer, got ${maxEvents}`);
  }
  const epoch = options.epoch ?? randomEpoch();
  if (!/^[A-Za-z0-9]+$/.test(epoch)) {
    throw new TypeError(`memoryLog: epoch must match [A-Za-z0-9]+, got ${JSON.stringify(epoch)}`);
  }
  // The entry with offset o lives at ring[(o - 1) % maxEvents].
  const ring: (LogEntry | undefined)[] = new Array(maxEvents);
  let last = 0;
  const seqs = new Map<string, number>();
  // Per topic, the highest offset evicted from the ring: a read after a lower cursor is `trimmed`.
  const evicted = new Map<string, number>();
  const listeners = createTopicListeners();
  let closed = false;

  return {
    async append(topic, event, data) {
      if (closed) throw new Error('memoryLog: append after close(); create a new log');
      const offset = ++last;
      const seq = (seqs.get(topic) ?? 0) + 1;
      seqs.set(topic, seq);
      const slot = (offset - 1) % maxEvents;
      const old = ring[slot];
      if (old) evicted.set(old.topic, old.offset);
      const entry: LogEntry = { id: `${epoch}-${offset}`, epoch, offset, topic, seq, event, data };
      ring[slot] = entry;
      listeners.deliver(entry);
      return entry;
    },

    async read(topics, after): Promise<LogRead> {
      if (after.epoch !== epoch) return { ok: false, reason: 'epoch' };
      for (const topic of topics) {
        if ((evicted.get(topic) ?? 0) > after.offset) return { ok: false, reason: 'trimmed' };
      }
      const wanted = new Set(topics);
      const entries: LogEntry[] = [];
      for (
        let offset = Math.max(after.offset + 1, last - maxEvents + 1);
        offset <= last;
        offset++
      ) {
        const entry = ring[(offset - 1) % maxEvents]!;
        if (wanted.has(entry.topic)) entries.push(entry);
      }
      return { ok: true, entries };
    },

    subscribe: (topics, listener) => listeners.subscribe(topics, listener),

    async head(): Promise<LogCursor> {
      return { epoch, offset: last };
    },

    async close() {
      closed = true;
      listeners.clear();
    },
  };
}
