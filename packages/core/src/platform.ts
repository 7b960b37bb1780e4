/**
 * Every platform seam the core touches, so tests (and unusual hosts) can replace them.
 * The defaults read globals at call time, which is what lets fake timers drive them.
 */
export interface Platform {
  /** True where no connection may open (server rendering). */
  readonly isServer: boolean;
  now(): number;
  random(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs after the current task's synchronous work: what coalesces a burst into one notification. */
  queueMicrotask(fn: () => void): void;
  /** Runs before the next paint, for `notify: 'frame'`. */
  requestFrame(fn: () => void): void;
  isOnline(): boolean;
  isVisible(): boolean;
  /** Calls back on `online` and `offline`; returns an unsubscribe. */
  onOnlineChange(callback: () => void): () => void;
  /** Calls back on `visibilitychange`; returns an unsubscribe. */
  onVisibilityChange(callback: () => void): () => void;
}

const noop = (): void => {};

function listenOn(
  target: EventTarget | undefined,
  types: readonly string[],
  callback: () => void,
): () => void {
  if (!target) return noop;
  for (const type of types) target.addEventListener(type, callback);
  return () => {
    for (const type of types) target.removeEventListener(type, callback);
  };
}

/**
 * The platform of the page this runs in, with any seam overridden.
 *
 * @example
 * const pool = createPool({ platform: createPlatform({ isOnline: () => true }) });
 */
export function createPlatform(overrides: Partial<Platform> = {}): Platform {
  const g = globalThis as typeof globalThis & {
    window?: EventTarget;
    document?: Document;
    self?: EventTarget;
    WorkerGlobalScope?: abstract new () => EventTarget;
  };
  // A Web Worker has no window and no document, but it is a browser client, not a server.
  const worker = typeof g.WorkerGlobalScope === 'function' && g.self instanceof g.WorkerGlobalScope;
  const defaults: Platform = {
    isServer: !worker && (typeof g.window === 'undefined' || typeof g.document === 'undefined'),
    now: () => Date.now(),
    random: () => Math.random(),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    queueMicrotask: (fn) => globalThis.queueMicrotask(fn),
    requestFrame: (fn) =>
      typeof g.requestAnimationFrame === 'function'
        ? g.requestAnimationFrame(() => fn())
        : globalThis.setTimeout(fn, 16),
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
    isVisible: () => g.document?.visibilityState !== 'hidden',
    onOnlineChange: (callback) =>
      listenOn(g.window ?? (worker ? g.self : undefined), ['online', 'offline'], callback),
    onVisibilityChange: (callback) => listenOn(g.document, ['visibilitychange'], callback),
  };
  return { ...defaults, ...overrides };
}
