/**
 * Memory under load, over real sockets: a client that stops reading is cut off with the server's
 * memory bounded, and 10 000 connect/disconnect cycles leave nothing behind.
 */
import { connect, type Socket } from 'node:net';
import { createHub, type Hub, type Log, memoryLog } from '@ssekit/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Flavour, type Served, serveHub } from './support';

let hub: Hub;
let served: Served;
afterEach(async () => {
  await served?.close();
  await hub?.close();
});

/** Opens a raw HTTP/1.1 stream request; the socket is returned before anything is read. */
function rawRequest(url: string, path: string): Socket {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
  return socket;
}

/**
 * Bytes the process holds: the JS heap plus Buffers and ArrayBuffers outside it, after a
 * collection (the node project runs with --expose-gc) so garbage does not count.
 */
const held = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

describe.each<Flavour>(['node:http', 'hono'])('hub memory over %s', (flavour) => {
  it('disconnects a client that stops reading; memory stays bounded', async () => {
    // Hono logs the error a stream ends with: here, the overflow the hub reports.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    hub = createHub({ log: memoryLog({ maxEvents: 100 }) });
    served = await serveHub(hub, flavour);
    const stalled = rawRequest(served.url, '/events?topic=t');
    stalled.pause(); // never reads: the kernel buffers fill, then the server's queue
    let closed = false;
    stalled.on('close', () => {
      closed = true;
    });
    stalled.on('error', () => {});
    await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
    const before = held();
    let peak = 0;
    const payload = 'x'.repeat(2048);
    // 40 MB for a client that takes none of it.
    let published = 0;
    for (; published < 20_000 && hub.stats().connections > 0; published++) {
      await hub.publish('t', payload);
      if (published % 200 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        peak = Math.max(peak, held() - before);
      }
    }
    expect(hub.stats().connections).toBe(0);
    expect(published).toBeLessThan(20_000);
    // Once it reads again, the client finds its stream ended (it would resume from the log).
    stalled.resume();
    await vi.waitFor(() => expect(closed).toBe(true));
    for (const [error] of logged.mock.calls) expect(String(error)).toMatch(/could not keep up/);
    logged.mockRestore();
    // Bounded by maxQueueBytes (1 MiB) and the 100-event log, not by the 40 MB published.
    expect(peak).toBeLessThan(8 * 1024 * 1024);
  }, 30_000);
});

describe('hub cleanup', () => {
  it('10 000 connect/disconnect cycles leave no connection, topic or log subscription behind', async () => {
    const inner = memoryLog();
    let subscriptions = 0;
    const counting: Log = {
      ...inner,
      subscribe(topics, listener) {
        subscriptions++;
        const off = inner.subscribe(topics, listener);
        return () => {
          subscriptions--;
          off();
        };
      },
    };
    hub = createHub({ log: counting });
    served = await serveHub(hub, 'node:http');
    const cycle = (i: number): Promise<void> =>
      new Promise((resolve) => {
        const socket = rawRequest(served.url, `/events?topic=t${i % 20}&topic=all`);
        socket.once('data', () => socket.destroy());
        socket.once('close', () => resolve());
        socket.on('error', () => {});
      });
    const baseline = held();
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => cycle(batch * 100 + i)));
      // Events flow while clients come and go, so buffers and queues are exercised too.
      await hub.publish('all', { batch });
    }
    await vi.waitFor(() => expect(hub.stats().connections).toBe(0));
    expect(hub.stats().topics).toEqual({});
    expect(subscriptions).toBe(0);
    // Back near the baseline: nothing per connection survives its disconnect.
    expect(held() - baseline).toBeLessThan(4 * 1024 * 1024);
  }, 60_000);
});
