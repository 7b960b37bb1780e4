/** node:http (and Express, Fastify's `reply.raw`): a hub stream on a `ServerResponse`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sink } from './connection';
import { streamHeaders } from './headers';
import type { HubCore } from './hub';

function cursorOf(req: IncomingMessage): string | null {
  const header = req.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value) return value;
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
  const sink: Sink = {
    write: (chunk) => {
      res.write(chunk);
    },
    pending: () => res.writableLength,
    end: () => {
      res.end();
    },
    abort: () => {
      res.destroy();
    },
  };
  res.once('close', () => connection.close('client'));
  connection.start(sink, joined.frames, joined.lastOffset);
}
