import { useSSEEvent } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactElement } from 'react';
import type { JobDone, JobProgress } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';

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
      <div
        className="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div style={{ width: `${percent}%` }} />
      </div>
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
