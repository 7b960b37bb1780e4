export * from '@ssekit/core';
export { type SSEDefaults, SSEProvider, type SSEProviderProps } from './SSEProvider';
export { type UseEventSourceResult, useEventSource } from './useEventSource';
export { usePool } from './usePool';
export { type UseSSEEventOptions, useSSEEvent } from './useSSEEvent';
