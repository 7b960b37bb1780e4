import type { ReceivedEvent } from './types';

/** One kept event and how many events of its type the connection had seen with it. */
export interface Counted {
  readonly event: ReceivedEvent;
  readonly count: number;
}

/** The most events of one type kept for late subscribers, whatever `buffer` asks. */
const MAX_KEPT = 1000;

/**
 * The latest events of every type of one connection (as many as the largest `buffer` asked
 * for, at most 1000), so a late subscriber starts from them and its history is full at once.
 */
export interface RecentEvents {
  /** Keeps `event` and returns its count (1 for the first of its type). */
  add(event: ReceivedEvent): number;
  /** What a new channel is seeded with: the kept events of `type`, oldest first. */
  of(type: string): readonly Counted[] | undefined;
  /** A channel asks for `buffer` events: keep at least that many from now on. */
  keep(buffer: number): void;
}

/**
 * Creates the recent-events buffer of one connection.
 *
 * @example
 * const recent = createRecentEvents();
 * const count = recent.add(event);
 */
export function createRecentEvents(): RecentEvents {
  const latest = new Map<string, Counted[]>();
  let kept = 1;
  return {
    add(event) {
      const list = latest.get(event.type) ?? [];
      const count = (list.at(-1)?.count ?? 0) + 1;
      list.push({ event, count });
      if (list.length > kept) list.splice(0, list.length - kept);
      latest.set(event.type, list);
      return count;
    },
    of: (type) => latest.get(type),
    keep(buffer) {
      kept = Math.min(MAX_KEPT, Math.max(kept, buffer));
    },
  };
}
