/**
 * A Vite plugin for the browser project: `/same-origin/<path>` on the page's own server is piped to
 * the test SSE server, so browser tests can open streams that are same-origin to the page (no
 * CORS, no preflight) as well as cross-origin ones.
 */
import { request } from 'node:http';
import type { Plugin } from 'vite';

/** The prefix under which the test SSE server is reachable same-origin. */
export const SAME_ORIGIN_PREFIX = '/same-origin';

/**
 * Pipes `/same-origin/*` to the server whose origin `global-setup.ts` puts in
 * `process.env.SSEKIT_TEST_SERVER` (read per request: the setup runs after the config loads).
 *
 * @example
 * plugins: [sameOriginProxy()]
 */
export function sameOriginProxy(): Plugin {
  return {
    name: 'ssekit-same-origin-proxy',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const target = process.env.SSEKIT_TEST_SERVER;
        if (!target || !req.url?.startsWith(`${SAME_ORIGIN_PREFIX}/`)) return next();
        const upstream = request(
          `${target}${req.url.slice(SAME_ORIGIN_PREFIX.length)}`,
          { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.flushHeaders();
            answer.pipe(res);
            // The upstream dropped the stream mid-body: drop the page's side too (a FIN).
            answer.on('close', () => !answer.complete && res.socket?.end());
          },
        );
        upstream.on('error', () => res.destroy());
        res.on('close', () => upstream.destroy());
        req.pipe(upstream);
      });
    },
  };
}
