/**
 * One timer for the whole hub: heartbeats after silence, and age rotation. It walks the
 * connections a quarter of the interval apart, which keeps the longest silence under
 * 1.25 × heartbeatMs, far from the client's 3×.
 */
import type { Connection } from './connection.js';
import { heartbeatFrame } from './format.js';

/**
 * Starts the timer over `connections`, the hub's live set (read at every tick); returns its stop.
 *
 * @example
 * const stop = startHubTimer(connections, 15_000);
 */
export function startHubTimer(
  connections: ReadonlySet<Connection>,
  heartbeatMs: number,
): () => void {
  const heartbeat = heartbeatFrame(heartbeatMs);
  const tick = (): void => {
    const time = Date.now();
    for (const connection of connections) {
      if (time >= connection.rotateAt) connection.close('rotate');
      else if (time - connection.lastWriteAt >= heartbeatMs) connection.write(heartbeat);
    }
  };
  const timer = setInterval(tick, Math.max(1, Math.floor(heartbeatMs / 4)));
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
