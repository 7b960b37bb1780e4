/** node:http (and Express, Fastify's `reply.raw`): a hub stream on a `ServerResponse`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sink } from './connection';
import { streamHeaders } from './headers';
import type { HubCore } from './hub';

function cursorOf(req: IncomingMessage): string | null {
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
  req: IncomingMessage,
  res: ServerResponse,
  topics: readonly string[],
): Promise<void> {
  const joined = await core.join(req, topics, cursorOf(req));
  if (!joined.ok) {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = {
      'Content-Type': 'text/plain; charset=utf-8',
    };
    if (joined.retryAfter !== undefined) headers['Retry-After'] = joined.retryAfter;
    res.writeHead(joined.status, headers).end(joined.message);
    return;
  }
  const { connection } = joined;
  // The client may have left while the replay was read.
  if (req.socket.destroyed || res.destroyed) {
    connection.close('client');
    return;
  }
  const headers: Record<string, string> = { ...streamHeaders };
  if (req.httpVersionMajor === 1) headers.Connection = 'keep-alive';
  res.writeHead(200, headers);
  res.on('close', () => connection.close('client'));
  connection.start(new NodeSink(res), joined.frames, joined.lastOffset);
}

/** A class rather than closures: one of these lives as long as every idle stream. */
class NodeSink implements Sink {
  constructor(private readonly res: ServerResponse) {}
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
