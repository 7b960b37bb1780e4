import { setMaxListeners } from 'node:events';

/**
 * A fake `EventSource` for the bench modules that mount components: every library under test
 * constructs it as it would the browser's, and the bench plays the server (opens, events) and
 * counts connections opened and closed.
 */

/** The stand-in server behind one fake `EventSource` class. */
export interface FakeEventSourceServer {
  /** The constructor to install as `EventSource`. */
  readonly EventSource: typeof EventSource;
  /** Sources constructed so far. */
  readonly opened: number;
  /** Sources closed so far. */
  readonly closed: number;
  /** Sources constructed and not closed. */
  readonly live: number;
  /** Every live source opens (fires `open`). */
  open(): void;
  /** One event to every live source, dispatched synchronously. */
  send(type: string, data: string): void;
  /** Installs the class as the global `EventSource` (and `window.EventSource`); returns the undo. */
  install(): () => void;
}

const CLOSED = 2;

/**
 * Creates a fake `EventSource` class with its own counters.
 *
 * @example
 * const server = createFakeEventSourceServer();
 * const uninstall = server.install();
 * new EventSource('/stream'); // server.opened === 1
 * uninstall();
 */
export function createFakeEventSourceServer(): FakeEventSourceServer {
  const live = new Set<FakeEventSource>();
  let opened = 0;
  let closed = 0;

  class FakeEventSource extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSED = 2;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSED = 2;
    readyState = 0;
    readonly withCredentials: boolean;
    // Libraries use both listeners and these handler properties (VueUse sets onopen/onmessage).
    onopen: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;

    constructor(
      readonly url: string,
      init?: { withCredentials?: boolean },
    ) {
      super();
      // Libraries that share one source add a listener per component: not a leak here.
      setMaxListeners(Number.POSITIVE_INFINITY, this);
      this.withCredentials = init?.withCredentials === true;
      opened++;
      live.add(this);
    }

    close(): void {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      closed++;
      live.delete(this);
    }

    emit(event: Event): void {
      this.dispatchEvent(event);
      const handler = (this as unknown as Record<string, unknown>)[`on${event.type}`];
      if (typeof handler === 'function') handler.call(this, event);
    }
  }

  return {
    EventSource: FakeEventSource as unknown as typeof EventSource,
    get opened() {
      return opened;
    },
    get closed() {
      return closed;
    },
    get live() {
      return live.size;
    },
    open() {
      for (const source of [...live]) {
        source.readyState = 1;
        source.emit(new Event('open'));
      }
    },
    send(type, data) {
      for (const source of [...live]) source.emit(new MessageEvent(type, { data }));
    },
    install() {
      const targets = [globalThis, (globalThis as { window?: object }).window].filter(
        (target): target is typeof globalThis => target !== undefined,
      );
      const previous = targets.map((target) =>
        Object.getOwnPropertyDescriptor(target, 'EventSource'),
      );
      for (const target of targets) {
        Object.defineProperty(target, 'EventSource', {
          value: FakeEventSource,
          configurable: true,
          writable: true,
        });
      }
      return () => {
        targets.forEach((target, i) => {
          const descriptor = previous[i];
          if (descriptor) Object.defineProperty(target, 'EventSource', descriptor);
          else delete (target as { EventSource?: unknown }).EventSource;
        });
      };
    },
  };
}
