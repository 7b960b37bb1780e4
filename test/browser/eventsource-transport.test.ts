/**
 * The native EventSource transport in real Chromium against the real test SSE server.
 * The page's origin is vitest's server, so every stream asks for CORS headers (`cors=`).
 */
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type {
  TransportAttempt,
  TransportRequest,
  TransportSink,
} from '../../packages/core/src/transport';
import { createEventSourceTransport } from '../../packages/core/src/transports/eventsource';
import type { ServerSentEvent, SSEError } from '../../packages/core/src/types';
import type { ChannelStats } from '../server/sse-server';

const serverUrl = inject('sseServerUrl');

type Call =
  | { readonly kind: 'open' }
  | { readonly kind: 'event'; readonly event: ServerSentEvent }
  | { readonly kind: 'reconnecting' }
  | { readonly kind: 'fail'; readonly error: SSEError }
  | { readonly kind: 'other'; readonly name: string };

/** Records every sink call in order, so tests can assert the exact sequence a pool would see. */
function recordSink(): { sink: TransportSink; calls: Call[]; events: () => ServerSentEvent[] } {
  const calls: Call[] = [];
  const sink: TransportSink = {
    open: () => calls.push({ kind: 'open' }),
    event: (event) => calls.push({ kind: 'event', event }),
    reconnecting: () => calls.push({ kind: 'reconnecting' }),
    fail: (error) => calls.push({ kind: 'fail', error }),
    // Activity is checked separately; the other calls never come from a native EventSource.
    activity: () => {},
    retry: () => calls.push({ kind: 'other', name: 'retry' }),
    warn: () => calls.push({ kind: 'other', name: 'warn' }),
    role: () => calls.push({ kind: 'other', name: 'role' }),
  };
  const events = (): ServerSentEvent[] =>
    calls.flatMap((call) => (call.kind === 'event' ? [call.event] : []));
  return { sink, calls, events };
}

/** Every test uses its own channel, so server stats never mix. */
let channelSeq = 0;
function uniqueChannel(name: string): string {
  channelSeq += 1;
  return `${name}-${Date.now()}-${channelSeq}`;
}

async function stats(channel: string): Promise<ChannelStats> {
  const response = await fetch(`${serverUrl}/stats/${encodeURIComponent(channel)}`);
  return (await response.json()) as ChannelStats;
}

/** Lets queued tasks (network callbacks, event dispatch) run a few times without a timed sleep. */
async function eventLoopTurns(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Keeps every EventSource the transport creates, to check its readyState. */
function recordingEventSource(): { EventSource: typeof EventSource; instances: EventSource[] } {
  const instances: EventSource[] = [];
  class RecordingEventSource extends EventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      instances.push(this);
    }
  }
  return { EventSource: RecordingEventSource, instances };
}

const aborts: AbortController[] = [];
afterEach(() => {
  for (const controller of aborts.splice(0)) controller.abort();
  vi.unstubAllGlobals();
});

function request(url: string, init: Partial<Omit<TransportRequest, 'url' | 'signal'>> = {}) {
  const controller = new AbortController();
  aborts.push(controller);
  const req: TransportRequest = {
    url,
    lastEventId: init.lastEventId ?? '',
    types: init.types ?? new Set(['message']),
    signal: controller.signal,
  };
  return { request: req, abort: () => controller.abort() };
}

const dataOf = (n: number, channel: string): string => JSON.stringify({ n, channel });

