export {
  DISABLED_EVENT,
  DISABLED_SOURCE,
  type EventBindingOptions,
  eventFor,
  type SourceBindingOptions,
  type SourceTarget,
  sourceFor,
} from './bindings';
export { EMPTY_EVENT, type EventOptions, type ParseOption } from './event-channel';
export type { EventData, EventHandle, SourceHandle } from './handles';
export type { PoolOptions, SourceInit } from './options';
export { createPlatform, type Platform } from './platform';
export {
  type ConnectionInspection,
  createPool,
  getDefaultPool,
  type Pool,
  type PoolInspection,
} from './pool';
export { backoffDelay, isRetryable, type RetryPolicy } from './retry';
export type { NotifyMode } from './scheduler';
export type { StandardSchemaV1 } from './standard-schema';
export { IDLE_SOURCE } from './status';
export type {
  Transport,
  TransportAttempt,
  TransportOpenInfo,
  TransportRequest,
  TransportSink,
} from './transport';
export {
  createEventSourceTransport,
  type EventSourceTransportOptions,
} from './transports/eventsource';
export type { FetchTransportOptions } from './transports/fetch';
export type * from './types';
