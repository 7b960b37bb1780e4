import type { CrossTabOptions } from './cross-tab';
import { type KeyParts, portableKey } from './key';
import type { Platform } from './platform';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import type { NotifyMode } from './scheduler';
import type { Transport } from './transport';
import type { FetchTransportOptions } from './transports/fetch';
import type { ReceivedEvent } from './types';
import type { Credentials, RequestBody } from './web-types';

/** How one stream is requested. Everything that changes who you are enters the pool's key. */
export interface SourceInit {
  /** `'auto'` (default): native `EventSource` where it exists and can express the request, else fetch. */
  transport?: 'auto' | 'eventsource' | 'fetch' | Transport;
  /** Fetch transport: static headers, or a function called before every attempt (fresh tokens). */
  headers?: FetchTransportOptions['headers'];
  /** Fetch transport; default `'GET'`. */
  method?: string;
  /** Fetch transport. */
  body?: RequestBody;
  /** `'include'` sends cookies cross-origin (`withCredentials` on a native EventSource). */
  credentials?: Credentials;
  /** Fetch transport: your own `fetch`. */
  fetch?: typeof fetch;
  /** Native transport: your own `EventSource` constructor. */
  EventSource?: typeof EventSource;
  /**
   * Query parameter that carries the last event id where no header can: every new native
   * EventSource, and fetch cross-origin. Default `'lastEventId'`; `false` turns it off.
   */
  lastEventIdParam?: string | false;
  /**
   * Fetch cross-origin: send the `Last-Event-ID` header too (the server must allow it in CORS).
   * Same-origin it is always sent.
   */
  lastEventIdHeader?: boolean;
  /** No response within this long fails the attempt (then the normal backoff); default 30 000 ms. */
  openTimeoutMs?: number;
  /**
   * A finite stream: once an event for which this returns true reached every subscriber, the
   * stream ends for good with status `'done'`. `reconnect()` starts it afresh. Under `'auto'` it
   * selects fetch, which sees every event type.
   */
  until?: (event: ReceivedEvent) => boolean;
  /** Retry policy beyond the browser's own retry. */
  retry?: RetryPolicy;
  /**
   * No bytes (heartbeats count) for this long counts as a drop. With `transport: 'auto'` it selects
   * fetch, which sees heartbeat comments; a native EventSource sees only events.
   */
  staleAfterMs?: number;
  /** Close after the page was hidden `afterMs`; resume from the last id when it is visible again. */
  pauseWhenHidden?: { afterMs: number };
  /** Largest event accepted, in bytes; default 8 MiB. */
  maxEventSize?: number;
  /** Coalesce notifications per task (default) or per animation frame. */
  notify?: NotifyMode;
  /**
   * Who the stream is for (e.g. the user id). It enters the key, so a new user never gets the
   * previous user's stream, even one still lingering; it is also the default `crossTab.scope`.
   */
  scope?: string;
  /**
   * One connection for the whole browser instead of one per tab: the leader tab holds it and
   * relays events to the others. Where Web Locks or BroadcastChannel are missing the source
   * stays local. Headers from a function are shared only with a `scope` (who the stream is for).
   */
  crossTab?: boolean | CrossTabOptions;
}

/** Options of {@link createPool}: defaults for every source, plus the pool's own. */
export interface PoolOptions extends Omit<SourceInit, 'method' | 'body' | 'until'> {
  /** How long a connection stays open after its last subscriber left; default 1000 ms. */
  lingerMs?: number;
  /** Replace platform seams (timers, clock, visibility, online state) — tests do. */
  platform?: Platform;
  /** Resolve relative URLs against this; default the page's URL. */
  baseUrl?: string;
  /** Connect where there is no `window` (Node scripts and tests). Default false: SSR stays inert. */
  connectOnServer?: boolean;
  /**
   * Development warnings (HTTP/1.1 connection limit, a pool that cannot connect outside a
   * browser, a source that cannot be shared across tabs); default true.
   */
  warnings?: boolean;
  /**
   * Called with what a subscriber (`listen`, `subscribe`, `on`) threw. The stream and the other
   * subscribers carry on either way. Default: rethrown in a microtask, as EventTarget does.
   */
  onError?: (error: unknown) => void;
}

/** Default {@link PoolOptions.lingerMs}: StrictMode's double mount and route changes cause no churn. */
export const DEFAULT_LINGER_MS = 1000;

type Headers = FetchTransportOptions['headers'];

/** One source's options, merged once: pool defaults, the source's on top, defaults filled in. */
export interface ResolvedSource {
  readonly url: string;
  /** The transport chosen for these options (never `'auto'`). */
  readonly kind: 'eventsource' | 'fetch' | Transport;
  readonly method: string;
  readonly body: RequestBody | null;
  readonly credentials: Credentials;
  /** Pool headers first, the source's on top; a function is called per attempt. */
  readonly headers: Headers;
  readonly fetch?: typeof fetch;
  readonly EventSource?: typeof EventSource;
  readonly lastEventIdParam: string | false;
  readonly lastEventIdHeader?: boolean;
  readonly maxEventSize?: number;
  readonly retry: Required<RetryPolicy>;
  readonly staleAfterMs?: number;
  readonly openTimeoutMs?: number;
  readonly until?: (event: ReceivedEvent) => boolean;
  readonly pauseWhenHiddenMs?: number;
  readonly notify: NotifyMode;
  /** Everything that identifies the stream: what {@link sourceKey} is built from. */
  readonly parts: KeyParts;
  /** The name and options it is shared under across tabs, or undefined when it stays local. */
  readonly crossTab: { key: string; options: CrossTabOptions } | undefined;
}

