/**
 * node:http (and Express, Fastify's `reply.raw`) and node:http2's compatibility API: a hub
 * stream on a `ServerResponse` or an `Http2ServerResponse`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Sink } from './connection.js';
import { streamHeaders } from './headers.js';
import type { HubCore } from './hub-core.js';

/** The part of a node response the hub uses, shared by node:http and node:http2. */
interface StreamResponse {
  readonly headersSent: boolean;
  readonly writableLength: number;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(chunk: Uint8Array): unknown;
  end(text?: string): unknown;
  destroy(): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** Whether the client has gone: the socket on HTTP/1, the stream on HTTP/2 (sockets are shared). */
function gone(req: IncomingMessage | Http2ServerRequest, res: StreamResponse): boolean {
  const stream = (res as { stream?: { destroyed: boolean } }).stream;
  if (stream) return stream.destroyed;
  return req.socket.destroyed || (res as { destroyed?: boolean }).destroyed === true;
}

function cursorOf(req: IncomingMessage | Http2ServerRequest): string | null {
  // rawHeaders, not req.headers: node builds that object lazily and keeps it for the whole
  // life of the request, about a kilobyte on every idle stream.
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'last-event-id' && raw[i + 1]) {
      return raw[i + 1]!;
    }
  }
  const query = req.url?.indexOf('?') ?? -1;
  if (query < 0) return null;
  return new URLSearchParams(req.url!.slice(query + 1)).get('lastEventId') || null;
}

/**
 * Serves one stream on a node response: refusals as plain-text statuses, else the event stream.
 *
 * @example
 * await handleNode(core, req, res, ['orders']);
 */
export async function handleNode(
  core: HubCore,
  req: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
  topics: readonly string[],
): Promise<void> {
  const res = response as StreamResponse;
  const joined = await core.join(req, topics, cursorOf(req));
  if (!joined.ok) {
    if (res.headersSent || gone(req, res)) return;
    const headers: Record<string, string | number> = {
      'Content-Type': 'text/plain; charset=utf-8',
    };
    if (joined.retryAfter !== undefined) headers['Retry-After'] = joined.retryAfter;
    res.writeHead(joined.status, headers);
    res.end(joined.message);
    return;
  }
  const { connection } = joined;
  // The client may have left while the replay was read.
  if (gone(req, res)) {
    connection.close('client');
    return;
  }
  const headers: Record<string, string> = { ...streamHeaders };
  // Illegal on HTTP/2: node's http2 compatibility API throws on it.
  if (req.httpVersionMajor === 1) headers.Connection = 'keep-alive';
  res.writeHead(200, headers);
  res.on('close', () => connection.close('client'));
  connection.start(new NodeSink(res), joined.frames, joined.lastOffset, joined.epoch);
}

/** A class rather than closures: one of these lives as long as every idle stream. */
class NodeSink implements Sink {
  constructor(private readonly res: StreamResponse) {}
  write(chunk: Uint8Array): void {
    this.res.write(chunk);
  }
  pending(): number {
    return this.res.writableLength;
  }
  end(): void {
    this.res.end();
  }
  abort(): void {
    this.res.destroy();
  }
}
