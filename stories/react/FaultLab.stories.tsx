import { type SourceBindingOptions, useEventSource, useSSEEvent } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { type ReactElement, useEffect, useState } from 'react';
import { z } from 'zod';
import { type DemoControlRequest, idOffset } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';
import { postControl } from '../ui/postControl';
import { StatusPill } from '../ui/StatusPill';

const CHAT = '/demo/chat';

const ChatSchema = z.object({
  id: z.number(),
  user: z.string(),
  text: z.string(),
  at: z.number(),
});

// Options that decide the connection, shared by both hooks so they share one key. Fixed objects:
// the pool keeps the first options it sees for a key.
const CONNECT: Record<'fetch' | 'eventsource', SourceBindingOptions> = {
  fetch: { transport: 'fetch', staleAfterMs: 5000, retry: { maxDelayMs: 8000 } },
  eventsource: { transport: 'eventsource', staleAfterMs: 5000, retry: { maxDelayMs: 8000 } },
};

const FAULTS: ReadonlyArray<{ label: string; request: DemoControlRequest }> = [
  { label: 'Drop the connection', request: { action: 'drop', stream: 'chat' } },
  { label: 'HTTP 500 for 5 s', request: { action: 'fail', stream: 'chat', seconds: 5 } },
  {
    label: 'Silence 15 s (no heartbeats)',
    request: { action: 'silence', stream: 'chat', seconds: 15 },
  },
  { label: 'Answer 204 (stop)', request: { action: 'stop', stream: 'chat' } },
  { label: 'Send invalid JSON', request: { action: 'invalid-json', stream: 'chat' } },
  { label: 'Send a schema-failing payload', request: { action: 'invalid-schema', stream: 'chat' } },
  { label: 'Reset faults', request: { action: 'reset', stream: 'chat' } },
];

/** Re-renders every `ms` while `active`, for countdowns. */
function useNow(active: boolean, ms = 100): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return active ? now : Date.now();
}

/** One event as the id check sees it: its id's offset and, when the data is a message, its number. */
interface Seen {
  readonly offset: number;
  readonly n: number | null;
}

/** The message number in an event's data, or null (invalid JSON, or not a message): never throws. */
function messageNumber(text: string): number | null {
  try {
    const id: unknown = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'number' ? id : null;
  } catch {
    return null;
  }
}

/**
 * Where the events went back (an id offset not above the one before: a duplicate) or skipped a
 * message (hub ids are offsets shared by every stream, so the messages' own numbers show gaps;
 * an event without one still counts as one).
 */
function jumpsIn(seen: readonly Seen[]): string[] {
  const jumps: string[] = [];
  let expected: number | null = null;
  seen.forEach(({ offset, n }, i) => {
    const before = seen[i - 1];
    if (before && offset <= before.offset) jumps.push(`id ${before.offset} → ${offset}`);
    else if (n !== null && expected !== null && n !== expected) {
      jumps.push(`#${expected - 1} → #${n}`);
    }
    expected = n !== null ? n + 1 : expected === null ? null : expected + 1;
  });
  return jumps;
}

interface FaultLabProps {
  /** `fetch` reports HTTP statuses; a native EventSource cannot tell 500 from 204. */
  readonly transport: 'fetch' | 'eventsource';
}

