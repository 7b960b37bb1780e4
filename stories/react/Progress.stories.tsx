import { type SourceInit, useEventSource, useSSEEvent } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactElement } from 'react';
import type { JobDone, JobProgress } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';

/** The bar both stories draw. */
function ProgressBar({ percent }: { readonly percent: number }): ReactElement {
  return (
    <div
      className="bar"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div style={{ width: `${percent}%` }} />
    </div>
  );
}

/** A job's progress bar: `progress` events move it, the `done` event of the same job ends it. */
function JobProgressBar(): ReactElement {
  const progress = useSSEEvent<JobProgress>('/demo/job', 'progress').data;
  const done = useSSEEvent<JobDone>('/demo/job', 'done').data;
  const finished = progress !== undefined && done?.job === progress.job;
  const percent = progress?.percent ?? 0;
  return (
    <div className="story">
      <div className="row">
        <h2>Job progress</h2>
        <LiveBadge live={progress !== undefined} />
      </div>
      <p className="lede">
        <code>progress</code> (0–100) then <code>done</code>, on one stream. A job that finished
        shows its duration until the next one starts.
      </p>
      <div className="row">
        <strong>Job #{progress?.job ?? '…'}</strong>
        <span data-testid="percent">{percent} %</span>
        {finished ? (
          <span className="pill up">done in {(done.durationMs / 1000).toFixed(1)} s</span>
        ) : null}
      </div>
      <ProgressBar percent={percent} />
    </div>
  );
}

// A finite stream: the connection ends for good once `done` reached every subscriber.
const RUN = '/demo/run';
const UNTIL_DONE: SourceInit = { until: (event) => event.type === 'done' };

/** One run of a job on its own stream: status `done` at the end, "Run again" starts afresh. */
function FiniteJobRun(): ReactElement {
  const { status, reconnect } = useEventSource(RUN, UNTIL_DONE);
  const progress = useSSEEvent<JobProgress>(RUN, 'progress', UNTIL_DONE).data;
  const done = useSSEEvent<JobDone>(RUN, 'done', UNTIL_DONE).data;
  const percent = progress?.percent ?? 0;
  return (
    <div className="story">
      <div className="row">
        <h2>One finite run</h2>
        <LiveBadge live={progress !== undefined} />
      </div>
      <p className="lede">
        <code>until: (e) =&gt; e.type === 'done'</code>: after <code>done</code> the connection
        closes for good and the status is <code>done</code>, not an error; nothing reconnects.
      </p>
      <div className="row">
        <span className="pill" data-status={status} data-testid="run-status">
          {status}
        </span>
        <span data-testid="percent">{percent} %</span>
        {status === 'done' && done ? (
          <span className="pill up">done in {(done.durationMs / 1000).toFixed(1)} s</span>
        ) : null}
        <button type="button" onClick={reconnect} disabled={status !== 'done'}>
          Run again
        </button>
      </div>
      <ProgressBar percent={percent} />
    </div>
  );
}

/**
 * Progress stories, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-progress--job
 */
const meta = {
  title: 'React/Progress',
  component: JobProgressBar,
} satisfies Meta<typeof JobProgressBar>;

export default meta;

/**
 * A progress bar fed by `progress` and `done` events.
 *
 * @example
 * // open /iframe.html?id=react-progress--job
 */
export const Job: StoryObj<typeof meta> = {};

/**
 * A finite stream with `until`: the job finishes, the connection closes, status `done`.
 *
 * @example
 * // open /iframe.html?id=react-progress--finite-run
 */
export const FiniteRun: StoryObj<typeof meta> = {
  name: 'Finite run',
  render: () => <FiniteJobRun />,
};
