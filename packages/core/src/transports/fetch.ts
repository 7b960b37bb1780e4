import { createEventStreamParser } from '../parser';
import type { Transport, TransportRequest, TransportSink } from '../transport';
import type { SSERequestError } from '../types';
import type { Credentials, RequestBody } from '../web-types';
import { parseRetryAfter } from './retry-after';

/**
 * Options of {@link createFetchTransport}.
 *
 * @example
 * const options: FetchTransportOptions = {
 *   headers: async () => ({ Authorization: `Bearer ${await getToken()}` }),
 * };
 */
export interface FetchTransportOptions {
  /** Static headers, or a function called before every attempt (fresh bearer tokens). */
  headers?:
    | Record<string, string>
    | ((context: {
        lastEventId: string;
      }) => Record<string, string> | Promise<Record<string, string>>);
  /** Default 'GET'. */
  method?: string;
  /** Sent again on every attempt, so it must be re-readable: a string, Blob, FormData… */
  body?: RequestBody;
  credentials?: Credentials;
  /** Injectable; default `globalThis.fetch`, read at call time. */
  fetch?: typeof fetch;
  /** The largest event data kept, in UTF-16 code units; default 8 MiB. */
  maxEventSize?: number;
  /**
   * Cross-origin, the last event id goes in this query parameter instead of the `Last-Event-ID`
   * header, which would need a CORS preflight; default `'lastEventId'`, `false` turns it off.
   */
  lastEventIdParam?: string | false;
  /** Cross-origin, send the `Last-Event-ID` header too (the server must allow it); default false. */
  lastEventIdHeader?: boolean;
}

const EVENT_STREAM = 'text/event-stream';

/**
 * The fetch transport: headers (static or per attempt), method, body and credentials, the HTTP
 * status on failure, and the last event id on every reconnect: the `Last-Event-ID` header
 * same-origin (and outside browsers), the `lastEventId` query parameter cross-origin, so a plain
 * GET needs no CORS preflight. Works in browsers and in Node.
 *
 * @example
 * const transport = createFetchTransport({ headers: { Authorization: `Bearer ${token}` } });
 * const pool = createPool({ transport });
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  return (request, sink) => {
    void attempt(options, request, sink);
    // fetch delivers every event type, so there is nothing to follow per type.
    return undefined;
  };
}

async function attempt(
  options: FetchTransportOptions,
  request: TransportRequest,
  sink: TransportSink,
): Promise<void> {
  const { signal, lastEventId } = request;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // Not every injected fetch ties its body to the signal: cancelling the reader ends it anyway.
  const cancel = (): void => {
    reader?.cancel().catch(noop);
  };
  signal.addEventListener('abort', cancel);
  // Abort is the connection layer's own doing: it is never reported.
  const fail = (message: string, error?: Omit<SSERequestError, 'message'>): void => {
    if (!signal.aborted) sink.fail({ kind: 'network', ...error, message });
  };
  // Cross-origin with a header or method that is not CORS-safelisted: the browser asks first.
  let preflighted = false;
  let url = request.url;
  try {
    let headers: Headers;
    try {
      const sameOrigin = isSameOrigin(url);
      const param = options.lastEventIdParam ?? 'lastEventId';
      headers = await requestHeaders(options, lastEventId, sameOrigin);
      if (!sameOrigin && param && lastEventId) {
        const withId = new URL(url);
        withId.searchParams.set(param, lastEventId);
        url = withId.href;
      }
      preflighted =
        !sameOrigin &&
        (!SIMPLE_METHODS.has(options.method ?? 'GET') ||
          [...headers.keys()].some((name) => !SIMPLE_HEADERS.has(name)));
    } catch (error) {
      // A failed attempt like any other (backoff), never a wedged stream.
      return fail((error as Error).message);
    }
    if (signal.aborted) return;

    const response = await (options.fetch ?? globalThis.fetch)(url, {
      method: options.method ?? 'GET',
      headers,
      body: options.body,
      credentials: options.credentials,
      signal,
    });
    const { status, body } = response;
    // Only the media type counts (and is shown): parameters such as charset do not matter.
    const type = response.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (status === 204 || !response.ok || type !== EVENT_STREAM || signal.aborted) {
      body?.cancel().catch(noop);
      if (status === 204) {
        fail('HTTP 204: the server asked clients not to reconnect.', { kind: 'stopped', status });
      } else if (!response.ok) {
        fail(`HTTP ${status}: ${httpHint(status)}`, {
          kind: 'http',
          status,
          retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
        });
      } else {
        fail(
          `Got Content-Type ${type ? `"${type.slice(0, 100)}"` : 'none'}, not ${EVENT_STREAM}: check the URL and the server's Content-Type.`,
          { kind: 'content-type', status },
        );
      }
      return;
    }

    sink.open({ status, headers: response.headers });
    const parser = createEventStreamParser({
      lastEventId,
      maxEventSize: options.maxEventSize,
      // One chunk can hold many events: none may slip out after an abort.
      onEvent: (event) => !signal.aborted && sink.event(event),
      onRetry: (ms) => !signal.aborted && sink.retry(ms),
      onLastEventId: (id) => !signal.aborted && sink.id?.(id),
      onError: (error) => !signal.aborted && sink.warn(error),
      onComment: (text) => {
        const announced = HEARTBEAT.exec(text);
        if (announced && !signal.aborted) sink.heartbeat?.(Number(announced[1]));
      },
    });
    if (body) {
      reader = body.getReader();
      if (signal.aborted) return cancel();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || signal.aborted) break;
        sink.activity(value.byteLength);
        parser.feed(value);
      }
    }
    parser.end();
    fail('The server ended the stream (HTTP 204 would stop reconnects).');
  } catch (error) {
    // A simple GET that gets through while the real request did not: its preflight was refused.
    // Retrying cannot help, so it is final (kind `cors`), not a loop.
    if (preflighted && !signal.aborted && (await answers(options, url, signal))) {
      return fail(
        'The CORS preflight was refused: allow this origin, the method and the request headers in the server’s OPTIONS answer (Access-Control-Allow-Origin / -Methods / -Headers), or send only CORS-safelisted headers.',
        { kind: 'cors' },
      );
    }
    // Node puts the reason (ECONNREFUSED, a reset, a TLS error) in `cause`.
    const { message, cause } = error as { message?: string; cause?: { message?: string } };
    const detail = [message, cause?.message].filter(Boolean).join(': ') || String(error);
    // CORS exists only for a page; elsewhere the hint would send people the wrong way.
    const page = typeof (globalThis as { document?: unknown }).document !== 'undefined';
    fail(
      `Request failed (${detail}): check that the server is reachable${page ? ' and allows this origin (CORS)' : ''}.`,
    );
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

const noop = (): void => {};

const SIMPLE_METHODS = new Set(['GET', 'HEAD', 'POST']);
// Request headers a cross-origin request may carry without a preflight (content-type: see below).
const SIMPLE_HEADERS = new Set(['accept', 'accept-language', 'content-language']);

/** Whether a plain GET of `url` (no custom headers, so no preflight) gets any response. */
async function answers(
  options: FetchTransportOptions,
  url: string,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    const response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: { Accept: EVENT_STREAM },
      credentials: options.credentials,
      signal,
    });
    response.body?.cancel().catch(noop);
    return true;
  } catch {
    return false;
  }
}

