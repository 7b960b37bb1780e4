import { useSSEEvent } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { type ReactElement, useState } from 'react';
import type { DemoNotification, NotificationKind } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';

const HISTORY = 20;

/** The last {@link HISTORY} notifications of every kind, newest first, plus a toast for mentions. */
function NotificationCenter(): ReactElement {
  // One handle per named event type, each keeping its own bounded history.
  const info = useSSEEvent<DemoNotification>('/demo/notifications', 'info', { buffer: HISTORY });
  const warning = useSSEEvent<DemoNotification>('/demo/notifications', 'warning', {
    buffer: HISTORY,
  });
  const [toast, setToast] = useState<DemoNotification | null>(null);
  // `onEvent` sees every mention, even two in one task: toasts must not be coalesced away.
  const mention = useSSEEvent<DemoNotification>('/demo/notifications', 'mention', {
    buffer: HISTORY,
    onEvent: (note) => setToast(note),
  });

  const feed = [...info.history, ...warning.history, ...mention.history]
    .sort((a, b) => b.id - a.id)
    .slice(0, HISTORY);
  const counts: Record<NotificationKind, number> = {
    info: info.count,
    warning: warning.count,
    mention: mention.count,
  };

  return (
    <div className="story">
      <div className="row">
        <h2>Notifications</h2>
        <LiveBadge live={feed.length > 0} />
        {Object.entries(counts).map(([kind, n]) => (
          <span key={kind} className="pill">
            {kind} {n}
          </span>
        ))}
      </div>
      <p className="lede">
        Three named event types on one connection, each with <code>buffer: {HISTORY}</code>: the
        snapshot's <code>history</code> keeps the last {HISTORY} good values, so the list survives
        re-renders and a late subscriber starts with the latest event.
      </p>
      {toast ? (
        <div className="card" role="status">
          <span className="label">newest mention (#{toast.id})</span>
          <span>{toast.text}</span>
        </div>
      ) : null}
      <ul className="feed" data-testid="notification-feed">
        {feed.map((note) => (
          <li key={note.id}>
            <span className="mono">#{note.id}</span>
            <span className={`pill ${note.kind === 'warning' ? 'down' : ''}`}>{note.kind}</span>
            <span>{note.text}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Notification stories, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-notifications--history
 */
const meta = {
  title: 'React/Notifications',
  component: NotificationCenter,
} satisfies Meta<typeof NotificationCenter>;

export default meta;

/**
 * Named event types with a history buffer of 20.
 *
 * @example
 * // open /iframe.html?id=react-notifications--history
 */
export const History: StoryObj<typeof meta> = {};
