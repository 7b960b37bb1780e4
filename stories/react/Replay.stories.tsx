import { useEventSource, useSSEPool } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { type ReactElement, useEffect, useState } from 'react';
import { LiveBadge } from '../ui/LiveBadge';
import { StatusPill } from '../ui/StatusPill';

interface Item {
  readonly n: number;
  readonly at: number;
}

interface Row {
  readonly id: string;
  readonly n: number;
  /** Published while this tab was disconnected: it arrived in the replay. */
  readonly replayed: boolean;
  readonly lateMs: number;
}

const REPLAY = '/demo/replay';

/** A stream served by @ssekit/server: drop it and watch the replay fill the gap, with ids. */
function ReplayAfterDrop(): ReactElement {
  const source = useSSEPool().source(REPLAY);
  const { status } = useEventSource(source);
  const [rows, setRows] = useState<readonly Row[]>([]);
  const [answer, setAnswer] = useState('');
  useEffect(
    () =>
      source.event<Item>('item').on((item, event) => {
        const lateMs = Date.now() - item.at;
        // Sent live, an event arrives within milliseconds; a replayed one waited for the reconnect.
        const row = { id: event.lastEventId, n: item.n, replayed: lateMs > 250, lateMs };
        setRows((seen) => [row, ...seen].slice(0, 14));
      }),
    [source],
  );
  const ordered = [...rows].reverse();
  const gaps = ordered.filter((row, i) => i > 0 && row.n !== ordered[i - 1]!.n + 1).length;
  const drop = (): void => {
    fetch(`${REPLAY}/drop`, { method: 'POST' }).then(
      async (response) => setAnswer(await response.text()),
      (cause: unknown) => setAnswer(String(cause)),
    );
  };
  return (
    <div className="story">
      <div className="row">
        <h2>Drop and replay</h2>
        <StatusPill status={status} />
        <LiveBadge live={rows.length > 0} />
        <span className="mono" data-testid="gaps" data-gaps={gaps}>
          gaps: {gaps}
        </span>
      </div>
      <p className="lede">
        <code>{REPLAY}</code> is served by <code>@ssekit/server</code>: every id is{' '}
        <code>&lt;epoch&gt;-&lt;offset&gt;</code>. The button drops the connection on the server and
        publishes three events while this tab is away; the browser reconnects with{' '}
        <code>Last-Event-ID</code> and the hub replays exactly what it missed: no gap, no duplicate.
      </p>
      <div className="row">
        <button type="button" onClick={drop}>
          Drop the connection
        </button>
        <span className="mono">{answer}</span>
      </div>
      <table>
        <thead>
          <tr>
            <th>id</th>
            <th>n</th>
            <th>how it came</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td className="mono">{row.id}</td>
              <td className="value">{row.n}</td>
              <td className={row.replayed ? 'down' : 'up'}>
                {row.replayed ? `replayed, ${(row.lateMs / 1000).toFixed(1)} s late` : 'live'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The server half in the playground: a drop, then the replay after `Last-Event-ID`.
 *
 * @example
 * // open /iframe.html?id=react-replay--drop-and-replay
 */
const meta = {
  title: 'React/Replay',
  component: ReplayAfterDrop,
} satisfies Meta<typeof ReplayAfterDrop>;

export default meta;

/**
 * One stream from `@ssekit/server`, a drop button, and every event with its id.
 *
 * @example
 * // open /iframe.html?id=react-replay--drop-and-replay
 */
export const DropAndReplay: StoryObj<typeof meta> = {};
