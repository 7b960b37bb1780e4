import { RESET_EVENT, type Transport } from '../transport';

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
   * Name of the query parameter that carries the last event id when a NEW EventSource is created
   * (after `reconnect()`, a stale timeout, a cross-tab hand-over, a retry of ours); default
   * `'lastEventId'`, `false` turns it off. The browser's own retries send the `Last-Event-ID`
   * header by themselves.
   */
  lastEventIdParam?: string | false;
  /**
   * Events with more data than this (UTF-16 code units) are dropped and reported as `oversized`;
   * default 8 MiB. The browser has buffered such an event before the page sees it, so this bounds
   * what subscribers get, not the browser's memory.
   */
  maxEventSize?: number;
  /** Injectable constructor; default globalThis.EventSource read at call time. */
  EventSource?: typeof EventSource;
  /** Injectable, for the probe that finds out why the browser gave up; default globalThis.fetch. */
  fetch?: typeof fetch;
}

// EventSource.CLOSED, spelled out so nothing reads a global that may not exist.
const CLOSED = 2;
const DEFAULT_MAX_EVENT_SIZE = 8 * 1024 * 1024;

/**
 * The native transport: one `EventSource` per attempt, listening only to subscribed event types
 * (and always to `ssekit:reset`). A new EventSource resumes from the last event id through a
 * query parameter; when the browser gives up, one probe request finds out why.
 *
 * @example
 * const transport = createEventSourceTransport({ lastEventIdParam: 'cursor' });
 */
export function createEventSourceTransport(options: EventSourceTransportOptions = {}): Transport {
  const param = options.lastEventIdParam ?? 'lastEventId';
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  return (request, sink) => {
    const { signal, lastEventId } = request;
    if (signal.aborted) return undefined;

    let source: EventSource;
    let url = request.url;
    try {
      const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
      if (typeof EventSourceImpl !== 'function') {
        throw new Error('EventSource is not available here; use the fetch transport');
      }
      if (param && lastEventId) {
        const withId = new URL(url, globalThis.location?.href);
        withId.searchParams.set(param, lastEventId);
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
      const { data } = event;
      sink.activity(data.length);
      if (data.length > maxEventSize) {
        sink.warn({
          kind: 'oversized',
          message: `A "${event.type.slice(0, 100)}" event of ${data.length} characters was dropped (maxEventSize ${maxEventSize}).`,
        });
        return;
      }
      sink.event({ type: event.type, data, lastEventId: event.lastEventId });
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
        // The browser gave up (a status other than 200, a wrong Content-Type or 204) and does
        // not say why: ask the server once, so 204 stops, a 4xx is final and a 5xx backs off.
        // The probe's code loads on this first failure: a healthy app never pays for it.
        import('./probe')
          .then((module) => module.probe(url, options, signal))
          .then(
            (error) => !signal.aborted && sink.fail(error),
            (cause: unknown) =>
              !signal.aborted &&
              sink.fail({ kind: 'network', message: `EventSource failed; ${cause}` }),
          );
      },
      { signal },
    );
    // Always followed: the server says it could not resume, whether or not anyone reads it.
    addType(RESET_EVENT);
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
        if (type !== RESET_EVENT && types.delete(type)) source.removeEventListener(type, onMessage);
      },
    };
  };
}
