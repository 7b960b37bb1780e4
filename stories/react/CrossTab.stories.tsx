import {
  createPool,
  type SourceRole,
  SSEProvider,
  useEventSource,
  useSSEEvent,
  useSSEPool,
} from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { type ReactElement, useState } from 'react';
import { idOffset, type TickerEvents } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';
import { StatusPill } from '../ui/StatusPill';

const TICKER = '/demo/ticker';
const FEED = 8;
const SECOND_TAB = 'iframe.html?id=react-cross-tab--shared';

// One pool for this story module, created with cross-tab sharing on. `lastEventIdParam`: a tab that
// takes over opens a new native EventSource, which can only say where it stopped in the URL.
const crossTabPool = createPool({ crossTab: true, lastEventIdParam: 'lastEventId' });

const ROLE_TEXT: Record<SourceRole, string> = {
  leader:
    'This tab holds the one connection to the server and relays every event to the other tabs.',
  follower:
    'This tab has no connection of its own: it receives the leader tab’s events over a BroadcastChannel.',
  local:
    'This tab connects on its own (not yet shared, or Web Locks / BroadcastChannel are missing here).',
};

const ROLE_COLOUR: Record<SourceRole, string> = {
  leader: 'var(--good)',
  follower: 'var(--accent)',
  local: 'var(--muted)',
};

/**
 * Ticks this tab received: the first and last id offsets, the last tick's number, and how often a
 * tick was not the one after the previous (hub ids are offsets every stream shares, so they skip).
 */
interface Continuity {
  readonly first: number;
  readonly last: number;
  readonly n: number;
  readonly jumps: number;
}

/** Tracks every tick (never coalesced), so a hand-over that lost or repeated one shows. */
function useContinuity(): Continuity | null {
  const [continuity, setContinuity] = useState<Continuity | null>(null);
  useSSEEvent(useSSEPool().source<TickerEvents>(TICKER), 'tick', {
    select: () => null,
    onEvent: ({ n }, event) => {
      const id = idOffset(event.lastEventId);
      setContinuity((c) =>
        c
          ? { ...c, last: id, n, jumps: c.jumps + (n === c.n + 1 && id > c.last ? 0 : 1) }
          : { first: id, last: id, n, jumps: 0 },
      );
    },
  });
  return continuity;
}

/** The live ticker, read through the cross-tab pool: this tab's role, ids and latest ticks. */
function SharedTicker(): ReactElement {
  const ticker = useSSEPool().source<TickerEvents>(TICKER);
  const { status, role } = useEventSource(ticker);
  const ticks = useSSEEvent(ticker, 'tick', { buffer: FEED });
  const continuity = useContinuity();
  return (
    <div className="story">
      <div className="row">
        <h2>Cross-tab sharing</h2>
        <StatusPill status={status} />
        <LiveBadge live={ticks.count > 0} status={status} />
      </div>
      <p className="lede">
        Open this story in a second tab (the link:{' '}
        <a href={SECOND_TAB} target="_blank" rel="noreferrer">
          <code>{SECOND_TAB}</code>
        </a>
        ): the server sees one connection; close the leader tab and another takes over from the last
        event id. The pool is <code>createPool({'{ crossTab: true }'})</code>: one tab per stream,
        elected with Web Locks, holds the connection. The inspector shows this tab's pool: in a
        follower its connection is the leader's relay, not a request to the server.
      </p>
      <div className="card">
        <span className="label">this tab is the</span>
        <span
          data-testid="role"
          data-role={role}
          style={{ fontSize: 48, fontWeight: 700, lineHeight: 1.1, color: ROLE_COLOUR[role] }}
        >
          {role}
        </span>
        <span>{ROLE_TEXT[role]}</span>
      </div>
      <div className="grid">
        <div className="card">
          <span className="label">events in this tab</span>
          <span className="value" data-testid="count">
            {ticks.count}
          </span>
        </div>
        <div className="card">
          <span className="label">last event id</span>
          <span className="value mono" data-testid="last-event-id">
            {ticks.lastEventId || '—'}
          </span>
        </div>
        <div className="card">
          <span className="label">ids in order</span>
          <span
            className={continuity?.jumps ? 'down' : 'up'}
            data-testid="continuity"
            data-jumps={continuity?.jumps ?? 0}
          >
            {continuity
              ? `${continuity.first} → ${continuity.last}, ${
                  continuity.jumps ? `${continuity.jumps} jumps` : 'no gaps, no duplicates'
                }`
              : '…'}
          </span>
        </div>
      </div>
      <ul className="feed">
        {[...ticks.history].reverse().map((tick) => (
          <li key={`${tick.at}-${tick.symbol}`}>
            <span className="mono">{tick.symbol}</span>
            <strong>{tick.price.toFixed(2)}</strong>
            <span className={tick.change < 0 ? 'down' : 'up'}>
              {tick.change >= 0 ? '+' : ''}
              {tick.change.toFixed(2)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The story as an app would write it: its own pool, handed down with SSEProvider. */
function CrossTabTicker(): ReactElement {
  return (
    <SSEProvider pool={crossTabPool}>
      <SharedTicker />
    </SSEProvider>
  );
}

/**
 * Cross-tab stories, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-cross-tab--shared in two tabs
 */
const meta = {
  title: 'React/Cross-tab',
  component: CrossTabTicker,
  // The inspector decorator shows this pool, the one the story really uses.
  parameters: { pool: crossTabPool },
} satisfies Meta<typeof CrossTabTicker>;

export default meta;

/**
 * The ticker shared by every open tab over one connection.
 *
 * @example
 * // open /iframe.html?id=react-cross-tab--shared in two tabs
 */
export const Shared: StoryObj<typeof meta> = {};
