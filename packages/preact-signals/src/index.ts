export * from '@ssekit/core';
export { type EventSourceSignalOptions, eventSourceSignal } from './eventSourceSignal';
export { type SSEEventSignalOptions, sseEventSignal } from './sseEventSignal';
