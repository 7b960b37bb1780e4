/**
 * A jsdom window as the globals a framework looks for, for the bench modules that mount real
 * components. Installed for the time one module runs, then removed, so the others keep Node's
 * plain globals (and ssekit's SSR detection sees no `window` there).
 */
import { createRequire } from 'node:module';

/** The part of jsdom's API used here (the package ships no types). */
interface JSDOMConstructor {
  new (html: string, options: { url: string }): { window: Window & { close(): void } };
}

const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: JSDOMConstructor };

/** The installed window, and how to take it away again. */
export interface InstalledDom {
  readonly window: Window & typeof globalThis;
  readonly document: Document;
  /** Removes every global this added and closes the window. */
  restore(): void;
}

/**
 * Installs a jsdom window on `globalThis` (keeping Node's own `EventTarget`, `MessageEvent`,
 * timers…), at `http://localhost/` so relative stream URLs resolve.
 *
 * @example
 * const dom = installDom();
 * try { mountSomething(dom.document.body); } finally { dom.restore(); }
 */
export function installDom(): InstalledDom {
  const { window } = new JSDOM('<!doctype html><html><body></body></html>', {
    url: 'http://localhost/',
  });
  const added: string[] = [];
  const define = (key: string, get: () => unknown): void => {
    Object.defineProperty(globalThis, key, { get, configurable: true, enumerable: false });
    added.push(key);
  };
  define('window', () => window);
  for (const key of Object.getOwnPropertyNames(window)) {
    if (key in globalThis) continue;
    const value = (window as unknown as Record<string, unknown>)[key];
    // Methods such as getComputedStyle check their receiver: bind them to the window.
    const bound =
      typeof value === 'function' && /^[a-z]/.test(key)
        ? (value as (...args: unknown[]) => unknown).bind(window)
        : undefined;
    define(key, () => bound ?? (window as unknown as Record<string, unknown>)[key]);
  }
  return {
    window: window as unknown as Window & typeof globalThis,
    document: window.document,
    restore() {
      for (const key of added) delete (globalThis as Record<string, unknown>)[key];
      window.close();
    },
  };
}
