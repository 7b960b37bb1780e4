import { createObservable, type Observable } from './observable';
import type { NotifyMode, Scheduler } from './scheduler';
import type { RetryState, SourceRole, SourceSnapshot, SSEError } from './types';

const NO_RETRY: RetryState = Object.freeze({
  attempt: 0,
  delayMs: null,
  nextRetryAt: null,
  gaveUp: false,
});

/** The snapshot of a source nobody listens to. Shared, so `get()` stays stable while idle. */
export const IDLE_SOURCE: SourceSnapshot = Object.freeze({
  status: 'idle',
  error: null,
  retry: NO_RETRY,
  role: 'local',
  resets: 0,
  lastResetAt: null,
});

/**
 * A stream's snapshot and the named transitions that are the only way to change it. Each makes
 * a new frozen snapshot only when a field changed, so `get()` stays stable otherwise.
 */
export interface Status {
  readonly state: Observable<SourceSnapshot>;
  /** An attempt starts: `connecting` from rest, `reconnecting` after trouble. */
  attempting(): void;
  /** Open, finished (`until`), or closed by the app: no error, no retry pending. */
  settled(status: 'open' | 'done' | 'closed'): void;
  /** Stopped: nobody listens, or the page is hidden. */
  idled(): void;
  /** Waiting for the next attempt; `error` replaces the one shown, when there is a new one. */
  retrying(retry: RetryState, error?: SSEError): void;
  /** The retry policy said stop. */
  gaveUp(retry: RetryState, error: SSEError): void;
  /** The server asked clients to drop what they derived from the stream (a `reset` event). */
  wasReset(at: number): void;
  /** This tab leads, follows, or runs the stream alone. */
  roleChanged(role: SourceRole): void;
  /** Trouble that does not end the attempt. */
  warned(error: SSEError): void;
}

/**
 * Creates the status of one stream; `changed` hears every change.
 *
 * @example
 * const status = createStatus(schedule, 'task', () => {});
 * status.settled('open');
 */
export function createStatus(schedule: Scheduler, notify: NotifyMode, changed: () => void): Status {
  const state = createObservable(IDLE_SOURCE, schedule, notify);
  const update = (patch: Partial<SourceSnapshot>): void => {
    const snapshot = state.get();
    const keys = Object.keys(patch) as (keyof SourceSnapshot)[];
    if (keys.every((key) => patch[key] === snapshot[key])) return;
    state.set(Object.freeze({ ...snapshot, ...patch }));
    changed();
  };
  return {
    state,
    attempting() {
      const { status } = state.get();
      const fresh = status === 'idle' || status === 'closed' || status === 'done';
      update({ status: fresh ? 'connecting' : 'reconnecting' });
    },
    settled: (status) => update({ status, error: null, retry: NO_RETRY }),
    idled: () => update({ status: 'idle' }),
    retrying: (retry, error) => update({ status: 'reconnecting', retry, ...(error && { error }) }),
    gaveUp: (retry, error) => update({ status: 'closed', error, retry }),
    wasReset: (at) => update({ resets: state.get().resets + 1, lastResetAt: at }),
    roleChanged: (role) => update({ role }),
    warned: (error) => update({ error }),
  };
}
