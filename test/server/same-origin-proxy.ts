/**
 * A Vite plugin for the browser project: `/same-origin/<port>/<path>` on the page's own server is
 * piped to `http://127.0.0.1:<port>/<path>` (a test SSE server), so browser tests can open streams
 * that are same-origin to the page (no CORS, no preflight) as well as cross-origin ones. The port
 * is in the path because every vitest project starts its own test server.
 */
import { request } from 'node:http';
import type { Plugin } from 'vite';

/** The prefix under which a test SSE server is reachable same-origin. */
export const SAME_ORIGIN_PREFIX = '/same-origin';

const ROUTE = /^\/same-origin\/(\d{2,5})(\/.*)$/;

/**
 * Pipes `/same-origin/<port>/*` to that port on 127.0.0.1 (nothing else is reachable).
 *
 * @example
 * plugins: [sameOriginProxy()]
 */
export function sameOriginProxy(): Plugin {
  return {
    name: 'ssekit-same-origin-proxy',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const route = ROUTE.exec(req.url ?? '');
        if (!route) return next();
        const [, port, path] = route;
        const upstream = request(
          { host: '127.0.0.1', port: Number(port), path, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.flushHeaders();
            answer.pipe(res);
            // The upstream dropped the stream mid-body: drop the page's side too (a FIN), once
            // what was read before the drop has gone through the pipe (a loaded machine can
            // still hold it; ending the socket at once lost a whole first connection's events).
            answer.on('close', () => {
              if (!answer.complete) setTimeout(() => res.socket?.end(), 50);
            });
          },
        );
        upstream.on('error', () => res.destroy());
        res.on('close', () => upstream.destroy());
        req.pipe(upstream);
      });
    },
  };
}
