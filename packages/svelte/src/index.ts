export * from '@ssekit/core';
export { getSSEPool, setSSEPool } from './context.js';
export { type EventSourceOptions, eventSource, type SourceStore } from './eventSource.js';
export { type EventStore, type SSEEventOptions, sseEvent } from './sseEvent.js';
