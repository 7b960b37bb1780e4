// PLACEHOLDER so the pool compiles; the fetch transport replaces this whole file.
import type { Transport } from '../transport';
export interface FetchTransportOptions {
  headers?: Record<string, string> | ((context: { lastEventId: string }) => Record<string, string> | Promise<Record<string, string>>);
  method?: string;
  body?: BodyInit | null;
  credentials?: RequestCredentials;
  fetch?: typeof fetch;
  maxEventSize?: number;
}
export function createFetchTransport(_options: FetchTransportOptions = {}): Transport {
  return () => undefined;
}
