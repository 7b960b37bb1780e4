/**
 * `pnpm playground:preview`: serves the built Storybook (`storybook-static/`) and the demo SSE
 * server on one origin, like `pnpm playground` does in development. Tests import
 * {@link startPreviewServer} and run it in-process on a random port.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDemoServer, type DemoServer, type DemoServerOptions } from './createDemoServer.js';

/**
 * Options of {@link startPreviewServer}.
 *
 * @example
 * const options: PreviewServerOptions = { port: 0, host: '127.0.0.1' };
 */
export interface PreviewServerOptions extends DemoServerOptions {
  /** Default 6006; 0 picks a free port. */
  readonly port?: number;
  /** Default: every interface (what `storybook dev` does too). Tests pass `127.0.0.1`. */
  readonly host?: string;
  /** The static Storybook; default `storybook-static/` at the repository root. */
  readonly dir?: string;
}

/**
 * A running preview server.
 *
 * @example
 * const { url, close }: PreviewServer = await startPreviewServer();
 */
export interface PreviewServer {
  /** Origin, e.g. `http://127.0.0.1:6006`. */
  readonly url: string;
  readonly demo: DemoServer;
  /** Ends every stream and connection, then stops listening. */
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

async function serveFile(dir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://preview.invalid');
  let relative = decodeURIComponent(pathname).replace(/^\/+/, '') || 'index.html';
  // Browsers ask for /favicon.ico on their own; Storybook ships an SVG one.
  if (relative === 'favicon.ico') relative = 'favicon.svg';
  const file = resolve(dir, relative);
  // Never serve anything outside the static directory (`/../package.json` and the like).
  if (file !== dir && !file.startsWith(dir + sep)) {
    res.writeHead(403).end();
    return;
  }
  const info = await stat(file).catch(() => null);
  const target = info?.isDirectory() ? join(file, 'index.html') : file;
  const found = info?.isDirectory() ? await stat(target).catch(() => null) : info;
  if (!found?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`Not found: ${pathname}. Did you run \`pnpm playground:build\`?`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
    'Content-Length': found.size,
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(target).pipe(res);
}

/**
 * Starts the static Storybook and the demo server on one origin.
 *
 * @example
 * const preview = await startPreviewServer({ port: 0, host: '127.0.0.1' });
 * console.log(`${preview.url}/iframe.html?id=react-ticker--live`);
 * await preview.close();
 */
export async function startPreviewServer(
  options: PreviewServerOptions = {},
): Promise<PreviewServer> {
  const dir = resolve(options.dir ?? join(ROOT, 'storybook-static'));
  const indexFile = await stat(join(dir, 'index.json')).catch(() => null);
  if (!indexFile) {
    throw new Error(`No Storybook build in ${dir}: run \`pnpm playground:build\` first.`);
  }
  const demo = createDemoServer(options);
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const fail = (error: unknown): void => {
      console.error('[playground preview]', error);
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    };
    const path = req.url ?? '/';
    if (path === '/demo' || path.startsWith('/demo/') || path.startsWith('/demo?')) {
      // Hand the demo server the URL relative to its mount point, as connect does in dev.
      req.url = path.slice('/demo'.length) || '/';
      demo.middleware(req, res, (error) => {
        if (error) fail(error);
        else sendNotFound(res, path);
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    serveFile(dir, req, res).catch(fail);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6006, options.host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const host =
    address.family === 'IPv6'
      ? address.address === '::'
        ? 'localhost'
        : `[${address.address}]`
      : address.address === '0.0.0.0'
        ? 'localhost'
        : address.address;

  return {
    url: `http://${host}:${address.port}`,
    demo,
    close: async () => {
      demo.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function sendNotFound(res: ServerResponse, path: string): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`No demo endpoint at ${path}; GET /demo/ lists them.`);
}

// Run as a script (`tsx stories/demo-server/preview.ts`): serve until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = Number(process.env.PORT ?? 6006);
  startPreviewServer({ port }).then(
    (preview) => {
      console.log(`Playground (built Storybook + demo SSE server) on ${preview.url}`);
      const stop = (): void => {
        preview.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
