import type { Transport, TransportOpenInfo, TransportSink } from './transport';
import type { SSEError } from './types';

/** One connection attempt made through a {@link TestTransport}; you play the server. */
export interface TestConnection {
  readonly url: string;
  /** The id this attempt resumes from ('' when fresh). */
  readonly lastEventId: string;
  /** Event types with subscribers right now (what a native EventSource would listen to). */
  readonly types: ReadonlySet<string>;
  /** True once the pool ended this attempt. */
  readonly aborted: boolean;
  /** The stream opens. */
  open(info?: TransportOpenInfo): void;
  /** Sends one event; objects are sent as JSON. The id persists, as on the wire. */
  send(data: unknown, options?: { type?: string; id?: string }): void;
  /** The server sent `retry: ms`. */
  retry(ms: number): void;
  /** The server sent an `id:` in a block without data: the id to resume from changes. */
  id(lastEventId: string): void;
  /** The browser is retrying by itself (native EventSource). */
  reconnecting(): void;
  /** The attempt fails: `drop()` for a network drop, or any typed error. */
  fail(error: SSEError): void;
  /** A network drop: the body ended. */
  drop(): void;
}

/** A transport you drive by hand, for deterministic component tests. */
export interface TestTransport {
  readonly transport: Transport;
  /** Every attempt, oldest first. */
  readonly connections: readonly TestConnection[];
  /** The newest attempt that has not been aborted. */
  readonly current: TestConnection | undefined;
}

/**
 * Creates a transport you drive from a test: open the stream, send events, drop it.
 *
 * @example
 * const server = createTestTransport();
 * const pool = createPool({ transport: server.transport, connectOnServer: true });
 * // …render a component using the pool…
 * server.current?.open();
 * server.current?.send({ price: 1 }, { type: 'tick', id: '1' });
 */
export function createTestTransport(): TestTransport {
  const connections: TestConnection[] = [];
  const transport: Transport = (request, sink: TransportSink) => {
    const types = new Set(request.types);
    let lastEventId = request.lastEventId;
    const connection: TestConnection = {
      url: request.url,
      lastEventId: request.lastEventId,
      types,
      get aborted() {
        return request.signal.aborted;
      },
      open: (info = { status: 200 }) => sink.open(info),
      send(data, options = {}) {
        if (options.id !== undefined) lastEventId = options.id;
        const text = typeof data === 'string' ? data : JSON.stringify(data);
        sink.activity(text.length);
        sink.event({ type: options.type ?? 'message', data: text, lastEventId });
      },
      retry: (ms) => sink.retry(ms),
      id(id) {
        lastEventId = id;
        sink.id?.(id);
      },
      reconnecting: () => sink.reconnecting(),
      fail: (error) => sink.fail(error),
      drop: () => sink.fail({ kind: 'network', message: 'the stream ended' }),
    };
    connections.push(connection);
    return { addType: (type) => types.add(type), removeType: (type) => types.delete(type) };
  };
  return {
    transport,
    connections,
    get current() {
      for (let i = connections.length - 1; i >= 0; i--) {
        if (!connections[i]!.aborted) return connections[i];
      }
      return undefined;
    },
  };
}
