import type { Platform } from './platform';

/** Named one-shot timers: setting one replaces the previous timer of that name. */
export interface Timers<Name extends string> {
  /** Runs `fn` in `ms`, replacing the timer of that name. */
  later(name: Name, ms: number, fn: () => void): void;
  clear(name: Name): void;
  /** Whether the timer of that name is waiting. */
  has(name: Name): boolean;
}

/**
 * Creates a set of named timers on the platform's clock (tests drive it).
 *
 * @example
 * const timers = createTimers<'retry' | 'stale'>(platform);
 * timers.later('retry', 1000, connect);
 */
export function createTimers<Name extends string>(platform: Platform): Timers<Name> {
  const waiting: Partial<Record<Name, unknown>> = {};
  const clear = (name: Name): void => {
    if (waiting[name] === undefined) return;
    platform.clearTimeout(waiting[name]);
    waiting[name] = undefined;
  };
  return {
    later(name, ms, fn) {
      clear(name);
      waiting[name] = platform.setTimeout(() => {
        waiting[name] = undefined;
        fn();
      }, ms);
    },
    clear,
    has: (name) => waiting[name] !== undefined,
  };
}
