import type { ServerSentEvent, SourceRole, SSEError } from './types';

/** The event type a server sends when it cannot resume from the last event id. */
export const RESET_EVENT = 'ssekit:reset';

/** What the connection layer asks of one connection attempt. */
export interface TransportRequest {
  /** Absolute URL. */
  readonly url: string;
  /** The last event id seen so far ('' when starting fresh): resume from here. */
  readonly lastEventId: string;
  /** Aborted when the connection layer ends this attempt. Abort is never reported as an error. */
  readonly signal: AbortSignal;
  /** Event types that have subscribers when the attempt starts (native EventSource needs them). */
  readonly types: ReadonlySet<string>;
}

/** What is known of the response when the stream opens. */
export interface TransportOpenInfo {
  readonly status?: number;
  readonly headers?: Headers;
}

/**
 * Where a transport reports. Calls after `signal` aborted are ignored by the connection layer,
 * so nothing from a superseded attempt reaches subscribers.
 */
export interface TransportSink {
  /** The stream is open (again, for a transport that retries on its own). */
  open(info: TransportOpenInfo): void;
  /** One dispatched event. */
  event(event: ServerSentEvent): void;
  /** The last event id changed without an event (an `id:` in a block with no data). */
  id?(lastEventId: string): void;
  /** The server sent `retry:` with this many milliseconds. */
  retry(ms: number): void;
  /** The server announced its heartbeat interval (a `: heartbeat <ms>` comment). */
  heartbeat?(ms: number): void;
  /** Bytes arrived (heartbeat comments included): feeds staleness detection and the inspector. */
  activity(bytes: number): void;
  /** The transport retries on its own (native EventSource); the attempt is still alive. */
  reconnecting(): void;
  /** A problem inside the stream that did not end it (an oversized event was dropped). */
  warn(error: SSEError): void;
  /** This attempt is over. The connection layer decides whether and when to try again. */
  fail(error: SSEError): void;
  /** Cross-tab sharing: whether this tab holds the connection or follows another tab's. */
  role(role: SourceRole): void;
}

/** The live side of one attempt: lets the connection layer follow subscriptions. */
export interface TransportAttempt {
  /** Start delivering events of this type (native EventSource needs one listener per type). */
  addType?(type: string): void;
  /** Stop delivering events of this type. */
  removeType?(type: string): void;
}

/**
 * One connection attempt. Ends when `request.signal` aborts or the transport calls `sink.fail`.
 *
 * @example
 * const transport: Transport = (request, sink) => {
 *   const source = new EventSource(request.url);
 *   source.onopen = () => sink.open({});
 *   request.signal.addEventListener('abort', () => source.close());
 * };
 */
export type Transport = ((
  request: TransportRequest,
  sink: TransportSink,
) => TransportAttempt | undefined) & {
  /** Called once when the pool closes the connection for good (cross-tab: leave the election). */
  release?(): void;
};
