/**
 * What the hub puts on the wire, read raw over real sockets, through node:http and Hono's node
 * adapter alike: headers, the heartbeat announcement, replay after a cursor, resets, refusals.
 */
import { createHub, type Hub, memoryLog } from '@ssekit/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Flavour, openRaw, type RawStream, type Served, serveHub } from './support';

let hub: Hub;
let served: Served;
const streams: RawStream[] = [];
afterEach(async () => {
  for (const stream of streams) stream.close();
  streams.length = 0;
  await served?.close();
  await hub?.close();
});

const open = async (query: string, headers?: Record<string, string>): Promise<RawStream> => {
  const stream = await openRaw(`${served.url}?${query}`, headers);
  streams.push(stream);
  return stream;
};

describe('createHub options', () => {
  it('rejects nonsensical numbers with a clear error', () => {
    expect(() => createHub({ heartbeatMs: 0 })).toThrow(/heartbeatMs must be a finite number ≥ 1/);
    expect(() => createHub({ maxQueueBytes: Number.NaN })).toThrow(/maxQueueBytes/);
    expect(() => createHub({ retryMs: -1 })).toThrow(/retryMs/);
    expect(() => createHub({ maxConnectionAgeMs: 0 })).toThrow(/maxConnectionAgeMs/);
  });
});

