import type { ServerSentEvent, SSEError } from './types';

/**
 * What {@link createEventStreamParser} reports to.
 *
 * @example
 * const options: EventStreamParserOptions = { onEvent: (event) => console.log(event.data) };
 */
export interface EventStreamParserOptions {
  /** One dispatched event. */
  onEvent(event: ServerSentEvent): void;
  /** The stream sent `retry:` with a valid number of milliseconds. */
  onRetry?(ms: number): void;
  /** A comment line (`: ping` heartbeats), without the colon and one leading space. */
  onComment?(text: string): void;
  /** An event larger than `maxEventSize` was dropped (kind `oversized`); parsing goes on. */
  onError?(error: SSEError): void;
  /**
   * A block without data changed the last event id: no event is dispatched, but the spec keeps
   * the id for the next reconnect. (Events carry their id themselves.)
   */
  onLastEventId?(id: string): void;
  /** The last event id of a resumed stream, carried by events until the stream sends an `id:`. */
  lastEventId?: string;
  /**
   * The largest event `data` kept, in UTF-16 code units (what `event.data.length` counts);
   * default 8 MiB. A larger event is reported to `onError` and dropped without being buffered.
   */
  maxEventSize?: number;
}

/**
 * A streaming parser: feed it chunks as they arrive, call `end()` when the stream ends.
 *
 * @example
 * const parser: EventStreamParser = createEventStreamParser({ onEvent: console.log });
 * for await (const chunk of response.body) parser.feed(chunk);
 * parser.end();
 */
