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
export type Scheduler = (target: Flushable, mode: NotifyMode) => void;

/**
 * Creates the scheduler of one pool.
 *
 * @example
 * const schedule = createScheduler(platform);
 * schedule(channel, 'task');
 */
export function createScheduler(platform: Platform): Scheduler {
  const pending = { task: new Set<Flushable>(), frame: new Set<Flushable>() };
  const run = (mode: NotifyMode): void => {
    // Targets scheduled while flushing wait for the next round, so a listener that causes
    // another change cannot loop forever inside one flush.
    const targets = [...pending[mode]];
    pending[mode].clear();
    for (const target of targets) target.flush();
  };
  return (target, mode) => {
    const queue = pending[mode];
    if (queue.size === 0) {
      if (mode === 'frame') platform.requestFrame(() => run(mode));
      else platform.queueMicrotask(() => run(mode));
    }
    queue.add(target);
  };
}
