import { type SourceBindingOptions, useEventSource, useSSEEvent } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { type ReactElement, useEffect, useState } from 'react';
import { z } from 'zod';
import type { DemoControlRequest } from '../demo-server/payloads';
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

/** Where a sequence of event ids skips ahead or goes back, as readable text. */
function jumpsIn(ids: readonly number[]): string[] {
  const jumps: string[] = [];
  for (let i = 1; i < ids.length; i++) {
    const before = ids[i - 1] ?? 0;
    const id = ids[i] ?? 0;
    if (id !== before + 1) jumps.push(`${before} → ${id}`);
  }
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
  // Every event's id, bad ones included: `parse: 'text'` never fails, so `onEvent` sees them all.
  const [ids, setIds] = useState<readonly number[]>([]);
  useSSEEvent(CHAT, 'message', {
    ...CONNECT[transport],
    parse: 'text',
    select: () => null,
    onEvent: (_text, event) => setIds((seen) => [...seen, Number(event.lastEventId)].slice(-50)),
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
        event id, so the message ids below stay consecutive.
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
