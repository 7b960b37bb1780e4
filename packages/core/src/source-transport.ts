import type { CrossTabOptions } from './cross-tab';
import type { KeyParts } from './key';
import { portableKey } from './key';
import type { Platform } from './platform';
import type { PoolOptions, SourceInit } from './pool';
import type { Transport } from './transport';
import { createEventSourceTransport } from './transports/eventsource';
import type { FetchTransportOptions } from './transports/fetch';
import { lazyTransport } from './transports/lazy';
import type { SourceSnapshot } from './types';

/** What the pool needs to key a source and, later, to connect it. */
export interface SourceTransport {
  readonly parts: KeyParts;
  /** Called once per connection; `snapshot` reads that connection's state (cross-tab needs it). */
  create(snapshot: () => SourceSnapshot): Transport;
}

type Headers = FetchTransportOptions['headers'];

/**
 * Chooses the transport for one source and everything that identifies it: native
 * `EventSource` where it exists and can express the request, else fetch (loaded on first use).
 *
 * @example
 * const { parts, create } = sourceTransport(href, poolOptions, init, platform);
 */
export function sourceTransport(
  url: string,
  options: PoolOptions,
  init: SourceInit,
  platform: Platform,
): SourceTransport {
  const merged = { ...options, ...init };
  const needsFetch = Boolean(merged.headers || init.body || (init.method ?? 'GET') !== 'GET');
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
  const crossTab = (init.crossTab ?? options.crossTab) as CrossTabOptions | boolean | undefined;
  const parts: KeyParts = {
    url,
    transport: kind,
    method: (init.method ?? 'GET').toUpperCase(),
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
  const chosen = kind;
  const local = (): Transport => {
    if (typeof chosen === 'function') return chosen;
    if (chosen === 'eventsource') {
      return createEventSourceTransport({
        withCredentials: credentials === 'include',
        lastEventIdParam,
        EventSource: merged.EventSource,
        maxEventSize: merged.maxEventSize,
      });
    }
    // The fetch transport and its parser load on first use: native-only apps never pay for them.
    return lazyTransport(() =>
      import('./fetch').then((module) =>
        module.createFetchTransport({
          headers: mergeHeaders(options.headers, init.headers),
          method: parts.method,
          body: init.body ?? null,
          credentials,
          fetch: merged.fetch,
          maxEventSize: merged.maxEventSize,
          lastEventIdParam,
          lastEventIdHeader: merged.lastEventIdHeader,
        }),
      ),
    );
  };
  const shared = crossTabKey(parts, options, init);
  return {
    parts,
    create(snapshot) {
      const inner = local();
      if (!shared) return inner;
      // Loaded only by apps that share across tabs; where the chunk fails, the tab connects alone.
      return lazyTransport(() =>
        import('./cross-tab').then(
          (module) =>
            module.createCrossTabTransport(inner, shared.key, {
              ...shared.options,
              platform,
              snapshot,
            }),
          () => inner,
        ),
      );
    },
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
