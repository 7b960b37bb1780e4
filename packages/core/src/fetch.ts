/**
 * `@ssekit/core/fetch`: the fetch transport and the WHATWG event-stream parser it reads with.
 * A separate entry so apps on the native transport never load them: the pool imports this
 * module on the first fetch connection. Import it yourself to build a custom transport.
 */
export {
  createEventStreamParser,
  type EventStreamParser,
  type EventStreamParserOptions,
} from './parser';
export { createFetchTransport, type FetchTransportOptions } from './transports/fetch';
