/**
 * Parsing the resume point a client sends (`Last-Event-ID`, else `?lastEventId=`). Ids are
 * `<epoch>-<offset>`: finding one is a lookup by offset, never a scan.
 */
import type { LogCursor } from './log.js';

/**
 * Longer cursors are never ours: answered with a reset, not parsed.
 *
 * @example
 * parseCursor('a'.repeat(MAX_CURSOR_LENGTH + 1)); // null
 */
export const MAX_CURSOR_LENGTH = 128;

const shape = /^([A-Za-z0-9]+)-(0|[1-9][0-9]*)$/;

/**
 * The cursor in `text`, or `null` when it is not an id this hub could have issued (a reset with
 * reason `malformed` follows).
 *
 * @example
 * parseCursor('k3x9-41'); // { epoch: 'k3x9', offset: 41 }
 * parseCursor('not-an-id'); // null
 */
export function parseCursor(text: string): LogCursor | null {
  if (text.length > MAX_CURSOR_LENGTH) return null;
  const match = shape.exec(text);
  if (!match) return null;
  const offset = Number(match[2]);
  if (!Number.isSafeInteger(offset)) return null;
  return { epoch: match[1]!, offset };
}

/**
 * The wire id of a position.
 *
 * @example
 * cursorId({ epoch: 'k3x9', offset: 41 }); // 'k3x9-41'
 */
export function cursorId(cursor: LogCursor): string {
  return `${cursor.epoch}-${cursor.offset}`;
}
