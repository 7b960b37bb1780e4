import type { SSEError } from '../types';
import { parseRetryAfter } from './retry-after';

const EVENT_STREAM = 'text/event-stream';

/**
 * One GET of the same URL, as the EventSource made it: cookies as `withCredentials` says and
 * only CORS-safelisted headers, so it needs no preflight. The body is cancelled at once.
 */
export async function probe(
  url: string,
  options: { readonly fetch?: typeof fetch; readonly withCredentials?: boolean },
  signal: AbortSignal,
): Promise<SSEError> {
  let kind: SSEError['kind'] = 'network';
  let status: number | undefined;
  let retryAfterMs: number | undefined;
  let found = 'the probe failed too: network or CORS';
  try {
    const response = await (options.fetch ?? fetch)(url, {
      headers: { Accept: EVENT_STREAM },
      credentials: options.withCredentials ? 'include' : 'same-origin',
      cache: 'no-store',
      signal,
    });
    response.body?.cancel().catch(() => {});
    status = response.status;
    const type = response.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    found = `HTTP ${status}, ${type ? `Content-Type ${type.slice(0, 100)}` : 'no Content-Type'}`;
    if (status === 204) kind = 'stopped';
    else if (!response.ok) {
      kind = 'http';
      retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'));
    } else if (type !== EVENT_STREAM) kind = 'content-type';
  } catch {
    // CORS-opaque or the network: the status stays unknown, a retryable `network` failure.
  }
  return {
    kind,
    status,
    retryAfterMs,
    message: `EventSource failed; a probe request found ${found}. A stream needs HTTP 200 with Content-Type ${EVENT_STREAM} (204 stops reconnects).`,
  };
}
