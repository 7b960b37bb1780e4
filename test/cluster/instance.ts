/**
 * One hub instance of the cluster tests and `pnpm demo:cluster`: a node:http server whose hub
 * keeps its log in Redis. Configured by environment: PORT, REDIS_URL, PREFIX, MAX_LEN,
 * HEARTBEAT_MS. Prints `listening` once it accepts connections; SIGTERM drains and exits.
 *
 * Routes: GET /events?topic=a&topic=b (the stream), GET /stats, GET / (the demo page).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createHub } from '../../packages/server/src/index';
import { redisLog } from '../../packages/server/src/redis';

const port = Number(process.env.PORT);
const log = redisLog({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: process.env.PREFIX ?? 'ssekit',
  maxLen: Number(process.env.MAX_LEN ?? 10_000),
});
const hub = createHub({ log, heartbeatMs: Number(process.env.HEARTBEAT_MS ?? 15_000) });
// Run bundled (CommonJS) from the repository root: no import.meta here.
const page = join(process.cwd(), 'test/cluster/demo.html');

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/events') {
    void hub.handle(req, res, { topics: url.searchParams.getAll('topic') });
  } else if (url.pathname === '/stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ instance: port, pid: process.pid, ...hub.stats() }));
  } else if (url.pathname === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(readFileSync(page));
  } else {
    res.writeHead(404).end();
  }
});
// Take traffic once Redis is reachable: head() resolves when the log is connected and subscribed.
const listen = (): void => {
  log.head().then(
    () => server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n')),
    () => setTimeout(listen, 100),
  );
};
listen();

process.once('SIGTERM', () => {
  server.close();
  void hub
    .close({ drainMs: 1000 })
    .then(() => log.close())
    .finally(() => process.exit(0));
});
