import type { Connection } from './connection';

/** Browsers allow about six HTTP/1.1 connections per origin, across all tabs. */
const WARN_ABOVE = 4;
const warnedOrigins = new Set<string>();

interface Timing {
  readonly nextHopProtocol?: string;
}

/**
 * The protocol a stream to `url` uses, as far as the page can tell. Resource Timing has no entry
 * for a response that has not ended (an open stream), so a same-origin stream falls back to the
 * page's own navigation entry: the browser uses the same connection pool for both.
 */
function protocolOf(url: string): string {
  const perf = (
    globalThis as {
      performance?: { getEntriesByName?(name: string, type: string): Timing[] } & {
        getEntriesByType?(type: string): Timing[];
      };
    }
  ).performance;
  const own = perf?.getEntriesByName?.(url, 'resource')?.at(-1)?.nextHopProtocol;
  if (own) return own;
  const page = (globalThis as { location?: { origin: string } }).location?.origin;
  if (page !== new URL(url).origin) return '';
  return perf?.getEntriesByType?.('navigation')?.at(-1)?.nextHopProtocol ?? '';
}

/**
 * Warns once per origin (the pool calls it in development only) when more than four streams to one origin are open over
 * HTTP/1.1 (or an unknown protocol): the sixth request to that origin will wait.
 *
 * @example
 * warnAboutConnectionLimit(connections.values());
 */
export function warnAboutConnectionLimit(connections: Iterable<Connection>): void {
  // The limit is a browser's: Node and workers without a page have nothing to warn about.
  if (typeof (globalThis as { document?: unknown }).document === 'undefined') return;
  const byOrigin = new Map<string, string[]>();
  for (const connection of connections) {
    if (connection.snapshot.status !== 'open') continue;
    const { url } = connection.config;
    const origin = new URL(url).origin;
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), url]);
  }
  for (const [origin, urls] of byOrigin) {
    if (urls.length <= WARN_ABOVE || warnedOrigins.has(origin)) continue;
    // HTTP/2 and HTTP/3 multiplex: the limit does not apply.
    if (urls.some((url) => /^h[23]/.test(protocolOf(url)))) continue;
    warnedOrigins.add(origin);
    console.warn(
      `ssekit: ${urls.length} event streams are open to ${origin} over HTTP/1.1; browsers allow about 6 connections per origin across all tabs, so other requests will stall. Serve them over HTTP/2, merge them into one stream, or use crossTab sharing. Streams: ${urls.join(', ')}`,
    );
  }
}
