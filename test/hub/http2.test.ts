/**
 * The hub on node:http2's compatibility API (cleartext h2c on 127.0.0.1): no `Connection`
 * header (illegal on HTTP/2), replay after Last-Event-ID, and a reset stream frees its connection
 * although the TCP socket, shared by other streams, stays open.
 */
import { connect, createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createHub, type Hub, memoryLog } from '@ssekit/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

let hub: Hub;
let server: Http2Server;
afterEach(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await hub?.close();
});

describe('hub over node:http2', () => {
  it('streams without a Connection header, resumes, and frees a closed stream', async () => {
    hub = createHub({ log: memoryLog({ epoch: 'ep' }) });
    server = createServer((req, res) => void hub.handle(req, res, { topics: ['a'] }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await hub.publish('a', 'one');
    await hub.publish('a', 'two');
    const session = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const request = session.request({ ':path': '/events', 'last-event-id': 'ep-1' });
    let headers: Record<string, unknown> = {};
    let text = '';
    request.on('response', (h) => {
      headers = h;
    });
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    await vi.waitFor(() => expect(text).toBe(': heartbeat 15000\n\nid: ep-2\ndata: two\n\n'));
    expect(headers[':status']).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(headers.connection).toBeUndefined();
    await hub.publish('a', 'three');
    await vi.waitFor(() => expect(text).toContain('id: ep-3\ndata: three\n\n'));
    request.close();
    await vi.waitFor(() => expect(hub.stats().connections).toBe(0));
    session.close();
  });
});
