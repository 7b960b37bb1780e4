/**
 * A real `redis-server` for tests: a random free port, a temporary directory, no system service.
 * A missing binary fails loudly: `.ci/run` installs it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server the test started; `restart()` keeps its port and directory. */
export interface TestRedis {
  /** e.g. `redis://127.0.0.1:41234` */
  readonly url: string;
  readonly port: number;
  /** Stops the server: SIGTERM saves the append-only file first, SIGKILL does not. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
  /** The connections Redis holds (CLIENT LIST), not counting the one asking. */
  clients(): Promise<number>;
  /** FLUSHALL: every key gone while the server keeps running, as when Redis is wiped. */
  flushAll(): Promise<void>;
}

/**
 * A free TCP port on 127.0.0.1 (asked of the OS, then released for the caller to bind).
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** CLIENT LIST over a raw connection (RESP by hand: no client library needed here). */
const clientList = (port: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = Buffer.alloc(0);
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      const header = reply.indexOf('\r\n');
      if (header < 0) return;
      const length = Number(reply.subarray(1, header).toString());
      if (reply.length < header + 2 + length + 2) return;
      socket.destroy();
      resolve(reply.subarray(header + 2, header + 2 + length).toString());
    });
    socket.connect(port, '127.0.0.1', () => socket.write('CLIENT LIST\r\n'));
  });

const flushAll = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = '';
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      reply += String(chunk);
      if (!reply.includes('\r\n')) return;
      socket.destroy();
      if (reply.startsWith('+OK')) resolve();
      else reject(new Error(`FLUSHALL failed: ${reply.trim()}`));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('FLUSHALL\r\n'));
  });

const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    socket.once('error', () => resolve(false));
    socket.on('data', (chunk) => {
      reply += String(chunk);
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });

/**
 * Starts `redis-server` on a random port in a temporary directory.
 * `persist: true` turns the append-only file on (fsync on every write), so a restart keeps data.
 *
 * @example
 * const redis = await startRedis({ persist: true });
 * const log = redisLog({ url: redis.url });
 * await redis.close();
 */
export async function startRedis(options: { persist?: boolean } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'ssekit-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    ...(options.persist
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no']),
  ];
  const start = async (): Promise<void> => {
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let failure: Error | undefined;
    proc.once('error', (error) => {
      failure = new Error(`redis-server could not start (${error.message}); install it.`);
    });
    proc.once('exit', (code) => {
      failure ??= new Error(`redis-server exited with code ${code}`);
    });
    for (let i = 0; i < 200; i++) {
      if (failure) throw failure;
      if (await ping(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('redis-server did not answer PING within 5 s');
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async clients() {
      const list = await clientList(port);
      return list.split('\n').filter((line) => line.startsWith('id=')).length - 1;
    },
    flushAll: () => flushAll(port),
    async close() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
