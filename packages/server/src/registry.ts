/**
 * The hub's open connections, and per followed topic its connections, the one log subscription
 * that feeds them and the newest id delivered. A topic is forgotten with its last connection, so
 * per-user topics never pile up.
 */
import { Connection } from './connection.js';
import { formatEntry } from './format.js';
import { startHubTimer } from './hub-timer.js';
import type { Log, LogEntry } from './log.js';

/**
 * A snapshot of the hub, for dashboards and tests.
 *
 * @example
 * const { connections, topics } = hub.stats(); // topics.orders?.lastId
 */
export interface HubStats {
  /** Open streams (including those still reading their replay). */
  connections: number;
  /** True once `close()` was called. */
  closing: boolean;
  /** Per followed topic: open streams, and the newest id delivered to them (null: none yet). */
  topics: Record<string, { connections: number; lastId: string | null }>;
}

/**
 * Where the hub keeps its connections.
 *
 * @example
 * const registry = createRegistry(log, 15_000, 1 << 20, undefined);
 * const connection = registry.open(['orders']);
 */
export interface Registry {
  /** True once `drain` was called: no new stream is let in. */
  closing: boolean;
  /** A connection following `topics`, live but buffering; it leaves the registry when it closes. */
  open(topics: readonly string[]): Connection;
  /** Counts of connections and topics. */
  stats(): HubStats;
  /** Ends every connection at a random moment within `drainMs`; resolves once none is left. */
  drain(drainMs: number): Promise<void>;
}

interface Followers {
  readonly connections: Set<Connection>;
  unsubscribe: () => void;
  lastId: string | null;
}

const now = (): number => Date.now();

/**
 * Creates the registry of a hub whose log is `log`, with the hub's checked options. The hub's one
 * timer (hub-timer.ts) runs while a connection is open.
 *
 * @example
 * const registry = createRegistry(log, heartbeatMs, maxQueueBytes, options.maxConnectionAgeMs);
 */
export function createRegistry(
  log: Log,
  heartbeatMs: number,
  maxQueueBytes: number,
  maxConnectionAgeMs: number | undefined,
): Registry {
  const connections = new Set<Connection>();
  let stopTimer: (() => void) | undefined;
  const topics = new Map<string, Followers>();
  // Resolves the one drain (close() runs once) when the last connection has gone.
  let drained: (() => void) | undefined;

  // Each entry is formatted once; the same bytes go to every connection that follows its topic.
  const fanOut = (entry: LogEntry): void => {
    const followers = topics.get(entry.topic);
    if (!followers) return;
    followers.lastId = entry.id;
    const frame = formatEntry(entry);
    for (const connection of followers.connections) connection.deliver(entry, frame);
  };

  const remove = (connection: Connection): void => {
    if (!connections.delete(connection)) return;
    for (const topic of connection.topics) {
      const followers = topics.get(topic);
      if (!followers) continue;
      followers.connections.delete(connection);
      if (followers.connections.size === 0) {
        topics.delete(topic);
        followers.unsubscribe();
      }
    }
    if (connections.size === 0) {
      stopTimer?.();
      stopTimer = undefined;
      drained?.();
    }
  };

  const registry: Registry = {
    closing: false,
    open(wanted) {
      const connection = new Connection(wanted, maxQueueBytes, now, remove);
      connections.add(connection);
      for (const topic of wanted) {
        let followers = topics.get(topic);
        if (!followers) {
          followers = { connections: new Set(), unsubscribe: () => {}, lastId: null };
          topics.set(topic, followers);
          followers.unsubscribe = log.subscribe([topic], fanOut);
        }
        followers.connections.add(connection);
      }
      if (maxConnectionAgeMs !== undefined) {
        // Up to 10 % earlier, so connections opened together do not all rotate together.
        connection.rotateAt = Date.now() + maxConnectionAgeMs * (1 - Math.random() * 0.1);
      }
      stopTimer ??= startHubTimer(connections, heartbeatMs);
      return connection;
    },
    stats() {
      const perTopic: HubStats['topics'] = {};
      for (const [topic, followers] of topics) {
        perTopic[topic] = { connections: followers.connections.size, lastId: followers.lastId };
      }
      return { connections: connections.size, closing: registry.closing, topics: perTopic };
    },
    drain(drainMs) {
      registry.closing = true;
      return new Promise((resolve) => {
        if (connections.size === 0) return resolve();
        drained = resolve;
        // Spread the ends over the window, so clients do not all reconnect at once.
        for (const connection of connections) {
          const end = (): void => connection.close('drain');
          if (drainMs > 0) setTimeout(end, Math.random() * drainMs);
          else end();
        }
      });
    },
  };
  return registry;
}
