import type { ConnectionInspection, Pool, PoolInspection } from '@ssekit/react';
import { type ReactElement, useEffect, useRef, useState } from 'react';

/**
 * Props of {@link PoolInspector}.
 *
 * @example
 * const props: PoolInspectorProps = { pool, refreshMs: 1000 };
 */
export interface PoolInspectorProps {
  readonly pool: Pool;
  /** How often rates and countdowns refresh; default 500 ms. */
  readonly refreshMs?: number;
}

interface Sample {
  readonly at: number;
  readonly events: ReadonlyMap<string, number>;
}

// Rates are measured over this window: long enough to be steady, short enough to react.
const RATE_WINDOW_MS = 2000;

const keyOf = (c: ConnectionInspection): string => c.description;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

function retryText(c: ConnectionInspection, now: number): string {
  const { attempt, nextRetryAt, gaveUp } = c.retry;
  if (gaveUp) return `gave up after ${attempt}`;
  if (attempt === 0) return '—';
  const wait =
    nextRetryAt === null ? '' : `, next in ${Math.max(0, (nextRetryAt - now) / 1000).toFixed(1)} s`;
  return `attempt ${attempt}${wait}`;
}

/**
 * A live look inside one pool, from `pool.inspect()` and `pool.onInspect()`: every connection with
 * its description (header names, never values), status, refs, subscribers per event type, retry
 * state, events per second and bytes.
 *
 * @example
 * <PoolInspector pool={pool} />
 */
export function PoolInspector({ pool, refreshMs = 500 }: PoolInspectorProps): ReactElement {
  const [inspection, setInspection] = useState<PoolInspection>(() => pool.inspect());
  const [now, setNow] = useState(() => Date.now());
  const samples = useRef<Sample[]>([]);

  useEffect(() => {
    const refresh = (): void => {
      const next = pool.inspect();
      const at = Date.now();
      samples.current = [
        ...samples.current.filter((s) => at - s.at <= RATE_WINDOW_MS),
        { at, events: new Map(next.connections.map((c) => [keyOf(c), c.events])) },
      ];
      setInspection(next);
      setNow(at);
    };
    // Status and refs change through onInspect; counters and countdowns need the clock.
    const stop = pool.onInspect(refresh);
    const timer = setInterval(refresh, refreshMs);
    refresh();
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [pool, refreshMs]);

  const rate = (c: ConnectionInspection): string => {
    const oldest = samples.current[0];
    const before = oldest?.events.get(keyOf(c));
    if (!oldest || before === undefined || now - oldest.at < 250) return '…';
    return ((c.events - before) / ((now - oldest.at) / 1000)).toFixed(1);
  };

  const { connections } = inspection;
  const subscribers = connections.reduce(
    (n, c) => n + Object.values(c.subscribers).reduce((a, b) => a + b, 0),
    0,
  );

  return (
    <section className="inspector" data-testid="inspector" aria-label="Pool inspector">
      <strong>
        Pool inspector: {connections.length} connection{connections.length === 1 ? '' : 's'},{' '}
        {subscribers} event subscriber{subscribers === 1 ? '' : 's'}
      </strong>
      {connections.length === 0 ? (
        <p>No pooled connections. Native EventSources opened outside the pool do not show here.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>connection</th>
              <th>status</th>
              <th>refs</th>
              <th>subscribers per event type</th>
              <th>retry</th>
              <th>error</th>
              <th>events/s</th>
              <th>events</th>
              <th>bytes</th>
              <th>last id</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr
                key={keyOf(c)}
                data-testid="inspector-connection"
                data-status={c.status}
                data-lingering={c.lingering}
              >
                <td className="mono">{c.description}</td>
                <td>
                  <span className="pill" data-status={c.status}>
                    {c.status}
                  </span>
                  {c.lingering ? ' lingering' : ''}
                </td>
                <td>{c.refs}</td>
                <td>
                  {Object.entries(c.subscribers)
                    .map(([type, n]) => `${type} × ${n}`)
                    .join(', ') || '—'}
                </td>
                <td>{retryText(c, now)}</td>
                <td>
                  {c.error ? `${c.error.kind}${c.error.status ? ` ${c.error.status}` : ''}` : '—'}
                </td>
                <td data-testid="rate">{rate(c)}</td>
                <td>{c.events}</td>
                <td>{formatBytes(c.bytes)}</td>
                <td className="mono">{c.lastEventId || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
