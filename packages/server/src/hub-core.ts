/**
 * What the transports (node.ts, web.ts) need from the hub: `join` a stream, then write what it
 * answers. Kept apart from hub.ts so imports go one way: hub.ts → node.ts / web.ts → here.
 */
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Connection } from './connection.js';

/**
 * The request `authorize` sees: the Web `Request` for `response()`, the node `IncomingMessage`
 * (or node:http2's `Http2ServerRequest`) for `handle()`.
 *
 * @example
 * const token = (r: HubRequest): string | null =>
 *   r instanceof Request ? r.headers.get('authorization') : (r.headers.authorization ?? null);
 */
export type HubRequest = Request | IncomingMessage | Http2ServerRequest;

/**
 * The answer to a join, before any byte of the stream is written.
 *
 * @example
 * const joined: Joined = await core.join(request, ['orders'], 'k3x9-41');
 * @internal
 */
export type Joined =
  | {
      readonly ok: true;
      readonly connection: Connection;
      readonly frames: Uint8Array[];
      readonly lastOffset: number;
      /** The epoch of `lastOffset`, when the join read the log (a cursor was sent). */
      readonly epoch?: string;
    }
  | {
      readonly ok: false;
      readonly status: number;
      readonly message: string;
      readonly retryAfter?: number;
    };

/**
 * What the node and Web adapters need from the hub.
 *
 * @example
 * await handleNode(core, req, res, ['orders']);
 * @internal
 */
export interface HubCore {
  join(request: HubRequest, topics: readonly string[], cursor: string | null): Promise<Joined>;
}
