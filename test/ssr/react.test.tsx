import { createPool } from '@ssekit/core';
import { createTestTransport } from '@ssekit/core/testing';
import { SSEProvider, useEventSource, useSSEEvent, useSSEPool } from '@ssekit/react';
import type { ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

function Ticker(): ReactElement {
  const { status } = useEventSource('/api/ticker');
  const { data: tick, count } = useSSEEvent<{ price: number }>('/api/ticker', 'tick');
  const ticker = useSSEPool().source<{ tick: { price: number } }>('/api/ticker');
  const price = useSSEEvent(ticker, 'tick', { select: (s) => s.data?.price ?? 'no price' });
  return <p>{`${status} ${tick?.price ?? 'no data'} ${count} ${price}`}</p>;
}

describe('@ssekit/react on a server', () => {
  it('renders the idle snapshot from a provided pool, opening and subscribing nothing', () => {
    const server = createTestTransport();
    const pool = createPool({ transport: server.transport });
    const html = renderToString(
      <SSEProvider pool={pool}>
        <Ticker />
      </SSEProvider>,
    );
    expect(html).toBe('<p>idle no data 0 no price</p>');
    expect(server.connections).toHaveLength(0);
    // Nothing subscribed either: a server render never unmounts, so a subscription would leak.
    expect(pool.inspect().connections).toEqual([]);
  });

  it('renders the idle snapshot from the default pool, without throwing', () => {
    expect(typeof window).toBe('undefined');
    expect(renderToString(<Ticker />)).toBe('<p>idle no data 0 no price</p>');
  });

  it('renders the idle snapshot even from a live pool, so hydration matches the first client render', async () => {
    const server = createTestTransport();
    const pool = createPool({
      transport: server.transport,
      connectOnServer: true,
      baseUrl: 'http://localhost/',
    });
    const stop = pool
      .source('/api/ticker')
      .event('tick')
      .listen(() => {});
    server.current?.open();
    server.current?.send({ price: 3 }, { type: 'tick' });
    await Promise.resolve();
    expect(pool.source('/api/ticker').event('tick').get().data).toEqual({ price: 3 });

    const html = renderToString(
      <SSEProvider pool={pool}>
        <Ticker />
      </SSEProvider>,
    );
    expect(html).toBe('<p>idle no data 0 no price</p>');
    expect(server.connections).toHaveLength(1);
    stop();
    pool.reset();
  });
});