describe('createEventSourceTransport (real Chromium)', () => {
  it('reports open, then every event in order with its id and type', async () => {
    const channel = uniqueChannel('basic');
    const { sink, calls, events } = recordSink();
    const activity: number[] = [];
    sink.activity = (bytes) => activity.push(bytes);
    const { request: req } = request(`${serverUrl}/sse/${channel}?count=3&cors=*`);

    createEventSourceTransport()(req, sink);

    await vi.waitFor(() => expect(events()).toHaveLength(3));
    expect(calls[0]).toEqual({ kind: 'open' });
    expect(events()).toEqual(
      [1, 2, 3].map((n) => ({
        type: 'message',
        data: dataOf(n, channel),
        lastEventId: String(n),
      })),
    );
    expect(activity).toEqual([1, 2, 3].map((n) => dataOf(n, channel).length));
    expect(calls.some((call) => call.kind === 'fail' || call.kind === 'other')).toBe(false);
  });

  it('delivers a named type only between addType and removeType', async () => {
    const channel = uniqueChannel('types');
    const { sink, events } = recordSink();
    // Odd ids are `tick`, even ids are `tock`, one every 25 ms.
    const { request: req } = request(
      `${serverUrl}/sse/${channel}?count=inf&interval=25&types=tick,tock&cors=*`,
      { types: new Set(['tick']) },
    );
    const attempt = createEventSourceTransport()(req, sink) as TransportAttempt;
    const ofType = (type: string): ServerSentEvent[] => events().filter((e) => e.type === type);
    const lastId = (): number => Number(events().at(-1)?.lastEventId ?? 0);

    // A second add must not register a second listener (events would arrive twice).
    attempt.addType?.('tick');
    await vi.waitFor(() => expect(ofType('tick').length).toBeGreaterThanOrEqual(2));
    // tock 2 was dispatched between tick 1 and tick 3, but nobody listened.
    expect(ofType('tock')).toEqual([]);

    const beforeAdd = lastId();
    attempt.addType?.('tock');
    await vi.waitFor(() => expect(ofType('tock').length).toBeGreaterThanOrEqual(2));
    expect(ofType('tock').every((e) => Number(e.lastEventId) > beforeAdd)).toBe(true);

    attempt.removeType?.('tock');
    const atRemove = lastId();
    // Two more ticks: the tock between them was sent after removeType.
    await vi.waitFor(() => {
      expect(ofType('tick').filter((e) => Number(e.lastEventId) > atRemove).length).toBe(2);
    });
    expect(ofType('tock').every((e) => Number(e.lastEventId) <= atRemove)).toBe(true);

    // Every id at most once, strictly increasing: no duplicated listener.
    const ids = events().map((e) => Number(e.lastEventId));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('listens to `message` added later and ignores other types on the same stream', async () => {
    const channel = uniqueChannel('message');
    const { sink, events } = recordSink();
    const { request: req } = request(
      `${serverUrl}/sse/${channel}?count=5&types=message,note&cors=*`,
      { types: new Set() },
    );

    const attempt = createEventSourceTransport()(req, sink);
    attempt?.addType?.('message');

    // Event 5 is a `message` too, so once it arrived, notes 2 and 4 were dispatched before it.
    await vi.waitFor(() => expect(events().at(-1)?.lastEventId).toBe('5'));
    expect(events().map((e) => [e.type, e.lastEventId])).toEqual([
      ['message', '1'],
      ['message', '3'],
      ['message', '5'],
    ]);
  });

  it('lets the browser retry a dropped stream by itself and resumes with Last-Event-ID', async () => {
    const channel = uniqueChannel('drop');
    const { sink, calls, events } = recordSink();
    const { EventSource: Recording, instances } = recordingEventSource();
    // Chromium discards the bytes that arrive together with a connection reset, so without an
    // interval the whole first connection (retry: included) is lost before the drop.
    const { request: req } = request(
      `${serverUrl}/sse/${channel}?count=5&interval=50&dropAfter=2&dropTimes=1&retry=100&cors=*`,
    );

    createEventSourceTransport({ EventSource: Recording })(req, sink);

    await vi.waitFor(() => expect(events()).toHaveLength(5));
    const kinds = calls.map((call) => call.kind).filter((kind) => kind !== 'event');
    expect(kinds).toEqual(['open', 'reconnecting', 'open']);
    expect(events().map((e) => e.lastEventId)).toEqual(['1', '2', '3', '4', '5']);
    // The same EventSource did the retry: the transport never replaced or closed it.
    expect(instances).toHaveLength(1);
    expect(instances[0]?.readyState).toBe(EventSource.OPEN);

    const reconnectAt = calls.findIndex((call) => call.kind === 'reconnecting');
    const beforeDrop = calls.slice(0, reconnectAt).flatMap((c) => (c.kind === 'event' ? [c] : []));
    const lastSeen = beforeDrop.at(-1)?.event.lastEventId;
    expect(lastSeen).toMatch(/^[12]$/);
    const seen = await stats(channel);
    expect(seen.connections).toBe(2);
    expect(seen.requests[0]?.lastEventIdHeader).toBeNull();
    expect(seen.requests[1]?.lastEventIdHeader).toBe(lastSeen);
  });

  it('finds out with one probe that the browser gave up on HTTP 500, and stays closed', async () => {
    const channel = uniqueChannel('http500');
    const { sink, calls } = recordSink();
    const { EventSource: Recording, instances } = recordingEventSource();
    const { request: req } = request(`${serverUrl}/sse/${channel}?status=500&cors=*`);

    createEventSourceTransport({ EventSource: Recording })(req, sink);

    await vi.waitFor(() => expect(calls.some((call) => call.kind === 'fail')).toBe(true));
    expect(calls).toHaveLength(1);
    const failure = calls[0];
    expect(failure?.kind === 'fail' && failure.error).toMatchObject({ kind: 'http', status: 500 });
    expect(instances[0]?.readyState).toBe(EventSource.CLOSED);

    // The EventSource's request, then the probe's: nothing more.
    await vi.waitFor(async () => expect((await stats(channel)).connections).toBe(2));
    await eventLoopTurns();
    expect((await stats(channel)).connections).toBe(2);
    expect(calls).toHaveLength(1);
  });

  it('puts the last event id in the query of a new EventSource when lastEventIdParam is set', async () => {
    const channel = uniqueChannel('query');
    const { sink, events } = recordSink();
    // An id already in the URL is replaced, not repeated.
    const { request: req } = request(`${serverUrl}/sse/${channel}?count=4&cors=*&lastEventId=1`, {
      lastEventId: '2',
    });

    createEventSourceTransport({ lastEventIdParam: 'lastEventId' })(req, sink);

    await vi.waitFor(() => expect(events()).toHaveLength(2));
    expect(events().map((e) => e.lastEventId)).toEqual(['3', '4']);
    const [first] = (await stats(channel)).requests;
    expect(first?.lastEventIdQuery).toBe('2');
    expect(first?.url.match(/lastEventId=/g)).toHaveLength(1);
  });

  it('leaves the URL alone with lastEventIdParam: false or without an id', async () => {
    const channel = uniqueChannel('noquery');
    const { sink, events } = recordSink();
    const { request: withoutParam } = request(`${serverUrl}/sse/${channel}?count=1&cors=*`, {
      lastEventId: '7',
    });
    const { request: withoutId } = request(`${serverUrl}/sse/${channel}?count=1&cors=*`);

    createEventSourceTransport({ lastEventIdParam: false })(withoutParam, sink);
    createEventSourceTransport()(withoutId, sink);

    await vi.waitFor(() => expect(events()).toHaveLength(2));
    const { requests } = await stats(channel);
    expect(requests.map((r) => r.lastEventIdQuery)).toEqual([null, null]);
  });

  it('sends credentials when withCredentials is set, which the server must allow', async () => {
    const allowed = uniqueChannel('credentials');
    const ok = recordSink();
    const { request: credentialed } = request(
      `${serverUrl}/sse/${allowed}?count=2&cors=credentials`,
    );

    createEventSourceTransport({ withCredentials: true })(credentialed, ok.sink);

    await vi.waitFor(() => expect(ok.events()).toHaveLength(2));
    expect((await stats(allowed)).requests[0]?.origin).toBe(location.origin);

    // `Access-Control-Allow-Origin: *` is refused for a credentialed request: proof the flag was sent.
    const wildcard = uniqueChannel('credentials-wildcard');
    const refused = recordSink();
    const { request: rejected } = request(`${serverUrl}/sse/${wildcard}?count=2&cors=*`);

    createEventSourceTransport({ withCredentials: true })(rejected, refused.sink);

    await vi.waitFor(() => expect(refused.calls.map((call) => call.kind)).toEqual(['fail']));
  });

  it('closes the stream on abort and reports nothing after it', async () => {
    const channel = uniqueChannel('abort');
    const { sink, calls, events } = recordSink();
    const { EventSource: Recording, instances } = recordingEventSource();
    const { request: req, abort } = request(
      `${serverUrl}/sse/${channel}?count=inf&interval=20&cors=*`,
    );

    const attempt = createEventSourceTransport({ EventSource: Recording })(req, sink);
    await vi.waitFor(() => expect(events().length).toBeGreaterThanOrEqual(2));
    expect((await stats(channel)).open).toBe(1);

    abort();
    const reported = calls.length;
    expect(instances[0]?.readyState).toBe(EventSource.CLOSED);
    await vi.waitFor(async () => expect((await stats(channel)).open).toBe(0));
    // Adding a type after abort must not bring a listener back.
    attempt?.addType?.('message');
    await eventLoopTurns();
    expect(calls).toHaveLength(reported);
    expect((await stats(channel)).connections).toBe(1);
  });

  it('creates nothing for a request that is already aborted', async () => {
    const { sink, calls } = recordSink();
    const { EventSource: Recording, instances } = recordingEventSource();
    const { request: req, abort } = request(`${serverUrl}/sse/${uniqueChannel('pre')}?cors=*`);
    abort();

    expect(createEventSourceTransport({ EventSource: Recording })(req, sink)).toBeUndefined();
    await eventLoopTurns();
    expect(instances).toHaveLength(0);
    expect(calls).toEqual([]);
  });

  it('fails clearly, and not synchronously, where no EventSource exists', async () => {
    vi.stubGlobal('EventSource', undefined);
    const { sink, calls } = recordSink();
    const { request: req } = request(`${serverUrl}/sse/${uniqueChannel('missing')}?cors=*`);

    createEventSourceTransport()(req, sink);
    expect(calls).toEqual([]);

    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual({
      kind: 'fail',
      error: {
        kind: 'network',
        message: 'EventSource is not available here; use the fetch transport',
      },
    });
  });
});
