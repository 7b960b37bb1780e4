import { createEventStreamParser } from '../parser';
import type { Transport, TransportRequest, TransportSink } from '../transport';
import type { SSEError } from '../types';
import type { Credentials, RequestBody } from '../web-types';

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
}

const EVENT_STREAM = 'text/event-stream';

/**
 * The fetch transport: headers (static or per attempt), method, body and credentials, the HTTP
 * status on failure, and `Last-Event-ID` on every reconnect. Works in browsers and in Node.
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
  const fail = (message: string, error?: Omit<SSEError, 'message'>): void => {
    if (!signal.aborted) sink.fail({ kind: 'network', ...error, message });
  };
  try {
    let headers: Headers;
    try {
      headers = await requestHeaders(options, lastEventId);
    } catch (error) {
      return fail((error as Error).message);
    }
    if (signal.aborted) return;

    const response = await (options.fetch ?? globalThis.fetch)(request.url, {
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

async function requestHeaders(
  options: FetchTransportOptions,
  lastEventId: string,
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
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-cache');
  if (lastEventId) headers.set('Last-Event-ID', lastEventId);
  return headers;
}

function httpHint(status: number): string {
  if (status === 401 || status === 403) return 'check the credentials.';
  if (status === 429 || status >= 500) return 'the server is busy or failing.';
  return 'check the URL, method, headers and body.';
}

// Retry-After is either delay-seconds or an HTTP date.
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