// `: heartbeat 15000`, the announcement `@ssekit/server` starts every stream with.
const HEARTBEAT = /^ ?heartbeat (\d+)$/;

/** Same origin as the page; outside a page (Node, no `location`) there is no CORS to avoid. */
function isSameOrigin(url: string): boolean {
  const page = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (!page || page === 'null') return !page;
  return new URL(url).origin === page;
}

/**
 * The UTF-8 bytes of `text`, one Latin-1 character per byte: what a browser puts on the wire for a
 * non-ASCII `Last-Event-ID` (a fetch header value must be a ByteString).
 */
function utf8Bytes(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

async function requestHeaders(
  options: FetchTransportOptions,
  lastEventId: string,
  sameOrigin: boolean,
): Promise<Headers> {
  let custom = options.headers;
  if (typeof custom === 'function') {
    try {
      custom = await custom({ lastEventId });
    } catch (error) {
      throw new Error(`The headers function failed: ${(error as Error)?.message ?? error}`);
    }
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(custom ?? {})) {
    try {
      headers.set(name, value);
    } catch {
      // The runtime's own message may quote the value, which can be a secret.
      throw new Error(
        `Header "${name.slice(0, 64)}" is invalid (value not shown): look for line breaks or non-Latin-1 characters`,
      );
    }
  }
  // Exactly this value, which servers and mocks (msw's sse()) match on; the user's loses.
  headers.set('Accept', EVENT_STREAM);
  // Cross-origin, `Cache-Control` and `Last-Event-ID` would each need a CORS preflight that an
  // endpoint serving a plain EventSource does not answer: the id goes in the query instead.
  if (sameOrigin && !headers.has('Cache-Control')) headers.set('Cache-Control', 'no-cache');
  if (lastEventId && (sameOrigin || options.lastEventIdHeader)) {
    try {
      headers.set('Last-Event-ID', utf8Bytes(lastEventId));
    } catch {
      throw new Error('The last event id cannot be sent as a header (value not shown).');
    }
  }
  return headers;
}

function httpHint(status: number): string {
  if (status === 401 || status === 403) return 'check the credentials.';
  if (status === 429 || status >= 500) return 'the server is busy or failing.';
  return 'check the URL, method, headers and body.';
}
