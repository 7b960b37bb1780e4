import type { Connection } from './connection';

/** Browsers allow about six HTTP/1.1 connections per origin, across all tabs. */
const WARN_ABOVE = 4;
const warnedOrigins = new Set<string>();

function protocolOf(url: string): string {
  const perf = (globalThis as { performance?: Performance }).performance;
  const entries = perf?.getEntriesByName?.(url, 'resource') as
    | PerformanceResourceTiming[]
    | undefined;
  return entries?.at(-1)?.nextHopProtocol ?? '';
}

/**
 * Warns once per origin (the pool calls it in development only) when more than four streams to one origin are open over
 * HTTP/1.1 (or an unknown protocol): the sixth request to that origin will wait.
 *
 * @example
 * warnAboutConnectionLimit(connections.values());
 */
export function warnAboutConnectionLimit(connections: Iterable<Connection>): void {
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
