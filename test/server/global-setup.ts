/**
 * Vitest global setup for the `node` and `browser` projects: one real SSE server for the whole
 * run, its origin handed to tests as `inject('sseServerUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startSSEServer } from './sse-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the test SSE server, e.g. `http://127.0.0.1:41234`. */
    sseServerUrl: string;
  }
}

/**
 * Starts the test SSE server and provides its URL; the returned teardown closes it.
 *
 * @example
 * // in a test file
 * const url = inject('sseServerUrl');
 */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const server = await startSSEServer();
  provide('sseServerUrl', server.url);
  return () => server.close();
}
