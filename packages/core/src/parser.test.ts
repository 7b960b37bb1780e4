import { describe, expect, it } from 'vitest';
import { createEventStreamParser, type EventStreamParserOptions } from './parser';
import type { ServerSentEvent, SSEError } from './types';

interface Parsed {
  events: ServerSentEvent[];
  retries: number[];
  comments: string[];
  errors: SSEError[];
}

type Extra = Omit<EventStreamParserOptions, 'onEvent' | 'onRetry' | 'onComment' | 'onError'>;

const encoder = new TextEncoder();
const toBytes = (input: string | Uint8Array): Uint8Array =>
  typeof input === 'string' ? encoder.encode(input) : input;

/** Feeds `chunks` in order, then ends the stream, recording every callback. */
function parseChunks(chunks: Iterable<Uint8Array | string>, extra: Extra = {}): Parsed {
  const parsed: Parsed = { events: [], retries: [], comments: [], errors: [] };
  const parser = createEventStreamParser({
    ...extra,
    onEvent: (event) => parsed.events.push(event),
    onRetry: (ms) => parsed.retries.push(ms),
    onComment: (text) => parsed.comments.push(text),
    onError: (error) => parsed.errors.push(error),
  });
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return parsed;
}

function* oneByteAtATime(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

function* inSlices(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/**
 * Parses the same stream fed whole as bytes, one byte at a time and (given as text) as one
 * string and one character at a time; every way must agree, and the agreed result is returned.
 */
function parse(input: string | Uint8Array, extra: Extra = {}): Parsed {
  const bytes = toBytes(input);
  const whole = parseChunks([bytes], extra);
  expect(parseChunks(oneByteAtATime(bytes), extra), 'fed one byte at a time').toEqual(whole);
  if (typeof input === 'string') {
    expect(parseChunks([input], extra), 'fed as one string').toEqual(whole);
    expect(parseChunks([...input], extra), 'fed one character at a time').toEqual(whole);
  }
  return whole;
}

const message = (data: string, lastEventId = '', type = 'message'): ServerSentEvent => ({
  type,
  data,
  lastEventId,
});

describe('createEventStreamParser', () => {
  it('dispatches an event at a blank line, with type message by default', () => {
    expect(parse('data: hello\n\n').events).toEqual([message('hello')]);
  });

  it('uses the event field as the type, then resets it for the next event', () => {
    expect(parse('event: tick\ndata: 1\n\ndata: 2\n\n').events).toEqual([
      message('1', '', 'tick'),
      message('2'),
    ]);
  });

  it('tells apart event types of the same length', () => {
    expect(
      parse('event: tick\ndata: 1\n\nevent: tock\ndata: 2\n\nevent: tick\ndata: 3\n\n').events,
    ).toEqual([message('1', '', 'tick'), message('2', '', 'tock'), message('3', '', 'tick')]);
  });

  it('joins multiple data lines with a line feed and drops the final one', () => {
    expect(parse('data: a\ndata:\ndata: b\n\n').events).toEqual([message('a\n\nb')]);
  });

  it('does not dispatch an event without data, but resets its type', () => {
    expect(parse('event: lonely\n\nid: 1\n\n:just a comment\n\ndata: x\n\n').events).toEqual([
      message('x', '1'),
    ]);
  });

  it('dispatches an event whose only data line is empty, with empty data', () => {
    expect(parse('data\n\ndata:\n\n').events).toEqual([message(''), message('')]);
  });

  describe('UTF-8', () => {
    const text = 'data: café 😀 ünï\n\n';

    it('keeps a multi-byte character whole when a chunk boundary splits it', () => {
      const bytes = encoder.encode(text);
      // Every split point, including inside the 2-byte é and the 4-byte 😀.
      for (let cut = 1; cut < bytes.length; cut++) {
        const parsed = parseChunks([bytes.subarray(0, cut), bytes.subarray(cut)]);
        expect(parsed.events, `split at byte ${cut}`).toEqual([message('café 😀 ünï')]);
      }
      expect(parse(text).events).toEqual([message('café 😀 ünï')]);
    });

    it('decodes any chunking of a multi-byte stream like one streaming TextDecoder would', () => {
      const stream = 'data: é😀\u{10348}ह€\n\nid: 😀\ndata: ✓\r\n\r\n'.repeat(20);
      const bytes = encoder.encode(stream);
      const expected = parseChunks([stream]);
      let seed = 7;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      for (let round = 0; round < 50; round++) {
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; ) {
          const size = 1 + Math.floor(random() * 7);
          chunks.push(bytes.subarray(i, i + size));
          i += size;
        }
        expect(parseChunks(chunks)).toEqual(expected);
      }
      expect(expected.events).toHaveLength(40);
    });

    it('turns invalid bytes into U+FFFD, also when split across chunks', () => {
      const bytes = new Uint8Array([...encoder.encode('data: a'), 0xe2, 0x82, 0x41, 0xff, 10, 10]);
      expect(parse(bytes).events).toEqual([message('a\ufffdA\ufffd')]);
      // The same after non-ASCII text, which decodes differently.
      const after = new Uint8Array([...encoder.encode('data: 数据\n\n'), ...bytes]);
      expect(parse(after).events).toEqual([message('数据'), message('a\ufffdA\ufffd')]);
    });

    it('strips a byte order mark only at the very start of the stream', () => {
      const parsed = parse('\ufeffdata: a\n\n\ufeffdata: b\n\ndata: \ufeffc\n\n');
      // Later, U+FEFF is just a character: it makes `\ufeffdata` an unknown field.
      expect(parsed.events).toEqual([message('a'), message('\ufeffc')]);
    });

    it('keeps a second byte order mark right after the first one', () => {
      expect(parse('\ufeff\ufeffdata: a\n\ndata: b\n\n').events).toEqual([message('b')]);
    });
  });

  describe('line ends', () => {
    it.each([
      ['LF', '\n'],
      ['CR', '\r'],
      ['CRLF', '\r\n'],
    ])('accepts %s', (_name, eol) => {
      const stream = `event: e${eol}id: 7${eol}data: a${eol}data: b${eol}${eol}data: c${eol}${eol}`;
      expect(parse(stream).events).toEqual([message('a\nb', '7', 'e'), message('c', '7')]);
    });

    it('accepts mixed line ends in one stream', () => {
      expect(parse('data: a\rdata: b\r\ndata: c\n\r\n').events).toEqual([message('a\nb\nc')]);
    });

    it('treats a CRLF split across two chunks as one line end', () => {
      const parsed = parseChunks(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
      expect(parsed.events).toEqual([message('a\nb')]);
    });

    it('treats a CR at the end of a chunk followed by a non-LF as a line end', () => {
      expect(parseChunks(['data: a\r', 'data: b\r', '\r']).events).toEqual([message('a\nb')]);
    });

    it('treats two CRs as two line ends', () => {
      expect(parseChunks(['data: a\r', '\rdata: b\r\r']).events).toEqual([
        message('a'),
        message('b'),
      ]);
    });
  });

  describe('id', () => {
    it('keeps the last event id across events until a new id arrives', () => {
      const parsed = parse('id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n');
      expect(parsed.events).toEqual([message('a', '1'), message('b', '1'), message('c', '2')]);
    });

    it('applies an id sent in a block without data to the following events', () => {
      expect(parse('id: 5\n\ndata: a\n\n').events).toEqual([message('a', '5')]);
    });

    it('ignores an id containing NUL', () => {
      const parsed = parse('id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n');
      expect(parsed.events).toEqual([message('a', '1'), message('b', '1')]);
    });

    it('resets the id to the empty string on an empty id field', () => {
      const parsed = parse('id: 1\ndata: a\n\nid:\ndata: b\n\nid: 2\n\nid\ndata: c\n\n');
      expect(parsed.events).toEqual([message('a', '1'), message('b'), message('c')]);
    });

    it('reports an id set by a block without data, once, without dispatching', () => {
      for (const feed of [
        (text: string) => [text],
        (text: string) => [...oneByteAtATime(toBytes(text))],
      ]) {
        const ids: string[] = [];
        const events: ServerSentEvent[] = [];
        const parser = createEventStreamParser({
          onEvent: (event) => events.push(event),
          onLastEventId: (id) => ids.push(id),
          lastEventId: '1',
        });
        for (const chunk of feed(
          'id: 1\n\nid: 7\n\nid: 7\n\n: ping\n\nid: 8\ndata: x\n\nid: 9\n\n',
        )) {
          parser.feed(chunk);
        }
        parser.end();
        // The spec keeps the id for the next reconnect even though nothing is dispatched.
        expect(ids).toEqual(['7', '9']);
        expect(events).toEqual([message('x', '8')]);
      }
    });

    it('reports an id reset after a one-line event, and nothing spurious (single-line fast path)', () => {
      const feeds = [
        (text: string) => [text],
        (text: string) => [...oneByteAtATime(toBytes(text))],
        (text: string) => [toBytes(text)],
      ];
      const run = (text: string, feed: (text: string) => (string | Uint8Array)[]) => {
        const ids: string[] = [];
        const events: ServerSentEvent[] = [];
        const parser = createEventStreamParser({
          onEvent: (event) => events.push(event),
          onLastEventId: (id) => ids.push(id),
        });
        for (const chunk of feed(text)) parser.feed(chunk);
        parser.end();
        return { ids, events };
      };
      for (const feed of feeds) {
        // WHATWG: a bare `id` line sets the last event id to "", which a reconnect must send.
        expect(run('id:1\ndata:\n\nid\n\n', feed)).toEqual({
          ids: [''],
          events: [message('', '1')],
        });
        // The event carried id 7: the extra blank line changes nothing.
        expect(run('id: 7\ndata: x\n\n\n', feed)).toEqual({
          ids: [],
          events: [message('x', '7')],
        });
      }
    });

    it('starts from the seeded lastEventId of a resumed stream', () => {
      const parsed = parse('data: a\n\nid: 43\ndata: b\n\n', { lastEventId: '42' });
      expect(parsed.events).toEqual([message('a', '42'), message('b', '43')]);
    });
  });

  describe('retry', () => {
    it('reports a retry made of ASCII digits only', () => {
      expect(parse('retry: 3000\n\nretry:0\n\n').retries).toEqual([3000, 0]);
    });

    it('ignores a retry with anything but digits, or empty', () => {
      const parsed = parse('retry: 1e3\nretry: -5\nretry: 10 \nretry: 2.5\nretry:\nretry: ١\n\n');
      expect(parsed.retries).toEqual([]);
    });

    it('does not dispatch an event for a retry-only block', () => {
      expect(parse('retry: 10\n\n').events).toEqual([]);
    });
  });

  describe('fields and comments', () => {
    it('reports comments without the colon and one leading space', () => {
      const parsed = parse(': ping\n:pong\n:  two spaces\n:\ndata: x\n\n');
      expect(parsed.comments).toEqual(['ping', 'pong', ' two spaces', '']);
      expect(parsed.events).toEqual([message('x')]);
    });

    it('ignores unknown fields and field names in another case', () => {
      const parsed = parse('foo: bar\nDATA: no\nEvent: no\ndata: yes\n\n');
      expect(parsed.events).toEqual([message('yes')]);
    });

    it('treats a line without a colon as a field with an empty value', () => {
      const parsed = parse('event: a\nevent\ndata\ndata\nid\n\n', { lastEventId: 'seed' });
      // `event` alone resets the type set just before, `id` alone the last event id.
      expect(parsed.events).toEqual([message('\n', '')]);
    });

    it('strips exactly one space after the colon', () => {
      const parsed = parse('data:  two\ndata:none\nevent:  spaced\n\n');
      expect(parsed.events).toEqual([message(' two\nnone', '', ' spaced')]);
    });

    it('keeps later colons in the value', () => {
      expect(parse('data: {"a":1}: x\n\n').events).toEqual([message('{"a":1}: x')]);
    });
  });

  describe('end()', () => {
    it('drops an event that is not terminated by a blank line', () => {
      expect(parse('data: a\n\ndata: b\n').events).toEqual([message('a')]);
      expect(parse('data: a\n\ndata: b').events).toEqual([message('a')]);
    });

    it('starts a new stream afterwards, with the id still known', () => {
      const events: ServerSentEvent[] = [];
      const parser = createEventStreamParser({ onEvent: (event) => events.push(event) });
      parser.feed('id: 1\ndata: a\n\ndata: half');
      parser.end();
      parser.feed(encoder.encode('\ufeffdata: b\n\n'));
      parser.end();
      expect(events).toEqual([message('a', '1'), message('b', '1')]);
    });

    it.each([
      ['after ASCII', ['data: ']],
      ['after other text', ['data: é\n\n', 'data: é']],
    ])('forgets a character cut off by the end of the previous stream (%s)', (_name, before) => {
      const events: ServerSentEvent[] = [];
      const parser = createEventStreamParser({ onEvent: (event) => events.push(event) });
      for (const text of before) parser.feed(encoder.encode(text));
      parser.feed(encoder.encode('é').subarray(0, 1));
      parser.end();
      events.length = 0;
      for (const text of ['data: ü\n\n', 'data: b\n\n']) parser.feed(encoder.encode(text));
      expect(events).toEqual([message('ü'), message('b')]);
    });
  });

  it('starts the next event afresh after a listener threw', () => {
    for (const encode of [(text: string) => text, toBytes]) {
      const events: ServerSentEvent[] = [];
      const parser = createEventStreamParser({
        onEvent: (event) => {
          events.push(event);
          throw new Error('listener failed');
        },
      });
      // A one-line event, a buffered one, then one with neither a type nor data left over.
      for (const text of [
        'event: a\ndata: 1\n\n',
        'event: b\ndata: 2\ndata: 3\n\n',
        'data: 4\n\n',
      ]) {
        expect(() => parser.feed(encode(text))).toThrow('listener failed');
      }
      expect(events).toEqual([message('1', '', 'a'), message('2\n3', '', 'b'), message('4')]);
    }
  });

  describe('maxEventSize', () => {
    it('drops an oversized event, reports it once, and parses the next event', () => {
      const huge = 'x'.repeat(100);
      const parsed = parse(`data: 12345\ndata: 67890\ndata: more\ndata: ${huge}\n\ndata: ok\n\n`, {
        maxEventSize: 10,
      });
      expect(parsed.events).toEqual([message('ok')]);
      expect(parsed.errors).toHaveLength(1);
      expect(parsed.errors[0]?.kind).toBe('oversized');
      expect(parsed.errors[0]?.message).toMatch(/maxEventSize \(10 characters\)/);
      expect(parsed.errors[0]?.message).toMatch(/raise maxEventSize/);
    });

    it('applies the limit to a single data line, with or without the space', () => {
      const parsed = parse('data:0123456789X\n\ndata: 0123456789X\n\ndata:0123456789\n\n', {
        maxEventSize: 10,
      });
      expect(parsed.events).toEqual([message('0123456789')]);
      expect(parsed.errors).toHaveLength(2);
    });

    it('keeps an event of exactly maxEventSize characters', () => {
      const parsed = parse('data: 12345\ndata: 6789\n\n', { maxEventSize: 10 });
      expect(parsed.events).toEqual([message('12345\n6789')]);
      expect(parsed.errors).toEqual([]);
    });

    it('drops a single line far longer than the limit without buffering it', () => {
      const huge = 'x'.repeat(10_000);
      const parsed = parse(`id: 1\ndata: ${huge}\n\nid: 2\ndata: fine\n\n`, { maxEventSize: 100 });
      expect(parsed.events).toEqual([message('fine', '2')]);
      expect(parsed.errors.map((error) => error.kind)).toEqual(['oversized']);
    });

    it('reports an oversized line as soon as it passes the limit, before it ends', () => {
      const errors: SSEError[] = [];
      const parser = createEventStreamParser({
        maxEventSize: 100,
        onEvent: () => {},
        onError: (error) => errors.push(error),
      });
      parser.feed('data: ');
      for (let i = 0; i < 10; i++) parser.feed('x'.repeat(50));
      expect(errors.map((error) => error.kind)).toEqual(['oversized']);
    });

    it('treats any line longer than the limit alike, however it is chunked', () => {
      const parsed = parse(`:${'x'.repeat(200)}\ndata: dropped\n\ndata: ok\n\n`, {
        maxEventSize: 100,
      });
      expect(parsed.comments).toEqual([]);
      expect(parsed.events).toEqual([message('ok')]);
      expect(parsed.errors).toHaveLength(1);
    });

    it('counts each oversized event separately', () => {
      const parsed = parse('data: 0123456789ab\n\ndata: 0123456789ab\n\ndata: ok\n\n', {
        maxEventSize: 10,
      });
      expect(parsed.events).toEqual([message('ok')]);
      expect(parsed.errors).toHaveLength(2);
    });
  });

  describe('long lines', () => {
    const long = `id: 1\ndata: ${'é😀abc€'.repeat(700)}\ndata: ${'x'.repeat(3000)}\n\ndata: after\r\n\r\n`;
    const bytes = encoder.encode(long);
    const expected = parseChunks([long]);

    it('keeps a long multi-byte line whole however it is chunked', () => {
      let seed = 11;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      // Tiny drips (held as bytes) mixed with bigger chunks (decoded at once), so a long line
      // goes back and forth between the two, including mid-character.
      const sizes = [1, 2, 3, 5, 7, 16, 64, 65, 100, 1400];
      for (let round = 0; round < 30; round++) {
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; ) {
          const size = sizes[Math.floor(random() * sizes.length)]!;
          chunks.push(bytes.subarray(i, i + size));
          i += size;
        }
        expect(parseChunks(chunks)).toEqual(expected);
      }
      expect(expected.events.map((event) => event.data.length)).toEqual([7 * 700 + 1 + 3000, 5]);
      expect(parseChunks(inSlices(bytes, 16))).toEqual(expected);
    });

    it('keeps a character split just as a long line starts being held', () => {
      const text = `data: ${'x'.repeat(2000)}é${'y'.repeat(40)}\n\n`;
      const bytes = encoder.encode(text);
      const lead = bytes.indexOf(0xc3);
      const chunks = [bytes.subarray(0, lead + 1), ...inSlices(bytes.subarray(lead + 1), 16)];
      expect(parseChunks(chunks).events).toEqual([
        message(`${'x'.repeat(2000)}é${'y'.repeat(40)}`),
      ]);
    });

    it('forgets a held line at the end of the stream', () => {
      const events: ServerSentEvent[] = [];
      const parser = createEventStreamParser({ onEvent: (event) => events.push(event) });
      for (const chunk of inSlices(encoder.encode(`data: ${'x'.repeat(3000)}`), 16)) {
        parser.feed(chunk);
      }
      parser.end();
      for (const chunk of inSlices(encoder.encode('data: b\n\n'), 16)) parser.feed(chunk);
      expect(events).toEqual([message('b')]);
    });

    it('forgets a character cut off at the end of a big chunk when the stream ends', () => {
      const events: ServerSentEvent[] = [];
      const parser = createEventStreamParser({ onEvent: (event) => events.push(event) });
      parser.feed(encoder.encode('data: é\n\n'));
      const cut = encoder.encode(`data: ${'x'.repeat(100)}é`);
      parser.feed(cut.subarray(0, cut.length - 1));
      parser.end();
      for (const text of ['data: ü\n\n', 'data: b\n\n']) parser.feed(encoder.encode(text));
      expect(events).toEqual([message('é'), message('ü'), message('b')]);
    });

    it('applies maxEventSize exactly to a long line dripped in small chunks', () => {
      const exact = `data: ${'é'.repeat(2000)}\n\n`;
      const over = `data: ${'é'.repeat(2001)}\n\n`;
      const parsed = parseChunks(inSlices(encoder.encode(exact + over + exact), 16), {
        maxEventSize: 2000,
      });
      expect(parsed.events.map((event) => event.data.length)).toEqual([2000, 2000]);
      expect(parsed.errors).toHaveLength(1);
    });

    it.each([
      ['ASCII', 'x'],
      ['other text', 'é'],
    ])('stops holding a dripped %s line once it is certainly too long', (_name, char) => {
      const errors: SSEError[] = [];
      const events: ServerSentEvent[] = [];
      const parser = createEventStreamParser({
        maxEventSize: 2000,
        onEvent: (event) => events.push(event),
        onError: (error) => errors.push(error),
      });
      for (const chunk of inSlices(encoder.encode(`data: ${char.repeat(20_000)}`), 16)) {
        parser.feed(chunk);
      }
      expect(errors.map((error) => error.kind)).toEqual(['oversized']);
      for (const chunk of inSlices(encoder.encode('xxx\n\ndata: next\n\n'), 16)) parser.feed(chunk);
      expect(events).toEqual([message('next')]);
    });
  });

  it('parses one 2 MB event fed in 16-byte chunks', () => {
    const payload = '0123456789abcdef'.repeat(128 * 1024);
    const bytes = encoder.encode(`event: big\nid: 1\ndata: ${payload}\n\ndata: after\n\n`);
    const parsed = parseChunks(inSlices(bytes, 16));
    expect(parsed.events).toHaveLength(2);
    expect(parsed.events[0]?.data.length).toBe(2 * 1024 * 1024);
    expect(parsed.events[0]?.data === payload).toBe(true);
    expect(parsed.events[0]?.type).toBe('big');
    expect(parsed.events[1]).toEqual(message('after', '1'));
  });
});
