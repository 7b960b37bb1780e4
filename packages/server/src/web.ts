/** Web `Request`/`Response` runtimes (Hono, Next route handlers, SvelteKit, h3, Bun, Deno). */
import type { Sink } from './connection.js';
import { streamHeaders } from './headers.js';
import type { HubCore } from './hub-core.js';

function cursorOf(request: Request): string | null {
  const header = request.headers.get('last-event-id');
  if (header) return header;
  try {
    return new URL(request.url).searchParams.get('lastEventId') || null;
  } catch {
    return null;
  }
}

/**
 * Answers one stream request with a Web `Response`: refusals as plain-text statuses, else a
 * `ReadableStream` of the event stream whose queue counts against `maxQueueBytes`.
 *
 * @example
 * return respondWeb(core, request, ['orders']);
 */
export async function respondWeb(
  core: HubCore,
  request: Request,
  topics: readonly string[],
): Promise<Response> {
  const joined = await core.join(request, topics, cursorOf(request));
  if (!joined.ok) {
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
    if (joined.retryAfter !== undefined) headers['Retry-After'] = String(joined.retryAfter);
    return new Response(joined.message, { status: joined.status, headers });
  }
  const { connection } = joined;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  // A high-water mark of 0 bytes makes -desiredSize exactly the bytes the runtime has not taken.
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      cancel: () => connection.close('client'),
    },
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
  const sink: Sink = {
    write: (chunk) => controller.enqueue(chunk),
    pending: () => Math.max(0, -(controller.desiredSize ?? 0)),
    end: () => controller.close(),
    abort: () => controller.error(new Error('ssekit hub: the client could not keep up')),
  };
  if (request.signal.aborted) {
    connection.close('client');
  } else {
    request.signal.addEventListener('abort', () => connection.close('client'), { once: true });
    connection.start(sink, joined.frames, joined.lastOffset, joined.epoch);
  }
  return new Response(body, { status: 200, headers: streamHeaders });
}
