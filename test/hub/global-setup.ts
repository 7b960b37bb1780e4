/**
 * Vitest global setup for the `browser` project: a hub server (see demo-hub.ts) for the run,
 * its origin handed to tests as `inject('hubServerUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startHubServer } from './demo-hub';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the test hub server, e.g. `http://127.0.0.1:41234`. */
    hubServerUrl: string;
  }
}

/**
 * Starts the hub server and provides its URL; the returned teardown closes it.
 *
 * @example
 * const url = inject('hubServerUrl');
 */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const server = await startHubServer();
  provide('hubServerUrl', server.url);
  return () => server.close();
}