/**
 * Merges a pool's options with one source's (the source's win), fills in the defaults and
 * chooses the transport: native `EventSource` where it exists and can express the request, else
 * fetch. This is the only place options are merged.
 *
 * @example
 * const resolved = resolveSource('https://x.dev/s', poolOptions, { headers: { a: '1' } });
 */
export function resolveSource(url: string, options: PoolOptions, init: SourceInit): ResolvedSource {
  const merged = { ...options, ...init };
  const method = (init.method ?? 'GET').toUpperCase();
  const needsFetch = Boolean(merged.headers || init.body || method !== 'GET');
  let kind = merged.transport ?? 'auto';
  if (kind === 'eventsource' && needsFetch) {
    throw new TypeError(
      'ssekit: a native EventSource cannot send headers, a method or a body. Use transport: "fetch".',
    );
  }
  if (kind === 'auto') {
    const native = typeof (merged.EventSource ?? globalThis.EventSource) === 'function';
    // A native EventSource hides heartbeat comments (staleness would tear healthy streams down)
    // and the event types nobody subscribed to (an `until` event could pass unseen).
    const sees = merged.staleAfterMs !== undefined || init.until !== undefined;
    kind = needsFetch || !native || sees ? 'fetch' : 'eventsource';
  }
  const lastEventIdParam =
    merged.lastEventIdParam === undefined ? 'lastEventId' : merged.lastEventIdParam;
  const credentials = merged.credentials ?? 'same-origin';
  const crossTab = init.crossTab ?? options.crossTab;
  const parts: KeyParts = {
    url,
    transport: kind,
    method,
    credentials,
    body: init.body ?? null,
    headers: [options.headers, init.headers].filter(Boolean),
    extra:
      kind === 'fetch'
        ? [merged.fetch, lastEventIdParam, merged.lastEventIdHeader === true]
        : kind === 'eventsource'
          ? [merged.EventSource, lastEventIdParam]
          : [],
    // Who the stream is for enters the key: switching users never reuses a stream.
    scope: [merged.scope ?? null, (typeof crossTab === 'object' && crossTab.scope) || null],
  };
  return {
    ...merged,
    url,
    kind,
    method,
    body: init.body ?? null,
    credentials,
    headers: mergeHeaders(options.headers, init.headers),
    lastEventIdParam,
    retry: { ...DEFAULT_RETRY, ...stripUndefined({ ...options.retry, ...init.retry }) },
    pauseWhenHiddenMs: merged.pauseWhenHidden?.afterMs,
    notify: merged.notify ?? 'task',
    parts,
    crossTab: crossTabKey(parts, options, init),
  };
}

/** Pool headers first, the source's on top; functions are called per attempt. */
function mergeHeaders(poolHeaders: Headers, sourceHeaders: Headers): Headers {
  if (!poolHeaders || !sourceHeaders) return sourceHeaders ?? poolHeaders;
  if (typeof poolHeaders !== 'function' && typeof sourceHeaders !== 'function') {
    return { ...poolHeaders, ...sourceHeaders };
  }
  return async (context) => {
    const read = (h: NonNullable<Headers>) => (typeof h === 'function' ? h(context) : h);
    const [a, b] = await Promise.all([read(poolHeaders), read(sourceHeaders)]);
    return { ...a, ...b };
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The name a source is shared under across tabs, or undefined when it stays local. The name is
 * text only; anything known only by its identity in this tab (a header function, a custom fetch
 * or transport, a body that is not a string) means nothing in another tab, and cookies sent
 * cross-origin may stand for another user there: such a source is shared only when the app says
 * who the stream is for (`scope`).
 *
 * @example
 * crossTabKey(parts, poolOptions, { crossTab: { scope: user.id } }); // { key, options }
 */
export function crossTabKey(
  parts: KeyParts,
  options: PoolOptions,
  init: SourceInit,
): { key: string; options: CrossTabOptions } | undefined {
  const chosen = init.crossTab ?? options.crossTab;
  if (!chosen) return undefined;
  // Pool options first, the source's on top (spreading `true` adds nothing).
  const shared: CrossTabOptions = {
    ...(options.crossTab as CrossTabOptions),
    ...(chosen as CrossTabOptions),
  };
  const scope = shared.scope ?? init.scope ?? options.scope;
  const { text, unsure } = portableKey(parts);
  if (scope === undefined && unsure.length > 0) {
    // biome-ignore lint/suspicious/noTsIgnore: Node types exist in tests but not in the build.
    // @ts-ignore `process` is Node's, and what bundlers replace; the core has no Node types.
    if (process.env.NODE_ENV !== 'production' && options.warnings !== false) {
      console.warn(
        `ssekit: ${parts.url} is not shared across tabs: another tab cannot tell whose stream it is (${unsure.join(', ')}). Pass scope: userId (or crossTab: { scope: userId }) to share it between tabs of the same user.`,
      );
    }
    return undefined;
  }
  return { key: JSON.stringify([text, scope ?? null]), options: { ...shared, scope } };
}
