/**
 * The fetch transport against the real test SSE server (see test/server/sse-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TransportOpenInfo, TransportSink } from '../../packages/core/src/transport';
import {
  createFetchTransport,
  type FetchTransportOptions,
} from '../../packages/core/src/transports/fetch';
import type { ServerSentEvent, SSEError } from '../../packages/core/src/types';
import { type SSEServer, startSSEServer } from '../server/sse-server';

let server: SSEServer;

beforeAll(async () => {
  server = await startSSEServer();
});

afterAll(async () => {
  await server.close();
});

/** Everything a transport reported, in order. */
interface Recorder {
  readonly sink: TransportSink;
  readonly calls: string[];
  readonly opens: TransportOpenInfo[];
  readonly events: ServerSentEvent[];
  readonly retries: number[];
  readonly warnings: SSEError[];
  readonly failures: SSEError[];
  activityBytes: number;
}

function recorder(): Recorder {
  const record: Recorder = {
    calls: [],
    opens: [],
    events: [],
    retries: [],
    warnings: [],
    failures: [],
    activityBytes: 0,
    sink: {
      open: (info) => {
        record.calls.push('open');
        record.opens.push(info);
      },
      event: (event) => {
        record.calls.push('event');
        record.events.push(event);
      },
      retry: (ms) => {
        record.calls.push('retry');
        record.retries.push(ms);
      },
      activity: (bytes) => {
        record.activityBytes += bytes;
      },
      reconnecting: () => record.calls.push('reconnecting'),
      warn: (error) => {
        record.calls.push('warn');
        record.warnings.push(error);
      },
      fail: (error) => {
        record.calls.push('fail');
        record.failures.push(error);
      },
      role: () => record.calls.push('role'),
    },
  };
  return record;
}

/** Starts one attempt of a fetch transport on `/sse/<path>` and records what it reports. */
function connect(path: string, options: FetchTransportOptions = {}, lastEventId = '') {
  const record = recorder();
  const controller = new AbortController();
  const attempt = createFetchTransport(options)(
    {
      url: `${server.url}/sse/${path}`,
      lastEventId,
      signal: controller.signal,
      types: new Set(['message']),
    },
    record.sink,
  );
  const failed = (): Promise<SSEError> =>
    vi.waitFor(
      () => {
        expect(record.failures).toHaveLength(1);
        return record.failures[0]!;
      },
      { timeout: 5000 },
    );
  return { record, controller, attempt, failed };
}

/** A 200 event-stream response whose body is `text` in one chunk. */
const streamResponse = (text: string): Response =>
  new Response(new TextEncoder().encode(text), {
    headers: { 'Content-Type': 'text/event-stream' },
  });

/** The event the server generates for `n` (see the server's header comment). */
const serverEvent = (channel: string, n: number, type = 'message'): ServerSentEvent => ({
  type,
  data: JSON.stringify({ n, channel }),
  lastEventId: String(n),
});

/** The bytes the server writes for event `n`. */
const frame = (channel: string, n: number, type = 'message'): string =>
  `${type === 'message' ? '' : `event: ${type}\n`}id: ${n}\ndata: ${JSON.stringify({ n, channel })}\n\n`;

