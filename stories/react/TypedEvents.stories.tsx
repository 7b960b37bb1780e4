import { type SSEError, type StandardSchemaV1, useEventSource, useSSEEvent } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { type ReactElement, useEffect, useState } from 'react';
import { z } from 'zod';
import { LiveBadge } from '../ui/LiveBadge';
import { postControl } from '../ui/postControl';
import { StatusPill } from '../ui/StatusPill';

const TYPED = '/demo/typed';

// The schema is the type: `data` below is inferred from it, and every event is checked against it.
const Reading = z.object({
  sensor: z.string(),
  celsius: z.number(),
  humidity: z.number().min(0).max(100),
  at: z.number(),
});

function describeIssue(issue: StandardSchemaV1.Issue): string {
  const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function describeError(error: SSEError): string {
  return `${error.kind}: ${error.issues?.map(describeIssue).join('; ') ?? error.message}`;
}

/** Readings validated by a zod schema; a bad event shows its error and the stream carries on. */
function TypedReadings(): ReactElement {
  const { status } = useEventSource(TYPED);
  const reading = useSSEEvent(TYPED, 'reading', { schema: Reading });
  const [asked, setAsked] = useState('');
  const { data, error, count, raw } = reading;
  // The snapshot's error lasts until the next good event (under a second here): keep the last
  // rejected event on screen so it can be read.
  const [rejected, setRejected] = useState<{ error: SSEError; raw: string } | null>(null);
  useEffect(() => {
    if (error) setRejected({ error, raw: error.raw ?? '' });
  }, [error]);

  return (
    <div className="story">
      <div className="row">
        <h2>Typed events</h2>
        <StatusPill status={status} />
        <LiveBadge live={data !== undefined} />
        <span className="mono" data-testid="count">
          {count} events
        </span>
      </div>
      <p className="lede">
        <code>reading</code> events are parsed once and validated with a Standard Schema (zod). A
        payload that fails sets <code>error</code> (kind <code>validation</code>, with the issues
        and the raw text) and keeps the last good <code>data</code>; the connection stays open.
      </p>
      <div className="row">
        <button
          type="button"
          onClick={() => postControl({ action: 'invalid-schema', stream: 'typed' }).then(setAsked)}
        >
          Send a payload that fails the schema
        </button>
        <button
          type="button"
          onClick={() => postControl({ action: 'invalid-json', stream: 'typed' }).then(setAsked)}
        >
          Send invalid JSON
        </button>
        <span className="mono">{asked}</span>
      </div>
      <div className="grid">
        <div className="card">
          <span className="label">{data?.sensor ?? 'sensor'}</span>
          <span className="value">{data ? `${data.celsius.toFixed(1)} °C` : '…'}</span>
        </div>
        <div className="card">
          <span className="label">humidity</span>
          <span className="value">{data ? `${data.humidity} %` : '…'}</span>
        </div>
        <div className="card">
          <span className="label">latest event's error</span>
          <span className="error" data-testid="latest-error">
            {error ? describeError(error) : '—'}
          </span>
        </div>
        <div className="card">
          <span className="label">last rejected event</span>
          <span className="error" data-testid="validation-error">
            {rejected ? describeError(rejected.error) : '—'}
          </span>
          <span className="mono">{rejected?.raw}</span>
        </div>
        <div className="card">
          <span className="label">raw data of the latest event</span>
          <span className="mono">{raw ?? '…'}</span>
        </div>
      </div>
    </div>
  );
}

/**
 * Schema validation stories, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-typed-events--schema-validation
 */
const meta = {
  title: 'React/Typed events',
  component: TypedReadings,
} satisfies Meta<typeof TypedReadings>;

export default meta;

/**
 * A zod schema on `reading` events; a failing payload is shown without losing the stream.
 *
 * @example
 * // open /iframe.html?id=react-typed-events--schema-validation
 */
export const SchemaValidation: StoryObj<typeof meta> = {};
