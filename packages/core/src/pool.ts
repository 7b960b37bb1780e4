import { type Connection, createConnection } from './connection';
import { createSourceHandle, type HandleHost, type SourceHandle } from './handles';
import { describeKey, sourceKey } from './key';
import { DEFAULT_LINGER_MS, type PoolOptions, resolveSource, type SourceInit } from './options';
import { createPlatform, type Platform } from './platform';
import { call, createScheduler, rethrow } from './scheduler';
import { createSourceTransport } from './source-transport';
import type { EventMap, RetryState, SourceRole, SourceSnapshot, SSEError } from './types';
import { createWarnings } from './warnings';

// Where they lived before `options.ts`: tests and bindings import them from here.
export type { PoolOptions, SourceInit } from './options';

/** One connection, as people need to see it. Never contains header values. */
export interface ConnectionInspection {
  readonly description: string;
  readonly url: string;
  readonly status: SourceSnapshot['status'];
  readonly role: SourceRole;
  readonly refs: number;
  /** Subscriptions per event type. */
  readonly subscribers: Readonly<Record<string, number>>;
  readonly retry: RetryState;
  readonly error: SSEError | null;
  readonly lastEventId: string;
  readonly events: number;
  readonly bytes: number;
  /** True while the last subscriber has left and the linger delay runs. */
  readonly lingering: boolean;
}

/** Everything the pool holds. */
export interface PoolInspection {
  readonly connections: readonly ConnectionInspection[];
}

/** One set of shared connections: one per app, or one per SSR request. */
export interface Pool {
  /**
   * The handle on one stream; the same key gives the same handle (`===`).
   *
   * @example
   * const ticks = pool.source<{ tick: Tick }>('/api/ticker').event('tick');
   */
  source<Events extends EventMap = EventMap>(
    url: string | URL,
    init?: SourceInit,
  ): SourceHandle<Events>;
  /** A look inside: every connection, its refs, subscribers and retry state. */
  inspect(): PoolInspection;
  /** Calls `listener` (at most once per task) whenever the inspection may have changed. */
  onInspect(listener: (inspection: PoolInspection) => void): () => void;
  /**
   * Closes every connection now and forgets every handle and cache, lingering or not: call it on
   * logout, so the next user's subscriptions open new streams. Subscriptions made before go
   * idle; handles kept from before still work and connect afresh when listened to again.
   *
   * @example
   * async function logout() { await api.logout(); pool.reset(); }
   */
  reset(): void;
  /**
   * The same as {@link Pool.reset}, under its first name.
   *
   * @deprecated One verb for one idea: use {@link Pool.reset}; `dispose` goes in the next major.
   */
  dispose(): void;
}

function resolveUrl(url: string | URL, options: PoolOptions, platform: Platform): string {
  const base =
    options.baseUrl ??
    (globalThis as { location?: { href: string } }).location?.href ??
    // On a server nothing connects; any base keeps relative URLs from throwing during SSR.
    (platform.isServer ? 'http://localhost/' : undefined);
  try {
    return new URL(url, base).href;
  } catch {
    throw new TypeError(
      `ssekit: cannot resolve "${String(url)}" to an absolute URL. Pass an absolute URL, or createPool({ baseUrl }).`,
    );
  }
}

/**
 * Creates a pool: one connection per stream, shared by every subscriber, closed `lingerMs`
 * after the last one leaves.
 *
 * @example
 * const pool = createPool({ lingerMs: 1000, retry: { maxAttempts: 10 } });
 * const off = pool.source('/api/ticker').event('tick').subscribe((s) => console.log(s.data));
 */
