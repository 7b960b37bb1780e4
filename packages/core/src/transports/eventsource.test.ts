import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { TransportSink } from '../transport';
import { createEventSourceTransport } from './eventsource';

/** Just enough of an EventSource to watch which listeners the transport leaves behind. */
class FakeEventSource extends EventTarget {
  static last: FakeEventSource | undefined;
  readyState = 0;
  constructor(readonly url: string) {
    super();
    FakeEventSource.last = this;
  }
  close(): void {
    this.readyState = 2;
  }
}

const sink: TransportSink = {
  open() {},
  event() {},
  retry() {},
  activity() {},
  reconnecting() {},
  warn() {},
  fail() {},
  role() {},
};

describe('native transport listeners', () => {
  it('leaves nothing behind as event types come and go, and after abort', () => {
    const transport = createEventSourceTransport({
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const controller = new AbortController();
    const attempt = transport(
      {
        url: 'https://x.test/s',
        lastEventId: '',
        signal: controller.signal,
        types: new Set(['a']),
      },
      sink,
    );
    const source = FakeEventSource.last!;
    for (let i = 0; i < 100; i++) {
      attempt?.addType?.('tick');
      attempt?.removeType?.('tick');
    }
    // One listener per subscribed type, and a bounded number on the signal however many come and go.
    expect(getEventListeners(source, 'tick')).toHaveLength(0);
    expect(getEventListeners(source, 'a')).toHaveLength(1);
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(3);
    controller.abort();
    expect(source.readyState).toBe(2);
    expect(getEventListeners(source, 'a')).toHaveLength(0);
    expect(getEventListeners(source, 'open')).toHaveLength(0);
  });
});

function recording() {
  const calls: Array<{ kind: string; value?: unknown }> = [];
  const sink: TransportSink = {
    open: () => calls.push({ kind: 'open' }),
    event: (value) => calls.push({ kind: 'event', value }),
    retry: () => {},
    activity: () => {},
    reconnecting: () => calls.push({ kind: 'reconnecting' }),
    warn: (value) => calls.push({ kind: 'warn', value }),
    fail: (value) => calls.push({ kind: 'fail', value }),
    role: () => {},
  };
  return { calls, sink };
}

function start(options: Parameters<typeof createEventSourceTransport>[0], lastEventId = '') {
  const { calls, sink } = recording();
  const controller = new AbortController();
  createEventSourceTransport({
    EventSource: FakeEventSource as unknown as typeof EventSource,
    ...options,
  })({ url: 'https://x.test/s', lastEventId, signal: controller.signal, types: new Set() }, sink);
  return { calls, source: FakeEventSource.last!, controller };
}

describe('native transport defaults', () => {
  it('resumes a new EventSource from the last id through ?lastEventId= by default', () => {
    // Before: no id at all unless lastEventIdParam was set, so the server replayed everything.
    const { source } = start({}, '41');
    expect(new URL(source.url).searchParams.get('lastEventId')).toBe('41');
  });

  it('always follows ssekit:reset, even with no subscriber of it', () => {
    const { calls, source } = start({});
    source.dispatchEvent(new MessageEvent('ssekit:reset', { data: '{"reason":"trimmed"}' }));
    expect(calls).toEqual([
      {
        kind: 'event',
        value: { type: 'ssekit:reset', data: '{"reason":"trimmed"}', lastEventId: '' },
      },
    ]);
  });

  it('drops an event over maxEventSize and reports it as oversized', () => {
    // Before: a 20 MB event went to every subscriber.
    const { calls, source } = start({ maxEventSize: 10 });
    source.dispatchEvent(new MessageEvent('ssekit:reset', { data: 'x'.repeat(11) }));
    source.dispatchEvent(new MessageEvent('ssekit:reset', { data: 'x'.repeat(10) }));
    expect(calls.map((c) => c.kind)).toEqual(['warn', 'event']);
    expect(calls[0]?.value).toMatchObject({ kind: 'oversized' });
  });
});

describe('when the browser gives up (readyState CLOSED), one probe says why', () => {
  const closeWithProbe = async (response: Response | Error) => {
    const probes: RequestInit[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      probes.push(init);
      if (response instanceof Error) throw response;
      return response;
    }) as unknown as typeof globalThis.fetch;
    const { calls, source } = start({ fetch });
    source.readyState = 2;
    source.dispatchEvent(new Event('error'));
    // The probe's code loads on the first failure: wait for the failure it reports.
    await vi.waitFor(() => expect(calls.map((c) => c.kind)).toContain('fail'));
    return { calls, probes };
  };

  it('204: stopped', async () => {
    const { calls, probes } = await closeWithProbe(new Response(null, { status: 204 }));
    expect(calls).toEqual([
      { kind: 'fail', value: expect.objectContaining({ kind: 'stopped', status: 204 }) },
    ]);
    // Only CORS-safelisted request headers: no preflight.
    expect(probes).toEqual([
      expect.objectContaining({
        headers: { Accept: 'text/event-stream' },
        credentials: 'same-origin',
      }),
    ]);
  });

  it('500 with Retry-After: http, retryable', async () => {
    const { calls } = await closeWithProbe(
      new Response('busy', { status: 503, headers: { 'Retry-After': '2' } }),
    );
    expect(calls[0]?.value).toMatchObject({ kind: 'http', status: 503, retryAfterMs: 2000 });
  });

  it('wrong Content-Type: content-type', async () => {
    const { calls } = await closeWithProbe(
      new Response('<html>', { status: 200, headers: { 'Content-Type': 'text/html' } }),
    );
    expect(calls[0]?.value).toMatchObject({ kind: 'content-type', status: 200 });
  });

  it('a probe that cannot tell (network, CORS-opaque): network, with backoff', async () => {
    const { calls } = await closeWithProbe(new TypeError('Failed to fetch'));
    expect(calls[0]?.value).toMatchObject({ kind: 'network' });
  });
});
