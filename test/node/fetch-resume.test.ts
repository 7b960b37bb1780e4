/**
 * How the fetch transport sends the last event id, against the real test SSE server: UTF-8 bytes
 * as a browser sends them, and cross-origin without any header that needs a CORS preflight.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TransportSink } from '../../packages/core/src/transport';
import {
  createFetchTransport,
  type FetchTransportOptions,
} from '../../packages/core/src/transports/fetch';
import type { SSEError } from '../../packages/core/src/types';
import { type SSEServer, startSSEServer } from '../server/sse-server';

let server: SSEServer;
beforeAll(async () => {
  server = await startSSEServer();
});
afterAll(async () => {
  await server.close();
});
const controllers: AbortController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.abort();
  vi.unstubAllGlobals();
});

function attempt(
  channel: string,
  query: string,
  lastEventId: string,
  options: FetchTransportOptions = {},
) {
  const seen = { opened: 0, failures: [] as SSEError[], heartbeats: [] as number[] };
  const sink: TransportSink = {
    open: () => seen.opened++,
    event: () => {},
    retry: () => {},
    heartbeat: (ms) => seen.heartbeats.push(ms),
    activity: () => {},
    reconnecting: () => {},
    warn: () => {},
    fail: (error) => seen.failures.push(error),
    role: () => {},
  };
  const controller = new AbortController();
  controllers.push(controller);
  createFetchTransport(options)(
    {
      url: `${server.url}/sse/${channel}?${query}`,
      lastEventId,
      signal: controller.signal,
      types: new Set(),
    },
    sink,
  );
  return seen;
}

describe('the last event id on the fetch transport', () => {
  it.each(['日本', '😀', 'café-7'])(
    'sends %s as its UTF-8 bytes, as a browser does',
    async (id) => {
      // Before: setting the header threw, every attempt failed, the stream sat in `reconnecting`.
      const channel = `utf8-${id.length}-${Math.random()}`;
      const seen = attempt(channel, 'count=1', id);
      await vi.waitFor(() => expect(seen.opened).toBe(1));
      const header = server.stats(channel).requests[0]?.lastEventIdHeader ?? '';
      // Node reads header bytes as Latin-1: decode them back as UTF-8.
      expect(Buffer.from(header, 'latin1').toString('utf8')).toBe(id);
      expect(seen.failures).toEqual([]);
    },
  );

  it('cross-origin: the id in the query, no Last-Event-ID or Cache-Control header (no preflight)', async () => {
    // Before: both headers, so every cross-origin request needed a preflight.
    vi.stubGlobal('location', { origin: 'http://page.test', href: 'http://page.test/' });
    const seen = attempt('cross-origin', 'count=5', '3');
    await vi.waitFor(() => expect(seen.opened).toBe(1));
    expect(server.stats('cross-origin').requests[0]).toMatchObject({
      lastEventIdHeader: null,
      lastEventIdQuery: '3',
      cacheControl: null,
      accept: 'text/event-stream',
    });
  });

  it('cross-origin with lastEventIdHeader: true sends the header too', async () => {
    vi.stubGlobal('location', { origin: 'http://page.test', href: 'http://page.test/' });
    const seen = attempt('cross-origin-header', 'count=5', '3', { lastEventIdHeader: true });
    await vi.waitFor(() => expect(seen.opened).toBe(1));
    expect(server.stats('cross-origin-header').requests[0]).toMatchObject({
      lastEventIdHeader: '3',
      cacheControl: null,
    });
  });

  it('same-origin: the Last-Event-ID header and Cache-Control: no-cache, nothing in the query', async () => {
    vi.stubGlobal('location', { origin: server.url, href: `${server.url}/` });
    const seen = attempt('same-origin', 'count=5', '3');
    await vi.waitFor(() => expect(seen.opened).toBe(1));
    expect(server.stats('same-origin').requests[0]).toMatchObject({
      lastEventIdHeader: '3',
      lastEventIdQuery: null,
      cacheControl: 'no-cache',
    });
  });
});

describe('the heartbeat announcement', () => {
  it('reports `: heartbeat <ms>` to the connection', async () => {
    const seen = attempt('announce', 'count=1&announce=15000', '');
    await vi.waitFor(() => expect(seen.heartbeats).toEqual([15000]));
  });
});
