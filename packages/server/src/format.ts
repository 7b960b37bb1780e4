/**
 * SSE framing per the WHATWG "event stream" rules. Every published event is formatted here once;
 * the same bytes then go to every connection that follows its topic.
 */
import type { LogEntry } from './log.js';

const encoder = new TextEncoder();
const lineBreak = /\r\n|\r|\n/;

type BufferView = (buffer: ArrayBufferLike, offset: number, length: number) => Uint8Array;
const NodeBuffer = (globalThis as { Buffer?: { from: BufferView } }).Buffer;

/**
 * UTF-8 bytes of a frame. On Node they are wrapped (not copied) as a Buffer: node's streams turn
 * any other Uint8Array into a new Buffer on every write, which is once per connection per event.
 */
function encode(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  return NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/**
 * Why a cursor could not be honoured: the `reason` of an `ssekit:reset` event.
 *
 * @example
 * source.event<{ reason: ResetReason }>('ssekit:reset').on(({ reason }) => refetch(reason));
 */
export type ResetReason = 'trimmed' | 'unknown' | 'malformed' | 'epoch';

/**
 * The bytes of one event: `id:`, `event:` (omitted for `message`), and one `data:` line per line
 * of data, since a CR or LF inside a `data:` line would end the field.
 *
 * @example
 * formatEntry({ id: 'k3x9-7', event: 'order', data: '{"n":1}', ... }); // bytes of "id: k3x9-7\nevent: order\ndata: {"n":1}\n\n"
 */
export function formatEntry(entry: Pick<LogEntry, 'id' | 'event' | 'data'>): Uint8Array {
  let text = `id: ${entry.id}\n`;
  if (entry.event) text += `event: ${entry.event}\n`;
  for (const line of entry.data.split(lineBreak)) text += `data: ${line}\n`;
  return encode(`${text}\n`);
}

/**
 * The one `ssekit:reset` event a stream sends when its cursor cannot be honoured; its id is the
 * log's head, so a later reconnect resumes from now.
 *
 * @example
 * formatReset('trimmed', 'k3x9-120'); // id: k3x9-120 / event: ssekit:reset / data: {"reason":"trimmed"}
 */
export function formatReset(reason: ResetReason, headId: string): Uint8Array {
  return formatEntry({ id: headId, event: 'ssekit:reset', data: JSON.stringify({ reason }) });
}

/**
 * An id with no data: it dispatches no event, but moves the client's last event id (WHATWG
 * dispatch step 1). A fresh stream starts with it, so a client that drops before its first event
 * still resumes from where it joined instead of from "now".
 *
 * @example
 * positionFrame('k3x9-120'); // bytes of "id: k3x9-120\n\n"
 */
export function positionFrame(id: string): Uint8Array {
  return encode(`id: ${id}\n\n`);
}

/**
 * The heartbeat comment. The first bytes of every stream are this comment, so the ssekit client
 * learns the interval and detects a dead stream by itself (at 3× the interval).
 *
 * @example
 * heartbeatFrame(15_000); // bytes of ": heartbeat 15000\n\n"
 */
export function heartbeatFrame(heartbeatMs: number): Uint8Array {
  return encode(`: heartbeat ${heartbeatMs}\n\n`);
}

/**
 * The `retry:` field, sent once when a stream opens.
 *
 * @example
 * retryFrame(2000); // bytes of "retry: 2000\n\n"
 */
export function retryFrame(retryMs: number): Uint8Array {
  return encode(`retry: ${Math.max(0, Math.floor(retryMs))}\n\n`);
}

/**
 * Throws a clear error when an event name would break the framing (a CR or LF ends a field).
 *
 * @example
 * checkEventName('order'); // ok
 * checkEventName('a\nb'); // throws TypeError
 */
export function checkEventName(event: string | undefined): void {
  if (event !== undefined && /[\r\n]/.test(event)) {
    throw new TypeError(
      `ssekit hub: the event name ${JSON.stringify(event)} contains a CR or LF, which would end the field on the wire; use a name without line breaks`,
    );
  }
}

/**
 * UTF-8 byte length without allocating for plain ASCII.
 *
 * @example
 * byteLength('é'); // 2
 */
export function byteLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  return /^[\x00-\x7f]*$/.test(text) ? text.length : encoder.encode(text).length;
}
