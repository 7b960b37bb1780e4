import type { Transport } from '../transport';

/**
 * Options of {@link createEventSourceTransport}.
 *
 * @example
 * const options: EventSourceTransportOptions = { withCredentials: true };
 */
export interface EventSourceTransportOptions {
  /** Sends cookies cross-origin; the server must echo the Origin and allow credentials. */
  withCredentials?: boolean;
  /**
   * Opt-in: name of a query parameter that carries the last event id when a NEW EventSource must
   * be created (e.g. 'lastEventId'). The browser's own retries send the Last-Event-ID header by
   * themselves.
   */
  lastEventIdParam?: string;
  /** Injectable constructor; default globalThis.EventSource read at call time. */
  EventSource?: typeof EventSource;
}

// EventSource.CLOSED, spelled out so nothing reads a global that may not exist.
const CLOSED = 2;

/**
 * The native transport: one `EventSource` per attempt, listening only to subscribed event types.
 *
 * @example
 * const transport = createEventSourceTransport({ lastEventIdParam: 'lastEventId' });
 */
export function createEventSourceTransport(options: EventSourceTransportOptions = {}): Transport {
  return (request, sink) => {
    const { signal, lastEventId } = request;
    if (signal.aborted) return undefined;

    let source: EventSource;
    try {
      const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
      if (typeof EventSourceImpl !== 'function') {
        throw new Error('EventSource is not available here; use the fetch transport');
      }
      let url = request.url;
      if (options.lastEventIdParam && lastEventId) {
        const withId = new URL(url, globalThis.location?.href);
        withId.searchParams.set(options.lastEventIdParam, lastEventId);
        url = withId.href;
      }
      source = new EventSourceImpl(url, { withCredentials: options.withCredentials === true });
    } catch (error) {
      // Reported later: the connection layer has not received this attempt yet.
      queueMicrotask(() => {
        if (!signal.aborted) {
          sink.fail({
            kind: 'network',
            message: error instanceof Error ? error.message : `${error}`,
          });
        }
      });
      return undefined;
    }

    const types = new Set<string>();
    const onMessage = (event: MessageEvent<string>): void => {
      sink.event({ type: event.type, data: event.data, lastEventId: event.lastEventId });
      sink.activity(event.data.length);
    };
    // Type listeners come and go with subscriptions, so they are not tied to the signal (each
    // would leave an abort listener behind): the abort below removes whatever is left.
    const addType = (type: string): void => {
      if (types.has(type)) return;
      types.add(type);
      source.addEventListener(type, onMessage);
    };

    source.addEventListener('open', () => sink.open({}), { signal });
    source.addEventListener(
      'error',
      () => {
        // CONNECTING means the browser retries by itself: closing now would kill that retry.
        if (source.readyState !== CLOSED) return sink.reconnecting();
        sink.fail({
          kind: 'network',
          message:
            'EventSource closed the stream: HTTP error, wrong Content-Type or 204 (the browser does not say which); use the fetch transport for details',
        });
      },
      { signal },
    );
    for (const type of request.types) addType(type);
    signal.addEventListener(
      'abort',
      () => {
        source.close();
        for (const type of types) source.removeEventListener(type, onMessage);
      },
      { once: true },
    );

    return {
      addType,
      removeType: (type) => {
        if (types.delete(type)) source.removeEventListener(type, onMessage);
      },
    };
  };
}
