import type { Platform } from './platform';

/** Something whose listeners are told about changes, at most once per flush. */
export interface Flushable {
  flush(): void;
}

/** How notifications are coalesced: once per task (default) or once per animation frame. */
export type NotifyMode = 'task' | 'frame';

/**
 * Coalesces change notifications: a burst of events in one task (or one frame) notifies each
 * listener once. `on()` handlers bypass this and see every event.
 */
export interface Scheduler {
  (target: Flushable, mode: NotifyMode): void;
  /** Where a subscriber's exception goes: the pool's `onError`, or rethrown in a microtask. */
  readonly report: (error: unknown) => void;
}

/**
 * Calls one subscriber; what it throws is reported and never reaches the stream or the
 * subscribers after it (as EventTarget does).
 *
 * @example
 * for (const listener of listeners) call(schedule.report, listener, snapshot);
 */
export function call<A extends unknown[]>(
  report: (error: unknown) => void,
  fn: (...args: A) => unknown,
  ...args: A
): void {
  try {
    fn(...args);
  } catch (error) {
    report(error);
  }
}

/**
 * The default report: rethrown asynchronously, so it shows as an uncaught error in the console
 * and in error trackers, without interrupting anything.
 *
 * @example
 * createScheduler(platform, rethrow);
 */
export function rethrow(error: unknown): void {
  globalThis.queueMicrotask(() => {
    throw error;
  });
}

/**
 * Creates the scheduler of one pool.
 *
 * @example
 * const schedule = createScheduler(platform);
 * schedule(channel, 'task');
 */
export function createScheduler(
  platform: Platform,
  report: (error: unknown) => void = rethrow,
): Scheduler {
  const pending = { task: new Set<Flushable>(), frame: new Set<Flushable>() };
  const run = (mode: NotifyMode): void => {
    // Targets scheduled while flushing wait for the next round, so a listener that causes
    // another change cannot loop forever inside one flush.
    const targets = [...pending[mode]];
    pending[mode].clear();
    for (const target of targets) target.flush();
  };
  const schedule = (target: Flushable, mode: NotifyMode): void => {
    const queue = pending[mode];
    if (queue.size === 0) {
      if (mode === 'frame') platform.requestFrame(() => run(mode));
      else platform.queueMicrotask(() => run(mode));
    }
    queue.add(target);
  };
  return Object.assign(schedule, { report });
}
