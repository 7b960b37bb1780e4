/**
 * The README's recipes, run as written: they must keep working as the core changes.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from './pool';
import { isRetryable } from './retry';
import { controllablePlatform, withFakeClock } from './test-support';

// Load the fetch transport's chunk before the clock is faked (hooks run in the order they were added).
beforeEach(async () => {
  await import('./fetch');
});
withFakeClock();

// The stream stays open after its text, as a live feed does: the test counts requests.
const stream = (text: string): Response =>
  new Response(
    new ReadableStream({
      start: (controller) => controller.enqueue(new TextEncoder().encode(text)),
    }),
    { headers: { 'Content-Type': 'text/event-stream' } },
  );

describe('README recipes', () => {
  it('401 with an expired token: refresh once and retry; a second 401 in a row stops', async () => {
    const valid = new Set(['fresh']);
    const seen: string[] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      const authorization = new Headers(init.headers).get('authorization') ?? '';
      seen.push(authorization);
      return valid.has(authorization.slice('Bearer '.length))
        ? stream('id: 1\ndata: {"n":1}\n\n')
        : new Response(null, { status: 401 });
    }) as typeof fetch;
    const refreshToken = vi.fn(async () => 'fresh');

    // --- recipe (packages/core/README.md, "An expired token") ---
    let token: Promise<string> = Promise.resolve('expired');
    let refreshed = false; // this run of 401s already led to a refresh
    const pool = createPool({ platform: controllablePlatform().platform, fetch: fakeFetch });
    const feed = pool.source('https://api.test/feed', {
      scope: 'user-1',
      headers: async () => ({ authorization: `Bearer ${await token}` }),
      retry: {
        shouldRetry(error) {
          if (error.status !== 401) return isRetryable(error);
          if (refreshed) return false; // a fresh token was refused too: stop and show it
          refreshed = true;
          token = refreshToken();
          return true;
        },
      },
    });
    feed.subscribe(({ status }) => {
      if (status === 'open') refreshed = false;
    });
    // --- end of recipe ---

    const data: unknown[] = [];
    feed.event('message').on((value) => data.push(value));
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen).toEqual(['Bearer expired', 'Bearer fresh']);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(data).toEqual([{ n: 1 }]);

    // Now the refresh token is refused too: one refresh, then the source stops with the error.
    valid.clear();
    feed.reconnect();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refreshToken).toHaveBeenCalledTimes(2);
    expect(feed.get()).toMatchObject({ status: 'closed', error: { kind: 'http', status: 401 } });
    pool.reset();
  });
});
