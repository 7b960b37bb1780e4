/**
 * How to mock a stream with msw: an `sse()` handler answers, and the native transport reads it
 * through the `eventsource` package, since Node has no EventSource of its own.
 */
import { EventSource } from 'eventsource';
import { sse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { TransportSink } from '../../packages/core/src/transport';
import { createEventSourceTransport } from '../../packages/core/src/transports/eventsource';
import type { ServerSentEvent, SSEError } from '../../packages/core/src/types';

interface Price {
  symbol: string;
  price: number;
}

const server = setupServer();

beforeAll(() => {
  // msw's sse() refuses to build a handler without a global EventSource; scoped to this file.
  vi.stubGlobal('EventSource', EventSource);
  server.listen({ onUnhandledRequest: 'error' });
});

afterAll(() => {
  server.close();
  vi.unstubAllGlobals();
});

it('receives named JSON events from an msw sse() handler', async () => {
  // msw matches only a GET with exactly `Accept: text/event-stream`, which EventSource sends.
  server.use(
    sse<{ price: Price }>('https://api.example.com/prices', ({ client }) => {
      client.send({ id: '1', event: 'price', data: { symbol: 'ACME', price: 41.5 } });
      client.send({ id: '2', event: 'price', data: { symbol: 'ACME', price: 42 } });
    }),
  );

  const received: ServerSentEvent[] = [];
  const failures: SSEError[] = [];
  const sink: TransportSink = {
    open: () => {},
    event: (event) => received.push(event),
    retry: () => {},
    activity: () => {},
    reconnecting: () => {},
    warn: () => {},
    fail: (error) => failures.push(error),
    role: () => {},
  };
  const controller = new AbortController();
  // The transport gets its constructor explicitly; the global above is only for msw.
  const transport = createEventSourceTransport({ EventSource });

  transport(
    {
      url: 'https://api.example.com/prices',
      lastEventId: '',
      types: new Set(['price']),
      signal: controller.signal,
    },
    sink,
  );

  await vi.waitFor(() => expect(received).toHaveLength(2));
  controller.abort();
  expect(failures).toEqual([]);
  expect(received.map((event) => [event.type, event.lastEventId])).toEqual([
    ['price', '1'],
    ['price', '2'],
  ]);
  expect(received.map((event) => JSON.parse(event.data) as Price)).toEqual([
    { symbol: 'ACME', price: 41.5 },
    { symbol: 'ACME', price: 42 },
  ]);
});
