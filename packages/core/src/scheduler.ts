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
export class Scheduler {
  private readonly pending: Record<NotifyMode, Set<Flushable>> = {
    task: new Set(),
    frame: new Set(),
  };

  constructor(private readonly platform: Platform) {}

  schedule(target: Flushable, mode: NotifyMode): void {
    const queue = this.pending[mode];
    if (queue.has(target)) return;
    if (queue.size === 0) {
      const run = (): void => this.run(mode);
      if (mode === 'frame') this.platform.requestFrame(run);
      else this.platform.queueMicrotask(run);
    }
    queue.add(target);
  }

  private run(mode: NotifyMode): void {
    const queue = this.pending[mode];
    // Targets scheduled while flushing wait for the next round, so a listener that causes
    // another change cannot loop forever inside one flush.
    const targets = [...queue];
    queue.clear();
    for (const target of targets) target.flush();
  }
}