describe('createFetchTransport', () => {
  it('delivers events with ids and named types in order, then reports the end', async () => {
    const { record, attempt, failed } = connect('order?count=4&types=tick,trade&end=1');
    expect(attempt).toBeUndefined();
    const failure = await failed();

    expect(record.events).toEqual([
      serverEvent('order', 1, 'tick'),
      serverEvent('order', 2, 'trade'),
      serverEvent('order', 3, 'tick'),
      serverEvent('order', 4, 'trade'),
    ]);
    expect(record.calls).toEqual(['open', 'event', 'event', 'event', 'event', 'fail']);
    expect(record.opens[0]?.status).toBe(200);
    expect(record.opens[0]?.headers?.get('content-type')).toBe('text/event-stream');
    expect(failure.kind).toBe('network');
    expect(failure.message).toMatch(/ended/);
    const expectedBytes = [1, 2, 3, 4]
      .map((n) => frame('order', n, n % 2 ? 'tick' : 'trade'))
      .join('');
    expect(record.activityBytes).toBe(Buffer.byteLength(expectedBytes));
  });

  it('sends exactly Accept: text/event-stream and Cache-Control: no-cache', async () => {
    // A user Accept header must not replace the one servers and mocks match on.
    const { failed } = connect('headers?count=1&end=1', {
      headers: { Accept: 'application/json' },
    });
    await failed();

    const [request] = server.stats('headers').requests;
    expect(request?.accept).toBe('text/event-stream');
    expect(request?.cacheControl).toBe('no-cache');
    expect(request?.lastEventIdHeader).toBeNull();
    expect(request?.method).toBe('GET');
  });

  it('sends Last-Event-ID when resuming, and the replay continues after it', async () => {
    const { record, failed } = connect('resume?count=5&end=1', {}, '3');
    await failed();

    expect(server.stats('resume').requests[0]?.lastEventIdHeader).toBe('3');
    expect(record.events).toEqual([serverEvent('resume', 4), serverEvent('resume', 5)]);
  });

  it('calls an async headers function before every attempt', async () => {
    const contexts: { lastEventId: string }[] = [];
    let issued = 0;
    const options: FetchTransportOptions = {
      headers: async (context) => {
        contexts.push(context);
        await Promise.resolve();
        issued++;
        return { Authorization: `Bearer token-${issued}` };
      },
    };
    await connect('auth?count=2&end=1', options).failed();
    await connect('auth?count=2&end=1', options, '2').failed();

    expect(contexts).toEqual([{ lastEventId: '' }, { lastEventId: '2' }]);
    expect(server.stats('auth').requests.map((r) => r.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('accepts a synchronous headers function', async () => {
    await connect('sync?count=1&end=1', {
      headers: () => ({ Authorization: 'Bearer sync' }),
    }).failed();
    expect(server.stats('sync').requests[0]?.authorization).toBe('Bearer sync');
  });

  it('sends the method and the body', async () => {
    const body = JSON.stringify({ prompt: 'hello' });
    const { record, failed } = connect('post?count=2&end=1', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    await failed();

    const [request] = server.stats('post').requests;
    expect(request?.method).toBe('POST');
    expect(request?.body).toBe(body);
    expect(request?.contentType).toBe('application/json');
    expect(record.events).toEqual([serverEvent('post', 1), serverEvent('post', 2)]);
  });

  it('reports a non-2xx status as an http error with Retry-After in milliseconds', async () => {
    const { record, failed } = connect('busy?status=503&retryAfter=7', {
      headers: { Authorization: 'Bearer secret-token' },
    });
    const failure = await failed();

    expect(failure).toMatchObject({ kind: 'http', status: 503, retryAfterMs: 7000 });
    expect(failure.message).toMatch(/503/);
    // Error messages are safe to render: no header value ever appears in them.
    expect(failure.message).not.toMatch(/secret/);
    expect(record.calls).toEqual(['fail']);
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    const date = new Date(Date.now() + 60_000).toUTCString();
    const failure = await connect(
      `date?status=500&retryAfter=${encodeURIComponent(date)}`,
    ).failed();

    expect(failure.kind).toBe('http');
    expect(failure.status).toBe(500);
    expect(failure.retryAfterMs).toBeGreaterThan(50_000);
    expect(failure.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('has no retryAfterMs when there is no Retry-After', async () => {
    const failure = await connect('missing?status=404').failed();
    expect(failure).toMatchObject({ kind: 'http', status: 404 });
    expect(failure.retryAfterMs).toBeUndefined();
  });

  it('reports HTTP 204 as stopped', async () => {
    const { record, failed } = connect('stop?status=204');
    expect(await failed()).toMatchObject({ kind: 'stopped', status: 204 });
    expect(record.calls).toEqual(['fail']);
  });

  it('reports a wrong content type, naming it', async () => {
    const { record, failed } = connect('wrong?contentType=text/plain&count=1');
    const failure = await failed();

    expect(failure).toMatchObject({ kind: 'content-type', status: 200 });
    expect(failure.message).toMatch(/text\/plain/);
    expect(record.calls).toEqual(['fail']);
  });

  it('accepts the event-stream type in any case and with parameters', async () => {
    const type = encodeURIComponent('Text/Event-Stream; charset=utf-8');
    const { record, failed } = connect(`charset?contentType=${type}&count=1&end=1`);
    await failed();
    expect(record.events).toEqual([serverEvent('charset', 1)]);
  });

  it('does not dispatch half an event when the connection drops mid-event', async () => {
    // Dripped, so the half event reaches the parser before the drop errors the body.
    const { record, failed } = connect('drop?count=3&dropMidEvent=1&drip=1');
    const failure = await failed();

    const half = Math.floor(frame('drop', 2).length / 2);
    expect(record.activityBytes).toBe(frame('drop', 1).length + half);
    expect(record.events).toEqual([serverEvent('drop', 1)]);
    expect(failure.kind).toBe('network');
    expect(record.calls.at(-1)).toBe('fail');
  });

  it('reports the server retry value', async () => {
    const { record, failed } = connect('retry?retry=1500&count=1&end=1');
    await failed();
    expect(record.retries).toEqual([1500]);
    expect(record.calls).toEqual(['open', 'retry', 'event', 'fail']);
  });

  it('warns about an oversized event and keeps delivering the next ones', async () => {
    const { record, failed } = connect('big?oversized=5000&count=3&end=1', { maxEventSize: 1000 });
    await failed();

    expect(record.warnings.map((w) => w.kind)).toEqual(['oversized']);
    expect(record.warnings[0]?.message).toMatch(/maxEventSize/);
    expect(record.events).toEqual([serverEvent('big', 2), serverEvent('big', 3)]);
    expect(record.calls).toEqual(['open', 'warn', 'event', 'event', 'fail']);
  });

  it('reports nothing after an abort', async () => {
    const { record, controller } = connect('abort?count=inf&interval=10');
    await vi.waitFor(() => expect(record.events.length).toBeGreaterThanOrEqual(2));
    controller.abort();
    const seen = record.calls.length;

    // Once the server saw the socket close, no byte of this stream can still arrive.
    await vi.waitFor(() => expect(server.stats('abort').closed).toBe(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(record.calls).toHaveLength(seen);
    expect(record.failures).toEqual([]);
  });

  it('delivers no further event of the same chunk once a listener aborts', async () => {
    const controller = new AbortController();
    const record = recorder();
    const events: string[] = [];
    createFetchTransport({
      fetch: async () => streamResponse('data: 1\n\ndata: 2\n\ndata: 3\n\n'),
    })(
      {
        url: 'https://example.test/sse',
        lastEventId: '',
        signal: controller.signal,
        types: new Set(),
      },
      {
        ...record.sink,
        event: (event) => {
          events.push(event.data);
          controller.abort();
        },
      },
    );
    await vi.waitFor(() => expect(events).toEqual(['1']));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['1']);
    expect(record.failures).toEqual([]);
  });

  it('gives events without an id the lastEventId the attempt resumed from', async () => {
    const record = recorder();
    createFetchTransport({ fetch: async () => streamResponse('data: a\n\nid: 8\ndata: b\n\n') })(
      {
        url: 'https://example.test/sse',
        lastEventId: '7',
        signal: new AbortController().signal,
        types: new Set(),
      },
      record.sink,
    );
    await vi.waitFor(() => expect(record.failures).toHaveLength(1));
    expect(record.events).toEqual([
      { type: 'message', data: 'a', lastEventId: '7' },
      { type: 'message', data: 'b', lastEventId: '8' },
    ]);
  });

  it('does not send the request when aborted while the headers function runs', async () => {
    let release: (headers: Record<string, string>) => void = () => {};
    const { record, controller } = connect('abort-early?count=1&end=1', {
      headers: () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    });
    controller.abort();
    release({});
    await new Promise((resolve) => setImmediate(resolve));

    expect(server.stats('abort-early').connections).toBe(0);
    expect(record.calls).toEqual([]);
  });

  it('delivers the same events when the stream arrives one byte at a time', async () => {
    const { record, failed } = connect('drip?count=3&types=a,b&drip=1&end=1');
    await failed();
    expect(record.events).toEqual([
      serverEvent('drip', 1, 'a'),
      serverEvent('drip', 2, 'b'),
      serverEvent('drip', 3, 'a'),
    ]);
    const expectedBytes = frame('drip', 1, 'a') + frame('drip', 2, 'b') + frame('drip', 3, 'a');
    expect(record.activityBytes).toBe(Buffer.byteLength(expectedBytes));
  });

  it('reports an unreachable server as a network error', async () => {
    const closed = await startSSEServer();
    const url = closed.url;
    await closed.close();
    const record = recorder();
    createFetchTransport()(
      {
        url: `${url}/sse/gone`,
        lastEventId: '',
        signal: new AbortController().signal,
        types: new Set(),
      },
      record.sink,
    );
    await vi.waitFor(() => expect(record.failures).toHaveLength(1));
    expect(record.failures[0]?.kind).toBe('network');
    expect(record.failures[0]?.message).toMatch(/reachable/);
  });

  it('reports an invalid header value without showing it', async () => {
    const { record, failed } = connect('invalid?count=1', {
      headers: { Authorization: 'Bearer secret\nvalue' },
    });
    const failure = await failed();

    expect(failure.kind).toBe('network');
    expect(failure.message).toMatch(/Authorization/);
    expect(failure.message).not.toMatch(/secret/);
    expect(record.calls).toEqual(['fail']);
    expect(server.stats('invalid').connections).toBe(0);
  });

  it('reports a failing headers function as a network error', async () => {
    const failure = await connect('token?count=1', {
      headers: async () => {
        throw new Error('token refresh failed');
      },
    }).failed();
    expect(failure.kind).toBe('network');
    expect(failure.message).toMatch(/token refresh failed/);
  });

  it('uses an injected fetch, and otherwise the global fetch at call time', async () => {
    const injected = vi.fn(globalThis.fetch);
    await connect('injected?count=1&end=1', { fetch: injected }).failed();
    expect(injected).toHaveBeenCalledTimes(1);
    expect(injected.mock.calls[0]?.[1]?.signal).toBeInstanceOf(AbortSignal);

    const global = vi.fn(globalThis.fetch);
    vi.stubGlobal('fetch', global);
    try {
      await connect('global?count=1&end=1').failed();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(global).toHaveBeenCalledTimes(1);
  });
});
