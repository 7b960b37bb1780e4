/**
 * The hub behind nginx with the package README's location block (nginx started here on
 * 127.0.0.1, its config in a temporary directory): events arrive one by one through the proxy,
 * and a resume through it is exact.
 */
import { createHub, type Hub, memoryLog } from '@ssekit/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Nginx, runNginx } from '../cluster/support';
import { freePort } from '../support/redis';
import { openRaw, type RawStream, type Served, serveHub } from './support';

let hub: Hub;
let served: Served;
let nginx: Nginx;
let proxyUrl: string;

beforeAll(async () => {
  hub = createHub({ log: memoryLog({ epoch: 'ep' }) });
  served = await serveHub(hub, 'node:http');
  const port = await freePort();
  const upstream = new URL(served.url).host;
  // The package README's location block, its upstream filled in.
  nginx = await runNginx(
    `server {
    listen 127.0.0.1:${port};
    location /events {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection '';
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
    }
  }`,
    port,
  );
  proxyUrl = `${nginx.url}/events`;
});

afterAll(async () => {
  await nginx?.close();
  await served?.close();
  await hub?.close();
});

describe('hub behind nginx, configured as the README says', () => {
  it('streams each event as it is published, and resumes exactly through the proxy', async () => {
    const streams: RawStream[] = [];
    try {
      const live = await openRaw(`${proxyUrl}?topic=a`);
      streams.push(live);
      expect(live.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await vi.waitFor(() => expect(live.comments).toEqual(['heartbeat 15000']));
      // One at a time, each before the next is published.
      for (const n of [1, 2, 3]) {
        await hub.publish('a', `e${n}`);
        await vi.waitFor(() => expect(live.events.at(-1)?.data).toBe(`e${n}`));
      }
      const resumed = await openRaw(`${proxyUrl}?topic=a`, { 'Last-Event-ID': 'ep-1' });
      streams.push(resumed);
      await vi.waitFor(() => expect(resumed.events.map((e) => e.data)).toEqual(['e2', 'e3']));
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});
