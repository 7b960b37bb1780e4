import type { KeyParts } from './key';
import { type PoolOptions, type ResolvedSource, resolveSource, type SourceInit } from './options';
import type { Platform } from './platform';
import type { Transport } from './transport';
import { createEventSourceTransport } from './transports/eventsource';
import { lazyTransport } from './transports/lazy';
import type { SourceSnapshot } from './types';

export { crossTabKey } from './options';

/**
 * The transport for one resolved source: the kind its options chose, wrapped in the cross-tab
 * relay when it is shared. Called once per connection; `snapshot` reads that connection's state
 * (the relay tells followers where the leader stands).
 *
 * @example
 * const transport = createSourceTransport(resolveSource(href, options, init), platform, () => connection.snapshot);
 */
export function createSourceTransport(
  source: ResolvedSource,
  platform: Platform,
  snapshot: () => SourceSnapshot,
): Transport {
  const inner = localTransport(source);
  const shared = source.crossTab;
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
}

function localTransport(source: ResolvedSource): Transport {
  const { kind } = source;
  if (typeof kind === 'function') return kind;
  if (kind === 'eventsource') {
    return createEventSourceTransport({
      withCredentials: source.credentials === 'include',
      lastEventIdParam: source.lastEventIdParam,
      EventSource: source.EventSource,
      maxEventSize: source.maxEventSize,
    });
  }
  // The fetch transport and its parser load on first use: native-only apps never pay for them.
  return lazyTransport(() =>
    // The resolved options are the fetch transport's options, by the same names.
    import('./fetch').then((module) => module.createFetchTransport(source)),
  );
}

/** What the pool needs to key a source and, later, to connect it. */
export interface SourceTransport {
  readonly parts: KeyParts;
  /** Called once per connection; `snapshot` reads that connection's state (cross-tab needs it). */
  create(snapshot: () => SourceSnapshot): Transport;
}

/**
 * The key parts and the transport factory of one source, from unmerged options (tests use it;
 * the pool calls {@link resolveSource} and {@link createSourceTransport}).
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
  const source = resolveSource(url, options, init);
  return {
    parts: source.parts,
    create: (snapshot) => createSourceTransport(source, platform, snapshot),
  };
}
