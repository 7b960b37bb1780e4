/**
 * A cluster on loopback for tests and `pnpm demo:cluster`: hub instances as separate Node
 * processes (test/cluster/instance.ts), and nginx in front of them with the shipped
 * docs/deploy/nginx.conf, only its addresses changed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const instanceScript = fileURLToPath(new URL('./instance.ts', import.meta.url));

let bundled: Promise<string> | undefined;
/**
 * instance.ts bundled once into one CommonJS file: a restart then takes a plain `node` start
 * (about a tenth of a second) instead of compiling TypeScript again, so kills can come fast.
 */
function instanceBundle(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const outfile = join(mkdtempSync(join(tmpdir(), 'ssekit-instance-')), 'instance.cjs');
    await build({
      entryPoints: [instanceScript],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
    });
    return outfile;
  })();
  return bundled;
}

/** The shipped nginx configuration. */
export const nginxConfPath: string = join(root, 'docs/deploy/nginx.conf');

/** Resolves once something accepts TCP connections on `port`. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One hub instance process. */
export interface Instance {
  readonly port: number;
  readonly pid: number | undefined;
  /** Ends the process (SIGKILL: no drain, sockets just die) and waits for its exit. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts a new process on the same port; resolves once it listens. */
  restart(): Promise<void>;
}

/** What an instance runs with. */
export interface InstanceOptions {
  readonly redisUrl: string;
  readonly prefix?: string;
  readonly maxLen?: number;
  readonly heartbeatMs?: number;
}

/**
 * Starts test/cluster/instance.ts (bundled) on `port`; resolves once it listens.
 *
 * @example
 * const instance = await startInstance(3001, { redisUrl });
 * await instance.kill();
 * await instance.restart();
 */
export async function startInstance(port: number, options: InstanceOptions): Promise<Instance> {
  let child: ChildProcess | undefined;
  const script = await instanceBundle();
  const start = async (): Promise<void> => {
    const proc = spawn(process.execPath, [script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        PORT: String(port),
        REDIS_URL: options.redisUrl,
        PREFIX: options.prefix ?? 'ssekit',
        MAX_LEN: String(options.maxLen ?? 10_000),
        HEARTBEAT_MS: String(options.heartbeatMs ?? 15_000),
      },
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (chunk) => {
        out += String(chunk);
        if (out.includes('listening')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`instance on ${port} exited (${code})`)));
    });
  };
  await start();
  return {
    port,
    get pid() {
      return child?.pid;
    },
    async kill(signal = 'SIGKILL') {
      const proc = child;
      child = undefined;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill(signal);
      });
    },
    restart: start,
  };
}

/** A running nginx. */
export interface Nginx {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The shipped configuration with its example addresses replaced: the three `server` lines of the
 * upstream by `upstreams`, `listen 8080` by `port`. Every other line stays as shipped.
 *
 * @example
 * const conf = clusterConf([41001, 41002, 41003], 41000);
 */
export function clusterConf(upstreams: readonly number[], port: number): string {
  const shipped = readFileSync(nginxConfPath, 'utf8');
  const servers = /^( *)server 127\.0\.0\.1:300\d( [^;]*)?;\n/gm;
  const lines = [...shipped.matchAll(servers)];
  if (lines.length !== 3 || !/^ *listen 8080;$/m.test(shipped)) {
    throw new Error('docs/deploy/nginx.conf changed shape: update clusterConf()');
  }
  const [indent, params] = [lines[0]![1], lines[0]![2] ?? ''];
  let first = true;
  return shipped
    .replace(servers, () => {
      if (!first) return '';
      first = false;
      return upstreams.map((p) => `${indent}server 127.0.0.1:${p}${params};\n`).join('');
    })
    .replace(/^( *)listen 8080;$/m, `$1listen 127.0.0.1:${port};`);
}

/**
 * Starts nginx in the foreground with a generated main configuration around
 * {@link clusterConf}; every path it writes is in a temporary directory.
 *
 * @example
 * const nginx = await startNginx([41001, 41002, 41003], 41000);
 */
export function startNginx(upstreams: readonly number[], port: number): Promise<Nginx> {
  return runNginx(clusterConf(upstreams, port), port);
}

/**
 * Starts nginx in the foreground on `port` with `servers` (the inside of its `http` block) and
 * every path it writes in a temporary directory; resolves once it accepts connections.
 *
 * @example
 * const nginx = await runNginx(`server { listen 127.0.0.1:${port}; … }`, port);
 */
export async function runNginx(servers: string, port: number): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'ssekit-nginx-'));
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(dir, sub));
  }
  const conf = join(dir, 'nginx.conf');
  const asRoot = process.getuid?.() === 0;
  writeFileSync(
    conf,
    `${asRoot ? 'user root;\n' : ''}worker_processes 1;
worker_rlimit_nofile 8192;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${servers}
}
`,
  );
  const proc = spawn(
    'nginx',
    ['-c', conf, '-p', dir, '-e', join(dir, 'error.log'), '-g', 'daemon off;'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let failure: Error | undefined;
  proc.once('error', (error) => {
    failure = new Error(`nginx could not start (${error.message}); install it.`);
  });
  proc.once('exit', (code) => {
    failure ??= new Error(`nginx exited with code ${code}; see ${dir}/error.log`);
  });
  const deadline = Date.now() + 10_000;
  while (true) {
    if (failure) throw failure;
    try {
      await waitForPort(port, 100);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) {
        await new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
