import type { Connection } from './connection';
import { warnAboutConnectionLimit } from './connection-limit';
import type { Platform } from './platform';

/** The pool's development warnings: what it tells a developer about a mistake it can see. */
export interface Warnings {
  /** A connection was created. */
  created(connection: Connection): void;
  /** A connection's snapshot changed (on every event id, too: kept cheap). */
  changed(connection: Connection): void;
}

let warnedNotConnecting = false;

/**
 * Creates the warnings of one pool. The pool creates them only in development builds, so a
 * production bundle has none of this code.
 *
 * @example
 * const warnings = createWarnings(platform, connections, options.platform !== undefined);
 */
export function createWarnings(
  platform: Platform,
  connections: Map<string, Connection>,
  customPlatform: boolean,
): Warnings {
  const statuses = new WeakMap<Connection, string>();
  return {
    created(connection) {
      // Server rendering subscribes and leaves within the render; a script stays subscribed.
      if (!platform.isServer || customPlatform) return;
      platform.queueMicrotask(() => {
        if (connection.refs === 0 || warnedNotConnecting) return;
        warnedNotConnecting = true;
        console.warn(
          'ssekit: this pool runs without a window, so nothing connects (server rendering stays inert). In a Node script, test or worker-like host, create it with createPool({ connectOnServer: true }).',
        );
      });
    },
    changed(connection) {
      const { status } = connection.snapshot;
      if (statuses.get(connection) === status) return;
      statuses.set(connection, status);
      if (status === 'open') warnAboutConnectionLimit(connections.values());
    },
  };
}