export interface EventStreamParser {
  /** Parses UTF-8 bytes or text (one kind per stream); a chunk may end anywhere. */
  feed(chunk: Uint8Array | string): void;
  /** The stream ended: drops an unfinished event. The parser can then parse a new stream. */
  end(): void;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const STREAM = { stream: true };
const EMPTY = new Uint8Array(0);

// ignoreBOM keeps a U+FEFF in the text: only the one at the very start of the stream goes.
const decoder = (): TextDecoder => new TextDecoder('utf-8', { ignoreBOM: true });
// Decoding whole characters without `stream` keeps no state, so every parser shares one.
let oneShot: TextDecoder | undefined;

const DIGITS = /^\d+$/;

// Whether a `data:` field starts at `i`.
const isData = (s: string, i: number): boolean =>
  s.charCodeAt(i) === 100 &&
  s.charCodeAt(i + 1) === 97 &&
  s.charCodeAt(i + 2) === 116 &&
  s.charCodeAt(i + 3) === 97 &&
  s.charCodeAt(i + 4) === COLON;

// Where a field value starts: one space after the colon is part of the syntax.
const valueAt = (s: string, i: number, end: number): number =>
  i < end && s.charCodeAt(i) === SPACE ? i + 1 : i;

/**
 * Parses `text/event-stream` bytes exactly as the WHATWG HTML "interpreting an event stream"
 * rules say, in time linear in the input however it is chunked.
 *
 * @example
 * const parser = createEventStreamParser({ onEvent: (event) => console.log(event.type, event.data) });
 * parser.feed(new TextEncoder().encode('event: tick\ndata: {"n":1}\n\n'));
 * parser.end();
 */
export function createEventStreamParser(options: EventStreamParserOptions): EventStreamParser {
  const maxEventSize = options.maxEventSize ?? 8 * 1024 * 1024;
  // No line of an event we keep is longer: `data: ` and the data.
  const maxLine = maxEventSize + 6;
  // Bytes → text → lines → fields → events: each stage is given the functions of the next
  // that it calls, so they are made, and defined below, last first.
  const [appendData, setType, setId, noDataYet, emit, dispatch, drop, resetEvent] =
    createEventAssembler(options, maxEventSize);
  const line = createFieldReader(appendData, setType, setId, drop, options, maxLine);
  const [text, pendingLength, resetLine] = createLineSplitter(
    line,
    noDataYet,
    emit,
    dispatch,
    drop,
    maxLine,
  );
  const [bytes, resetBytes] = createUtf8Decoder(text, pendingLength, maxLine);
  return {
    feed: (chunk) => {
      if (typeof chunk === 'string') text(chunk);
      else bytes(chunk);
    },
    end: () => {
      // Whatever is still buffered belongs to an unfinished line or event: the spec drops it.
      resetBytes();
      resetLine();
      resetEvent();
    },
  };
}

/** The event assembler's functions, each described where it is made. */
type EventAssembler = [
  appendData: (s: string, from: number, end: number) => void,
  setType: (s: string, from: number, end: number) => void,
  setId: (s: string, from: number, end: number) => void,
  noDataYet: () => boolean,
  emit: (value: string) => void,
  dispatch: () => void,
  drop: () => void,
  reset: () => void,
];

/**
 * Builds each event from its fields and dispatches it at the blank line that ends it. A field
 * value is `s[from, end)` from just after the colon, less the one space the syntax allows.
 */
function createEventAssembler(
  options: EventStreamParserOptions,
  maxEventSize: number,
): EventAssembler {
  const { onEvent, onError, onLastEventId } = options;
  let lastEventId = options.lastEventId ?? '';
  // The id the caller last heard of, through an event or onLastEventId.
  let reportedId = lastEventId;
  let data = '';
  let hasData = false;
  let type = '';
  let oversized = false;

  // The event is too big: its data goes, reported once, until the blank line that ends it.
  const drop = (): void => {
    if (!oversized) {
      oversized = true;
      onError?.({
        kind: 'oversized',
        message: `Event data over maxEventSize (${maxEventSize} characters) was dropped: raise maxEventSize to keep such events.`,
      });
    }
    data = '';
    hasData = false;
  };

  // Every event leaves through here, from `dispatch()` and from the one-line fast path alike,
  // so the two cannot drift apart. State is reset before calling out, so a throwing listener
  // leaves the parser consistent.
  const emit = (value: string): void => {
    const event = { type: type || 'message', data: value, lastEventId };
    type = '';
    reportedId = lastEventId;
    onEvent(event);
  };

  // A blank line: the event goes out if it has data; either way the next one starts.
  const dispatch = (): void => {
    const value = data;
    const event = hasData && !oversized;
    data = '';
    hasData = false;
    oversized = false;
    if (event) {
      emit(value);
    } else {
      type = '';
      if (lastEventId !== reportedId) onLastEventId?.(lastEventId);
      reportedId = lastEventId;
    }
  };

  // Whether the one-line fast path may go: no data yet, and the event was not dropped.
  const noDataYet = (): boolean => !hasData && !oversized;

  const appendData = (s: string, from: number, end: number): void => {
    if (oversized) return;
    const value = valueAt(s, from, end);
    if ((hasData ? data.length + 1 : 0) + end - value > maxEventSize) {
      drop();
      return;
    }
    data = hasData ? `${data}\n${s.slice(value, end)}` : s.slice(value, end);
    hasData = true;
  };

  const setType = (s: string, from: number, end: number): void => {
    type = s.slice(valueAt(s, from, end), end);
  };

  const setId = (s: string, from: number, end: number): void => {
    const value = valueAt(s, from, end);
    // An id containing NUL is ignored.
    for (let i = value; i < end; i++) if (!s.charCodeAt(i)) return;
    lastEventId = s.slice(value, end);
  };

  // The stream ended: the unfinished event goes, the last event id stays.
  const reset = (): void => {
    data = type = '';
    hasData = oversized = false;
  };

  return [appendData, setType, setId, noDataYet, emit, dispatch, drop, reset];
}

/**
 * Reads each line, `s[start, end)` and never blank, as a comment or a field, and hands the
 * fields to the event assembler, each as `s[from, end)` from just after its colon (the
 * assembler skips the optional space: the less code here, the more of it V8 inlines into the
 * line loop). Returns the function that takes the lines.
 */
function createFieldReader(
  appendData: (s: string, from: number, end: number) => void,
  setType: (s: string, from: number, end: number) => void,
  setId: (s: string, from: number, end: number) => void,
  drop: () => void,
  options: EventStreamParserOptions,
  maxLine: number,
): (s: string, start: number, end: number) => void {
  const { onRetry, onComment } = options;

  // Data lines, the most frequent, are recognised by their first characters; the function
  // stays small enough for the engine to inline it.
  const line = (s: string, start: number, end: number): void => {
    if (end - start > maxLine) {
      drop();
    } else if (isData(s, start)) {
      appendData(s, start + 5, end);
    } else {
      field(s, start, end);
    }
  };

  // Any other line: comments, `event:` and `id:` by their first characters, then the rest.
  // (The character tests are written out: as helper calls they slow the parser down.)
  const field = (s: string, start: number, end: number): void => {
    const c = s.charCodeAt(start);
    if (c === COLON) {
      onComment?.(s.slice(valueAt(s, start + 1, end), end));
    } else if (
      c === 101 &&
      s.charCodeAt(start + 1) === 118 &&
      s.charCodeAt(start + 2) === 101 &&
      s.charCodeAt(start + 3) === 110 &&
      s.charCodeAt(start + 4) === 116 &&
      s.charCodeAt(start + 5) === COLON
    ) {
      setType(s, start + 6, end);
    } else if (c === 105 && s.charCodeAt(start + 1) === 100 && s.charCodeAt(start + 2) === COLON) {
      setId(s, start + 3, end);
    } else {
      otherLine(s, start, end);
    }
  };

  // Rare lines: retry, unknown fields, a field name without a colon.
  const otherLine = (s: string, start: number, end: number): void => {
    let colon = start;
    while (colon < end && s.charCodeAt(colon) !== COLON) colon++;
    const name = s.slice(start, colon);
    // Without a colon the whole line is the name, and the value is empty.
    const from = colon < end ? colon + 1 : end;
    const value = valueAt(s, from, end);
    if (name === 'data') appendData(s, from, end);
    else if (name === 'event') setType(s, from, end);
    else if (name === 'id') setId(s, from, end);
    else if (name === 'retry' && DIGITS.test(s.slice(value, end))) onRetry?.(+s.slice(value, end));
  };

  return line;
}

/**
 * `text()` takes the next chunk; `pendingLength()` is the length of the unfinished line held
 * from earlier chunks; `reset()` forgets that line.
 */
type LineSplitter = [text: (s: string) => void, pendingLength: () => number, reset: () => void];

/**
 * Splits text into lines and hands each to `line()` as `s[start, end)`, without its line end.
 * A line split across chunks is joined first; a chunk may end anywhere, even between the CR
 * and LF of a CRLF. A blank line is `dispatch()`; a line too long to keep is `drop()`ped and
 * skipped. The most common event, one `data:` line, takes a fast path straight to `emit()`.
 */
function createLineSplitter(
  line: (s: string, start: number, end: number) => void,
  noDataYet: () => boolean,
  emit: (value: string) => void,
  dispatch: () => void,
  drop: () => void,
  maxLine: number,
): LineSplitter {
  let started = false;
  // The previous chunk ended in CR: an LF starting this one completes a CRLF, not a blank line.
  let afterCR = false;
  // The start of a line split across chunks. Appending makes a rope that is only read (and
  // so flattened) once the line ends: linear however many chunks the line spans.
  let pending = '';
  // The rest of a line too long to keep is being skipped.
  let skipping = false;

  const text = (s: string): void => {
    const length = s.length;
    if (!length) return;
    let pos = 0;
    if (!started) {
      started = true;
      if (s.charCodeAt(0) === 0xfeff) pos = 1;
    }
    if (afterCR) {
      afterCR = false;
      if (s.charCodeAt(pos) === LF) pos++;
    }
    // Each search result is kept until passed, so every character is scanned once per kind
    // (and a stream without CR scans for it once per chunk).
    let lf = s.indexOf('\n', pos);
    let cr = s.indexOf('\r', pos);
    while (lf !== -1 || cr !== -1) {
      const eol = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      if (skipping) {
        skipping = false;
      } else if (pending) {
        const joined = pending + s.slice(pos, eol);
        pending = '';
        line(joined, 0, joined.length);
      } else if (pos === eol) {
        dispatch();
      } else if (
        // The fast path: a lone `data:` line then a blank line, the most common event, needs
        // no buffering. It is written out in the loop rather than called: V8 inlines only so
        // much into this loop, and the field reader needs that budget (as a call, this path
        // left named events and comments about 5% slower).
        noDataYet() &&
        eol === lf &&
        s.charCodeAt(eol + 1) === LF &&
        eol - pos < maxLine &&
        isData(s, pos)
      ) {
        const value = s.slice(valueAt(s, pos + 5, eol), eol);
        pos = eol + 2;
        lf = s.indexOf('\n', pos);
        emit(value);
        continue;
      } else {
        line(s, pos, eol);
      }
      pos = eol + 1;
      if (eol === lf) {
        // The usual end of an event, `\n\n`, dispatches without another turn of the loop.
        if (pos < length && s.charCodeAt(pos) === LF) {
          dispatch();
          pos++;
        }
        lf = s.indexOf('\n', pos);
      } else {
        if (pos === length) {
          afterCR = true;
        } else if (s.charCodeAt(pos) === LF) {
          pos++;
          lf = s.indexOf('\n', pos);
        }
        cr = s.indexOf('\r', pos);
      }
    }
    if (pos < length && !skipping) {
      if (pending.length + length - pos > maxLine) {
        // Too long to be part of an event we would keep: stop buffering it at all.
        pending = '';
        skipping = true;
        drop();
      } else {
        pending += pos ? s.slice(pos) : s;
      }
    }
  };

  const reset = (): void => {
    pending = '';
    skipping = afterCR = started = false;
  };

  return [text, () => pending.length, reset];
}

/** `bytes()` takes the next chunk; `reset()` forgets a cut character and held bytes. */
type Utf8Decoder = [bytes: (chunk: Uint8Array) => void, reset: () => void];

/**
 * Decodes UTF-8 chunks, which may end inside a character, and passes the text to `text()`.
 * `pendingLength()` is how much of an unfinished line the text continues.
 */
function createUtf8Decoder(
  text: (s: string) => void,
  pendingLength: () => number,
  maxLine: number,
): Utf8Decoder {
  // Node's one-shot decode is several times faster than its streaming mode on ASCII, slower on
  // other text: ASCII goes one-shot, the rest streams.
  let streaming: TextDecoder | undefined;
  let ascii = true;
  // Small chunks held undecoded until a line end arrives: a long event dripped in small chunks
  // then costs one decode and about one byte per byte, not a string per chunk.
  let held = EMPTY;
  let heldSize = 0;

  // Appends `chunk` to the held bytes, growing the buffer geometrically.
  const hold = (chunk: Uint8Array): void => {
    if (heldSize + chunk.length > held.length) {
      const grown = new Uint8Array(Math.max(4096, (heldSize + chunk.length) * 2));
      grown.set(held.subarray(0, heldSize));
      held = grown;
    }
    held.set(chunk, heldSize);
    heldSize += chunk.length;
  };

  const bytes = (chunk: Uint8Array): void => {
    // Small chunks wait for a line end while a long line goes on, or while the text is not
    // ASCII: fewer, bigger decodes, and no string per chunk. A UTF-16 code unit takes at most
    // 3 bytes: beyond that a line is certainly too long, and is decoded to be dropped.
    const small =
      chunk.length <= 64 &&
      (heldSize || !ascii || pendingLength() > 1024) &&
      pendingLength() + heldSize / 3 <= maxLine;
    if (small || heldSize) {
      hold(chunk);
      if (small) {
        let end = 0;
        while (end < chunk.length && chunk[end] !== LF && chunk[end] !== CR) end++;
        if (end === chunk.length) return;
      }
      chunk = held.subarray(0, heldSize);
      heldSize = 0;
    }
    // A chunk ending in an ASCII byte ends between characters; any other may end inside one,
    // whose first bytes the streaming decoder keeps for the next chunk.
    const whole = chunk[chunk.length - 1]! < 0x80;
    let decoded: string;
    if (ascii && whole) {
      oneShot ??= decoder();
      decoded = oneShot.decode(chunk);
    } else {
      streaming ??= decoder();
      decoded = streaming.decode(chunk, STREAM);
    }
    // One-shot decodes again after a plain ASCII chunk, which leaves nothing held back.
    ascii = whole && decoded.length === chunk.length;
    text(decoded);
    // Let a buffer grown by a huge line go.
    if (held.length > 262144) held = EMPTY;
  };

  const reset = (): void => {
    streaming?.decode();
    ascii = true;
    heldSize = 0;
    held = EMPTY;
  };

  return [bytes, reset];
}
