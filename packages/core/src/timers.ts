import type { Platform } from './platform';

/** Named one-shot timers: setting a name replaces its pending timer, so none ever runs twice. */
export interface Timers<Name extends string> {
  set(name: Name, ms: number, fn: () => void): void;
  clear(...names: Name[]): void;
  pending(name: Name): boolean;
}

/**
 * Creates a set of named timers on the platform's clock (a fake one in tests).
 *
 * @example
 * const timers = createTimers<'retry' | 'linger'>(platform);
 * timers.set('retry', 1000, connect);
 */
export function createTimers<Name extends string>(platform: Platform): Timers<Name> {
  const handles: Partial<Record<Name, unknown>> = {};
  const timers: Timers<Name> = {
    set(name, ms, fn) {
      timers.clear(name);
      handles[name] = platform.setTimeout(() => {
        handles[name] = undefined;
        fn();
      }, ms);
    },
    clear(...names) {
      for (const name of names) {
        if (handles[name] === undefined) continue;
        platform.clearTimeout(handles[name]);
        handles[name] = undefined;
      }
    },
    pending: (name) => handles[name] !== undefined,
  };
  return timers;
}
