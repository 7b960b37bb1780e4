/**
 * The hub behind nginx with the package README's location block (nginx started here on
 * 127.0.0.1, its config in a temporary directory): events arrive one by one through the proxy,
 * and a resume through it is exact.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, type Hub, memoryLog } from '@ssekit/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openRaw, type RawStream, type Served, serveHub } from './support';

let hub: Hub;
let served: Served;
let nginx: ChildProcess;
let dir: string;
let proxyUrl: string;

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  hub = createHub({ log: memoryLog({ epoch: 'ep' }) });
  served = await serveHub(hub, 'node:http');
  dir = await mkdtemp(join(tmpdir(), 'ssekit-nginx-'));
  const port = await freePort();
  const upstream = new URL(served.url).host;
  await writeFile(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location /events {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection '';
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
    }
  }
}
`,
  );
  nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', 'stderr'], {
    stdio: 'ignore',
  });
  proxyUrl = `http://127.0.0.1:${port}/events`;
  await vi.waitFor(async () => expect((await fetch(`${proxyUrl}?topic=`)).status).toBe(400), {
    timeout: 10_000,
    interval: 50,
  });
});

afterAll(async () => {
  nginx?.kill();
  await served?.close();
  await hub?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
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
