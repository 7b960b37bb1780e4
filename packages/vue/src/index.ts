export * from '@ssekit/core';
export { createSSEPlugin, type SSEPlugin } from './plugin';
export { provideSSEPool, SSEPoolKey, useSSEPool } from './provideSSEPool';
export {
  type UseEventSourceOptions,
  type UseEventSourceReturn,
  useEventSource,
} from './useEventSource';
export { type UseSSEEventOptions, type UseSSEEventReturn, useSSEEvent } from './useSSEEvent';