export function createPool(options: PoolOptions = {}): Pool {
  const base = options.platform ?? createPlatform();
  const platform: Platform = options.connectOnServer ? { ...base, isServer: false } : base;
  const schedule = createScheduler(platform, options.onError ?? rethrow);
  const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
  // What the pool holds is what is in use: a connection (subscribed or lingering) and its
  // handle. When a connection closes for good its key is forgotten.
  const connections = new Map<string, Connection>();
  const handles = createHandleCache();
  // How to connect a handle: held by the handle itself, so forgetting a key loses nothing.
  const factories = new WeakMap<SourceHandle<any>, () => Connection>();
  const inspectors = new Set<(inspection: PoolInspection) => void>();
  const inspectFlush = {
    flush(): void {
      const inspection = pool.inspect();
      for (const inspector of [...inspectors]) call(schedule.report, inspector, inspection);
    },
  };

  // Refs changed: only the inspection may differ.
  const touched = (): void => {
    if (inspectors.size > 0) schedule(inspectFlush, 'task');
  };
  // Development only: bundlers replace NODE_ENV, and production builds drop the warnings
  // (written out at each use: minifiers drop a branch on a literal, not on a variable).
  const warnings =
    // biome-ignore lint/suspicious/noTsIgnore: Node types exist in tests but not in the build.
    // @ts-ignore `process` is Node's, and what bundlers replace; the core has no Node types.
    process.env.NODE_ENV !== 'production' && options.warnings !== false
      ? createWarnings(platform, connections, options.platform !== undefined)
      : undefined;
  // A connection's snapshot changed (on every event id, too: keep this cheap).
  const changed = (connection: Connection): void => {
    touched();
    warnings?.changed(connection);
  };

  const forget = (key: string): void => {
    connections.delete(key);
    handles.forget(key);
  };

  const host: HandleHost = {
    connectionOf: (key) => connections.get(key),
    acquire(key, handle) {
      let connection = connections.get(key);
      if (!connection) {
        connection = factories.get(handle)!();
        connections.set(key, connection);
        warnings?.created(connection);
      }
      handles.used(key, handle);
      connection.retain();
      return connection;
    },
  };

  const pool: Pool = {
    source<Events extends EventMap>(
      url: string | URL,
      init: SourceInit = {},
    ): SourceHandle<Events> {
      // Bindings call this on every render: the same URL text, page and options find last
      // time's handle without resolving the URL and building the key again.
      const text = String(url);
      const page = (globalThis as { location?: { href: string } }).location?.href;
      const hit = handles.rendered(text, page, init);
      if (hit) return hit;
      const href = resolveUrl(url, options, platform);
      const resolved = resolveSource(href, options, init);
      const key = sourceKey(resolved.parts);
      let handle = handles.find(key);
      if (!handle) {
        const created = createSourceHandle<Events>(host, key, href, describeKey(resolved.parts));
        factories.set(created, () => {
          const connection: Connection = createConnection({
            ...resolved,
            transport: createSourceTransport(resolved, platform, () => connection.snapshot),
            platform,
            schedule,
            onChange: changed,
            lingerMs,
            // The pool is only a keyed cache: an idle connection is forgotten with its handle.
            onIdle: () => {
              if (connections.get(key) === connection) forget(key);
              touched();
            },
          });
          return connection;
        });
        handles.made(key, created);
        handle = created;
      }
      handles.render(text, { page, init, handle, key });
      return handle as SourceHandle<Events>;
    },
    inspect: () => ({
      connections: [...connections.entries()].map(([key, connection]) =>
        inspectConnection(connection, handles.find(key)?.description),
      ),
    }),
    onInspect(listener) {
      inspectors.add(listener);
      return () => inspectors.delete(listener);
    },
    reset() {
      for (const connection of connections.values()) connection.stop();
      connections.clear();
      handles.clear();
      touched();
    },
    dispose: () => pool.reset(),
  };
  // For tests (which run in development); production builds drop it.
  // biome-ignore lint/suspicious/noTsIgnore: Node types exist in tests but not in the build.
  // @ts-ignore `process` is Node's, and what bundlers replace; the core has no Node types.
  if (process.env.NODE_ENV !== 'production') {
    internals.set(pool, () => ({ connections: connections.size, ...handles.sizes() }));
  }
  return pool;
}

