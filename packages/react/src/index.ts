export * from '@ssekit/core';
export { type SSEDefaults, SSEProvider, type SSEProviderProps } from './SSEProvider';
export { type UseEventSourceResult, useEventSource } from './useEventSource';
export { type UseSSEEventOptions, useSSEEvent } from './useSSEEvent';
export { usePool, useSSEPool } from './useSSEPool';