/** Every failure the demo server can produce, and how the source's state shows it. */
function FaultLab({ transport }: FaultLabProps): ReactElement {
  const source = useEventSource(CHAT, CONNECT[transport]);
  const messages = useSSEEvent(CHAT, 'message', {
    ...CONNECT[transport],
    schema: ChatSchema,
    buffer: 12,
  });
  // Every event, bad ones included: `messageNumber` never fails, so `onEvent` sees them all.
  const [ids, setIds] = useState<readonly Seen[]>([]);
  useSSEEvent(CHAT, 'message', {
    ...CONNECT[transport],
    parse: messageNumber,
    select: () => null,
    onEvent: (n, event) =>
      setIds((seen) => [...seen, { offset: idOffset(event.lastEventId), n }].slice(-50)),
  });
  const [log, setLog] = useState<ReadonlyArray<{ n: number; text: string }>>([]);
  const { retry, error } = source;
  const now = useNow(retry.nextRetryAt !== null);
  const jumps = jumpsIn(ids);
  // An event's error lasts until the next good event: keep the last one readable.
  const [lastBad, setLastBad] = useState<string>('—');
  useEffect(() => {
    if (messages.error) setLastBad(`${messages.error.kind}: ${messages.error.message}`);
  }, [messages.error]);

  const note = (text: string): void =>
    setLog((l) => [{ n: (l[0]?.n ?? 0) + 1, text }, ...l].slice(0, 5));
  const run = (label: string, request: DemoControlRequest): void => {
    postControl(request).then(
      (answer) => note(`${label}: ${answer}`),
      (cause: unknown) => note(`${label}: ${String(cause)}`),
    );
  };

  return (
    <div className="story">
      <div className="row">
        <h2>Fault lab</h2>
        <StatusPill status={source.status} />
        <LiveBadge live={messages.count > 0} status={source.status} />
        <span className="mono">transport: {transport}</span>
      </div>
      <p className="lede">
        Break <code>{CHAT}</code> on purpose and watch the state: status, attempt, a countdown to
        the next attempt, the error's kind and HTTP status. Every reconnect resumes from the last
        event id, so the message numbers below stay consecutive.
      </p>
      <div className="row">
        {FAULTS.map(({ label, request }) => (
          <button key={label} type="button" onClick={() => run(label, request)}>
            {label}
          </button>
        ))}
        <button type="button" onClick={source.reconnect}>
          Reconnect
        </button>
        <button type="button" onClick={source.close}>
          Close
        </button>
      </div>
      <div className="grid">
        <div className="card">
          <span className="label">attempt</span>
          <span className="value" data-testid="attempt">
            {retry.attempt}
          </span>
        </div>
        <div className="card">
          <span className="label">next attempt in</span>
          <span className="value" data-testid="countdown">
            {retry.nextRetryAt === null
              ? retry.gaveUp
                ? 'gave up'
                : '—'
              : `${Math.max(0, (retry.nextRetryAt - now) / 1000).toFixed(1)} s`}
          </span>
        </div>
        <div className="card">
          <span className="label">connection error</span>
          <span className="error" data-testid="source-error">
            {error
              ? `${error.kind}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message}`
              : '—'}
          </span>
        </div>
        <div className="card">
          <span className="label">last event id</span>
          <span className="value mono">{messages.lastEventId || '—'}</span>
        </div>
        <div className="card">
          <span className="label">last bad event (the stream went on)</span>
          <span className="error" data-testid="event-error">
            {lastBad}
          </span>
        </div>
        <div className="card">
          <span className="label">ids in order</span>
          <span className={jumps.length ? 'down' : 'up'} data-testid="ids-in-order">
            {ids.length < 2
              ? '…'
              : jumps.length
                ? `jumps: ${jumps.join(', ')}`
                : `${ids.length} ids, no gaps, no duplicates`}
          </span>
        </div>
      </div>
      <div className="columns">
        <ul className="feed">
          {messages.history.map((m) => (
            <li key={m.id}>
              <span className="mono">#{m.id}</span>
              <strong>{m.user}</strong>
              <span>{m.text}</span>
            </li>
          ))}
        </ul>
        <ul className="feed mono">
          {log.map((line) => (
            <li key={line.n}>{line.text}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/**
 * The fault lab, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-fault-lab--lab&args=transport:eventsource
 */
const meta = {
  title: 'React/Fault lab',
  component: FaultLab,
  argTypes: { transport: { control: 'inline-radio', options: ['fetch', 'eventsource'] } },
  args: { transport: 'fetch' },
} satisfies Meta<typeof FaultLab>;

export default meta;

/**
 * Buttons for every fault the demo server can inject, plus reconnect and close.
 *
 * @example
 * // open /iframe.html?id=react-fault-lab--lab
 */
export const Lab: StoryObj<typeof meta> = {};
