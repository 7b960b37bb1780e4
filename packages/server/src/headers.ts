/** The response headers of an event stream, shared by the node and Web adapters. */

/**
 * Headers every stream carries. `Connection: keep-alive` is added by the node adapter on
 * HTTP/1.x only: it is illegal on HTTP/2, and Web runtimes manage it themselves.
 *
 * @example
 * new Response(body, { headers: streamHeaders });
 */
export const streamHeaders: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers proxied responses unless told not to; a buffered stream arrives in lumps.
  'X-Accel-Buffering': 'no',
};
