/**
 * The playground's demo server on @ssekit/server: every stream a hub topic, the fault knobs in
 * front of or around the hub. Real node:http on 127.0.0.1, read with fetch.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDemoServer, type DemoServer } from '../../stories/demo-server/createDemoServer';
import type { DemoControlRequest, DemoStats } from '../../stories/demo-server/payloads';
import { openRaw, type RawStream } from './support';

let demo: DemoServer;
let server: Server;
let origin: string;
const open: RawStream[] = [];

beforeEach(async () => {
  // A short heartbeat, so the silence test sees the hub's comments stop and come back.
  demo = createDemoServer({ heartbeatMs: 20 });
  server = createServer((req, res) => {
    req.url = req.url?.slice('/demo'.length) || '/';
    demo.middleware(req, res, (error) => res.writeHead(error ? 500 : 404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/demo`;
});

afterEach(async () => {
  for (const stream of open.splice(0)) stream.close();
  demo.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const WAIT = { timeout: 10_000, interval: 20 };

async function stream(path: string, headers: Record<string, string> = {}): Promise<RawStream> {
  const raw = await openRaw(`${origin}${path}`, headers);
  open.push(raw);
  return raw;
}

async function control(request: DemoControlRequest): Promise<void> {
  const response = await fetch(`${origin}/control`, {
    method: 'POST',
    body: JSON.stringify(request),
  });
  expect(response.status).toBe(200);
}

const stats = async (): Promise<DemoStats> =>
  (await (await fetch(`${origin}/stats`)).json()) as DemoStats;

describe('demo server on @ssekit/server', () => {
  it('serves each stream as a hub topic: <epoch>-<offset> ids, retry and the heartbeat announcement', async () => {
    const chat = await stream('/chat');
    expect(chat.status).toBe(200);
    await vi.waitFor(() => expect(chat.events.length).toBeGreaterThan(0), WAIT);
    expect(chat.comments[0]).toBe('heartbeat 20');
    expect(chat.text).toContain('retry: 1000\n');
    const [first] = chat.events;
    expect(first?.id).toMatch(/^[A-Za-z0-9]+-\d+$/);
    expect(JSON.parse(first?.data ?? '')).toMatchObject({ id: 1 });
    expect((await stats()).streams.chat).toMatchObject({ open: 1, lastEventId: first?.id });
  });

  it('replays exactly what a dropped client missed after its Last-Event-ID', async () => {
    const before = await stream('/replay');
    await vi.waitFor(() => expect(before.events.length).toBeGreaterThan(0), WAIT);
    const seen = before.events[0]!;
    const answer = (await (await fetch(`${origin}/replay/drop`, { method: 'POST' })).json()) as {
      dropped: number;
      published: string[];
    };
    expect(answer.dropped).toBe(1);
    expect(answer.published).toHaveLength(3);

    const after = await stream('/replay', { 'Last-Event-ID': seen.id });
    await vi.waitFor(() => expect(after.events.length).toBeGreaterThanOrEqual(3), WAIT);
    const replayed = after.events.slice(0, 3);
    expect(replayed.map((e) => e.id)).toEqual(answer.published);
    const numbers = replayed.map((e) => (JSON.parse(e.data) as { n: number }).n);
    const { n } = JSON.parse(seen.data) as { n: number };
    expect(numbers).toEqual([n + 1, n + 2, n + 3]);
  });

  it('invalid-json publishes the raw text with a hub id, and the stream goes on', async () => {
    const chat = await stream('/chat');
    await control({ action: 'invalid-json', stream: 'chat' });
    await vi.waitFor(() => expect(chat.events.length).toBeGreaterThanOrEqual(2), WAIT);
    const [broken, next] = chat.events;
    expect(() => JSON.parse(broken?.data ?? '')).toThrow();
    expect(broken?.id).toMatch(/^[A-Za-z0-9]+-\d+$/);
    // The broken event took number 1: the next message is number 2.
    expect(JSON.parse(next?.data ?? '')).toMatchObject({ id: 2 });
  });

  it('answers stop with 204 and fail with 500 before the hub, and reset lifts them', async () => {
    await control({ action: 'stop', stream: 'typed' });
    expect((await fetch(`${origin}/typed`)).status).toBe(204);
    await control({ action: 'fail', stream: 'typed', seconds: 60 });
    expect((await fetch(`${origin}/typed`)).status).toBe(500);
    await control({ action: 'reset', stream: 'typed' });
    const typed = await stream('/typed');
    expect(typed.status).toBe(200);
    expect((await stats()).streams.typed).toMatchObject({ connections: 3, refused: 2 });
  });

  it('silence holds every write, the hub heartbeats included, until reset', async () => {
    const chat = await stream('/chat');
    await vi.waitFor(() => expect(chat.comments.length).toBeGreaterThanOrEqual(3), WAIT);
    await control({ action: 'silence', stream: 'chat', seconds: 300 });
    const held = chat.text.length;
    // Ten heartbeat intervals: a socket that was not held would have had ten comments by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(chat.text.length).toBe(held);
    await control({ action: 'reset', stream: 'chat' });
    await vi.waitFor(() => expect(chat.text.length).toBeGreaterThan(held), WAIT);
  });
});