describe.each<Flavour>(['node:http', 'hono'])('hub wire over %s', (flavour) => {
  const start = async (options: Parameters<typeof createHub>[0] = {}): Promise<void> => {
    hub = createHub(options);
    served = await serveHub(hub, flavour);
  };

  it('sends the stream headers, then the heartbeat announcement, retry and the join position at once', async () => {
    await start({ retryMs: 2000, log: memoryLog({ epoch: 'ep' }) });
    const stream = await open('topic=a');
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    if (flavour === 'node:http') expect(stream.headers.get('connection')).toBe('keep-alive');
    // An id without data: no event, but the client resumes from here if it drops at once.
    await vi.waitFor(() =>
      expect(stream.text).toBe(': heartbeat 15000\n\nretry: 2000\n\nid: ep-0\n\n'),
    );
  });

  it('delivers events with ordered ids, multi-line data as several data lines', async () => {
    await start({ log: memoryLog({ epoch: 'ep' }) });
    const stream = await open('topic=a');
    await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
    expect(await hub.publish('a', { n: 1 }, { event: 'order' })).toBe('ep-1');
    expect(await hub.publish('a', 'two\nlines')).toBe('ep-2');
    await vi.waitFor(() =>
      expect(stream.text).toBe(
        ': heartbeat 15000\n\nid: ep-0\n\nid: ep-1\nevent: order\ndata: {"n":1}\n\nid: ep-2\ndata: two\ndata: lines\n\n',
      ),
    );
    expect(hub.stats()).toEqual({
      connections: 1,
      closing: false,
      topics: { a: { connections: 1, lastId: 'ep-2' } },
    });
  });

  it('formats each event once: the same bytes go to every connection', async () => {
    await start({ log: memoryLog({ epoch: 'ep' }) });
    const opened = await Promise.all(Array.from({ length: 20 }, () => open('topic=a')));
    await vi.waitFor(() => expect(hub.stats().connections).toBe(20));
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    await hub.publish('a', { n: 1 });
    expect(encode).toHaveBeenCalledTimes(1);
    encode.mockRestore();
    await vi.waitFor(() => {
      for (const stream of opened) expect(stream.events.map((e) => e.id)).toEqual(['ep-1']);
    });
  });

  it('forgets a topic with its last connection', async () => {
    await start({ log: memoryLog({ epoch: 'ep' }) });
    await hub.publish('a', 'before anyone listened');
    expect(hub.stats().topics).toEqual({});
    const stream = await open('topic=a');
    await vi.waitFor(() =>
      expect(hub.stats().topics).toEqual({ a: { connections: 1, lastId: null } }),
    );
    await hub.publish('a', 'x');
    await vi.waitFor(() => expect(hub.stats().topics.a?.lastId).toBe('ep-2'));
    stream.close();
    await vi.waitFor(() => expect(hub.stats()).toMatchObject({ connections: 0, topics: {} }));
  });

  it('replays after Last-Event-ID, else ?lastEventId=, across several topics with one cursor', async () => {
    await start({ log: memoryLog({ epoch: 'ep' }) });
    await hub.publish('a', 'a1'); // ep-1
    await hub.publish('b', 'b1'); // ep-2
    await hub.publish('c', 'c1'); // ep-3
    await hub.publish('a', 'a2'); // ep-4
    await hub.publish('b', 'b2'); // ep-5
    const byHeader = await open('topic=a&topic=b', { 'Last-Event-ID': 'ep-1' });
    const byQuery = await open('topic=a&topic=b&lastEventId=ep-2');
    const headerWins = await open('topic=a&lastEventId=ep-0', { 'Last-Event-ID': 'ep-1' });
    await vi.waitFor(() => {
      expect(byHeader.events.map((e) => [e.id, e.data])).toEqual([
        ['ep-2', 'b1'],
        ['ep-4', 'a2'],
        ['ep-5', 'b2'],
      ]);
      expect(byQuery.events.map((e) => e.data)).toEqual(['a2', 'b2']);
      expect(headerWins.events.map((e) => e.data)).toEqual(['a2']);
    });
    await hub.publish('b', 'b3');
    await vi.waitFor(() => expect(byHeader.events.at(-1)?.data).toBe('b3'));
    expect(headerWins.events.map((e) => e.data)).toEqual(['a2']);
  });

  it('answers a cursor it cannot honour with one ssekit:reset carrying the head id, then goes live', async () => {
    await start({ log: memoryLog({ epoch: 'ep', maxEvents: 2 }) });
    for (const n of [1, 2, 3]) await hub.publish('a', String(n)); // ep-1 evicted
    const cases: Array<[string, string]> = [
      ['ep-0', 'trimmed'],
      ['other-2', 'epoch'],
      ['ep-99', 'unknown'],
      ['garbage', 'malformed'],
      [`ep-${'9'.repeat(200)}`, 'malformed'],
      ['4b2e1c8a-6f1d-4e9b-9c3a-2f7d8e1a0b5c', 'malformed'],
    ];
    const opened = await Promise.all(
      cases.map(([cursor]) => open('topic=a', { 'Last-Event-ID': cursor })),
    );
    await vi.waitFor(() => {
      for (const stream of opened) expect(stream.events).toHaveLength(1);
    });
    opened.forEach((stream, i) => {
      expect(stream.events[0]).toEqual({
        type: 'ssekit:reset',
        data: JSON.stringify({ reason: cases[i]![1] }),
        id: 'ep-3',
      });
    });
    await hub.publish('a', '4');
    await vi.waitFor(() => {
      for (const stream of opened) expect(stream.events.map((e) => e.data).at(-1)).toBe('4');
    });
    for (const stream of opened) expect(stream.events).toHaveLength(2);
  });

  it('refuses bad topics (400), the unauthorised (403), a throwing authorize (401)', async () => {
    const authorize = vi.fn(async (_request: unknown, topics: readonly string[]) => {
      if (topics.includes('boom')) throw new Error('no token');
      return !topics.includes('secret');
    });
    await start({ authorize });
    expect((await open('topic=')).status).toBe(400);
    expect((await open('')).status).toBe(400);
    expect((await open(`topic=${'x'.repeat(257)}`)).status).toBe(400);
    expect((await open(`topic=${'é'.repeat(129)}`)).status).toBe(400); // 258 bytes
    expect((await open(`topic=${'x'.repeat(256)}`)).status).toBe(200);
    expect((await open('topic=a&topic=secret')).status).toBe(403);
    expect((await open('topic=boom')).status).toBe(401);
    expect(authorize).toHaveBeenCalledTimes(3);
    const [request] = authorize.mock.calls[0]!;
    expect(flavour === 'hono' ? request instanceof Request : 'socket' in (request as object)).toBe(
      true,
    );
    await vi.waitFor(() => expect(hub.stats().connections).toBe(1));
  });

  it('rejects unpublishable input with a clear error and touches no connection', async () => {
    await start({ log: memoryLog({ epoch: 'ep' }) });
    const stream = await open('topic=a');
    await vi.waitFor(() => expect(stream.comments).toHaveLength(1));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(hub.publish('a', { n: 1n })).rejects.toThrow(/JSON cannot serialise.*BigInt/);
    await expect(hub.publish('a', cyclic)).rejects.toThrow(/JSON cannot serialise/);
    await expect(hub.publish('a', undefined)).rejects.toThrow(/no JSON form/);
    await expect(hub.publish('a', 1, { event: 'x\ny' })).rejects.toThrow(/CR or LF/);
    await expect(hub.publish('', 1)).rejects.toThrow(/non-empty/);
    await expect(hub.publish('t'.repeat(300), 1)).rejects.toThrow(/256 bytes/);
    expect(hub.stats().topics.a).toEqual({ connections: 1, lastId: null });
    expect(await hub.publish('a', 'ok')).toBe('ep-1');
    await vi.waitFor(() => expect(stream.events.map((e) => e.data)).toEqual(['ok']));
  });

  it('answers 503 + Retry-After while storage is unreachable, keeping nothing', async () => {
    const inner = memoryLog({ epoch: 'ep' });
    let available = true;
    await start({
      retryMs: 5000,
      log: {
        ...inner,
        get available() {
          return available;
        },
        read: async () => {
          throw new Error('connection refused');
        },
      },
    });
    const failedRead = await open('topic=a', { 'Last-Event-ID': 'ep-0' });
    expect([failedRead.status, failedRead.headers.get('retry-after')]).toEqual([503, '5']);
    available = false;
    const unavailable = await open('topic=a');
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '5']);
    expect(hub.stats()).toMatchObject({ connections: 0, topics: {} });
  });

  it('drains: 503 + Retry-After for new streams, every open stream ends, close resolves', async () => {
    await start({ retryMs: 3000 });
    const opened = await Promise.all([open('topic=a'), open('topic=b'), open('topic=a')]);
    await vi.waitFor(() => expect(hub.stats().connections).toBe(3));
    const closing = hub.close({ drainMs: 50 });
    const refused = await open('topic=a');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    await closing;
    expect(hub.stats()).toMatchObject({ connections: 0, closing: true });
    expect(opened.every((s) => s.status === 200)).toBe(true);
  });

  it('refuses a stream whose join was still reading the log when close() ran', async () => {
    const inner = memoryLog({ epoch: 'ep' });
    let reading = 0;
    let release = (): void => {};
    const readable = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A log the hub does not own: it stays usable after close(), as a shared Redis does.
    await start({
      retryMs: 3000,
      log: {
        ...inner,
        head: async () => {
          reading++;
          await readable;
          return inner.head();
        },
      },
    });
    const joining = open('topic=a');
    await vi.waitFor(() => expect(reading).toBe(1));
    const closing = hub.close();
    release();
    const refused = await joining;
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '3']);
    await closing;
    expect(hub.stats()).toMatchObject({ connections: 0, topics: {}, closing: true });
  });
});
