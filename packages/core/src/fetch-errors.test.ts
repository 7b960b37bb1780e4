import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFetchTransport } from './transports/fetch';
import type { SSEError } from './types';

afterEach(() => {
  vi.unstubAllGlobals();
});

async function failureMessage(): Promise<string> {
  const transport = createFetchTransport({
    fetch: (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    }) as typeof fetch,
  });
  const failed = new Promise<SSEError>((resolve) => {
    transport(
      {
        url: 'http://127.0.0.1:1/s',
        lastEventId: '',
        signal: new AbortController().signal,
        types: new Set(),
      },
      {
        open() {},
        event() {},
        retry() {},
        activity() {},
        reconnecting() {},
        warn() {},
        fail: resolve,
        role() {},
      },
    );
  });
  return (await failed).message;
}

describe('fetch transport errors', () => {
  it('mentions CORS only in a browser page', async () => {
    const inNode = await failureMessage();
    expect(inNode).toContain('ECONNREFUSED');
    expect(inNode).not.toContain('CORS');
    vi.stubGlobal('document', {});
    expect(await failureMessage()).toContain('CORS');
  });
});