/** One connection as {@link ConnectionInspection} shows it. */
function inspectConnection(c: Connection, description = c.config.url): ConnectionInspection {
  // Built from entries: an event type named `__proto__` is an own key like any other.
  const subscribers: Record<string, number> = Object.fromEntries(
    [...c.channels].map(([type, channels]) => [
      type,
      channels.reduce((n, channel) => n + channel.refs, 0),
    ]),
  );
  const { status, role, retry, error } = c.snapshot;
  return {
    description,
    url: c.config.url,
    status,
    role,
    refs: c.refs,
    subscribers,
    retry,
    error,
    lastEventId: c.stream.lastEventId,
    events: c.stream.events,
    bytes: c.stream.bytes,
    lingering: c.lingering,
  };
}

/** Handles made but not in use, and render-cache entries, kept at most. */
const UNUSED_KEPT = 256;

/**
 * The handles a pool knows: those in use (pinned until their connection closes), the last
 * {@link UNUSED_KEPT} made but never listened to, and the render cache that finds a handle from
 * the URL text and options a binding passes on every render.
 */
function createHandleCache() {
  const inUse = new Map<string, SourceHandle<any>>();
  const unused = new Map<string, SourceHandle<any>>();
  const recent = new Map<string, Recent>();
  const bounded = <V>(map: Map<string, V>, key: string, value: V): void => {
    map.delete(key);
    map.set(key, value);
    // Maps keep insertion order: the first entry is the least recently used.
    if (map.size > UNUSED_KEPT) map.delete(map.keys().next().value!);
  };
  return {
    find: (key: string) => inUse.get(key) ?? unused.get(key),
    made: (key: string, handle: SourceHandle<any>) => bounded(unused, key, handle),
    used(key: string, handle: SourceHandle<any>): void {
      if (inUse.has(key)) return;
      unused.delete(key);
      inUse.set(key, handle);
    },
    /** Last render's handle for the same URL text, page and options. */
    rendered(text: string, page: string | undefined, init: SourceInit) {
      const hit = recent.get(text);
      return hit && hit.page === page && sameInit(hit.init, init) ? hit.handle : undefined;
    },
    render: (text: string, entry: Recent) => bounded(recent, text, entry),
    forget(key: string): void {
      inUse.delete(key);
      unused.delete(key);
      for (const [text, hit] of recent) if (hit.key === key) recent.delete(text);
    },
    clear(): void {
      inUse.clear();
      unused.clear();
      recent.clear();
    },
    sizes: () => ({ handles: inUse.size + unused.size, recent: recent.size }),
  };
}

interface Recent {
  readonly page: string | undefined;
  readonly init: SourceInit;
  readonly handle: SourceHandle<any>;
  readonly key: string;
}

const internals = new WeakMap<Pool, () => PoolSizes>();

/** How many entries a pool's maps hold (tests and benches check that it forgets). */
export interface PoolSizes {
  readonly connections: number;
  readonly handles: number;
  readonly recent: number;
}

/**
 * The sizes of a pool's internal maps, in development builds. Not exported from the package:
 * tests use it.
 *
 * @example
 * expect(poolInternals(pool)).toEqual({ connections: 0, handles: 0, recent: 0 });
 */
export function poolInternals(pool: Pool): PoolSizes {
  return internals.get(pool)!();
}

/** Same options, one level deep: what an inline options object written the same way gives. */
function sameInit(a: SourceInit, b: SourceInit): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof SourceInit)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

let defaultPool: Pool | undefined;

/**
 * The pool used when no provider hands one down. Created on first use, and only in a browser:
 * on a server every call gets a fresh inert pool, so no state is shared between requests.
 *
 * @example
 * getDefaultPool().source('/api/ticker');
 */
export function getDefaultPool(): Pool {
  if (createPlatform().isServer) return createPool();
  defaultPool ??= createPool();
  return defaultPool;
}
