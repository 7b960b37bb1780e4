/**
 * One client stream: its topics, the live entries it buffers while its replay is read, and the
 * bound on bytes waiting for it. The hub owns the list of connections; a connection only knows
 * how to write, end and free itself.
 */
import { formatReset } from './format.js';
import type { LogEntry } from './log.js';

/**
 * Where a connection's bytes go: a node:http response or a Web `ReadableStream`.
 *
 * @example
 * const sink: Sink = { write: (c) => res.write(c), pending: () => res.writableLength, end: () => res.end(), abort: () => res.destroy() };
 */
export interface Sink {
  /** Queues bytes for the client. */
  write(chunk: Uint8Array): void;
  /** Bytes written and not yet handed to the network (socket buffer or stream queue). */
  pending(): number;
  /** Ends the stream cleanly once queued bytes are out. */
  end(): void;
  /** Drops the stream at once and frees what is queued. */
  abort(): void;
}

interface Buffered {
  readonly entry: LogEntry;
  readonly frame: Uint8Array;
}

/**
 * Why a connection ended; `overflow` is a client that could not keep up.
 *
 * @example
 * if (connection.reason === 'overflow') metrics.slowClients++;
 */
export type CloseReason = 'client' | 'overflow' | 'drain' | 'rotate' | 'refused';

/**
 * A stream between the hub and one client.
 *
 * @example
 * const connection = new Connection(['orders'], 1 << 20, Date.now, (c) => registry.delete(c));
 * connection.start(sink, [heartbeatFrame(15_000), ...replayFrames], lastReplayedOffset);
 */
export class Connection {
  /** Highest offset written (or skipped by a reset): live entries at or below it are not sent twice. */
  lastOffset = 0;
  /** The log epoch `lastOffset` belongs to; undefined until the join or the first entry tells. */
  epoch: string | undefined;
  /** When bytes were last written: the shared heartbeat timer reads it. */
  lastWriteAt: number;
  /** When maxConnectionAgeMs rotation ends this stream (Infinity: never). */
  rotateAt = Number.POSITIVE_INFINITY;
  closed = false;
  reason: CloseReason | null = null;
  private sink: Sink | null = null;
  // Live entries that arrive while the replay is being read; null once live.
  private buffer: Buffered[] | null = [];
  private bufferedBytes = 0;

  constructor(
    readonly topics: readonly string[],
    private readonly maxQueueBytes: number,
    private readonly now: () => number,
    private readonly onClose: (connection: Connection) => void,
  ) {
    this.lastWriteAt = now();
  }

  /** A live entry from the hub's fan-out, with the frame formatted once for every connection. */
  deliver(entry: LogEntry, frame: Uint8Array): void {
    if (this.closed) return;
    if (this.buffer) {
      this.buffer.push({ entry, frame });
      this.bufferedBytes += frame.byteLength;
      if (this.bufferedBytes > this.maxQueueBytes) this.close('overflow');
      return;
    }
    if (this.epoch !== undefined && entry.epoch !== this.epoch) {
      // The storage was wiped: offsets restarted below lastOffset, so comparing them would drop
      // the new epoch's entries until they caught up. One reset, then live from this entry on.
      this.lastOffset = entry.offset - 1;
      this.write(formatReset('epoch', `${entry.epoch}-${this.lastOffset}`));
    }
    this.epoch = entry.epoch;
    if (entry.offset <= this.lastOffset) return;
    this.lastOffset = entry.offset;
    this.write(frame);
  }

  /**
   * Goes live: writes the opening frames (heartbeat announcement, retry, replay or reset), then
   * the live entries buffered meanwhile that are newer than `lastOffset` (in `epoch`, when the
   * join read one).
   */
  start(sink: Sink, frames: readonly Uint8Array[], lastOffset: number, epoch?: string): void {
    if (this.closed) {
      sink.end();
      return;
    }
    this.sink = sink;
    this.lastOffset = lastOffset;
    this.epoch = epoch;
    for (const frame of frames) this.write(frame);
    const buffered = this.buffer ?? [];
    this.buffer = null;
    this.bufferedBytes = 0;
    for (const { entry, frame } of buffered) this.deliver(entry, frame);
  }

  /** Writes bytes and enforces the queue bound. */
  write(chunk: Uint8Array): void {
    if (this.closed || !this.sink) return;
    this.sink.write(chunk);
    this.lastWriteAt = this.now();
    if (this.sink.pending() > this.maxQueueBytes) this.close('overflow');
  }

  /**
   * Ends the stream and frees everything at once. A clean end for drain and rotation; an abort
   * when the client is gone, overflowed, or would keep queued bytes alive forever.
   */
  close(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.reason = reason;
    this.buffer = null;
    this.bufferedBytes = 0;
    const sink = this.sink;
    this.sink = null;
    // A client that left took its stream with it: nothing to end.
    if (sink && reason !== 'client') {
      try {
        if (reason === 'overflow' || sink.pending() > 0) sink.abort();
        else sink.end();
      } catch {
        // Already torn down by the runtime: nothing left to free.
      }
    }
    this.onClose(this);
  }
}
