/**
 * Fault injection for the retry policy against the real test SSE server (fetch transport, Node):
 * a Retry-After beyond what a timer holds, `retry: 0` in front of a failing server, a server that
 * never answers, a stream that ends cleanly after each event. For each: requests per second stay
 * under the policy's bound, the status shows the right error, another subscriber of the same
 * stream keeps its updates, nothing throws uncaught, and the pool is empty after release.
 *
 * The jitter is pinned (random 0.5) so the bound is exact; the observation windows are real time,
 * as the server is real.
 */
import { createPlatform, createPool, type Pool, type SourceHandle } from '@ssekit/core';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { ChannelStats } from '../server/sse-server';

const serverUrl = inject('sseServerUrl');
let seq = 0;
const channel = (name: string): string => `fault-${name}-${++seq}`;
const stats = async (name: string): Promise<ChannelStats> =>
  (await fetch(`${serverUrl}/stats/${encodeURIComponent(name)}`)).json() as Promise<ChannelStats>;
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Backoff after failures with random 0.5: 10, 20, 40, 80, 100, 100… ms.
const POLICY = { initialDelayMs: 20, maxDelayMs: 100 };
/** Attempts in `ms` at most under POLICY: the first at once, then one per delay. */
const bound = (ms: number): number => {
  let n = 1;
  let t = 0;
  for (let attempt = 1; ; attempt++) {
    t += Math.min(POLICY.maxDelayMs, POLICY.initialDelayMs * 2 ** (attempt - 1)) / 2;
    if (t > ms) return n;
    n++;
  }
};

let pool: Pool;
afterEach(() => pool?.reset());

function watch(url: string, extra: Parameters<Pool['source']>[1] = {}) {
  pool = createPool({
    connectOnServer: true,
    lingerMs: 0,
    retry: POLICY,
    platform: createPlatform({ isServer: false, random: () => 0.5 }),
    ...extra,
  });
  const source: SourceHandle = pool.source(url);
  const updates = { a: 0, b: 0 };
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };
  process.on('uncaughtException', onUncaught);
  const offs = [
    source.listen(() => updates.a++),
    source.listen(() => updates.b++),
    () => process.off('uncaughtException', onUncaught),
  ];
  return {
    source,
    updates,
    uncaught,
    release: (): void => {
      for (const off of offs) off();
    },
  };
}

describe('no storm, no stall (fetch transport, real server)', () => {
  it.each([
    ['seconds', `${10 * 365 * 24 * 3600}`],
    ['an HTTP date', new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000).toUTCString()],
  ])('a Retry-After of ten years in %s: capped delay, sane nextRetryAt', async (_, value) => {
    // Before: the delay overflowed the timer, which fired at once: hundreds of requests a second.
    const name = channel('retry-after');
    const run = watch(
      `${serverUrl}/sse/${name}?status=503&retryAfter=${encodeURIComponent(value)}`,
    );
    await vi.waitFor(() => expect(run.source.get().status).toBe('reconnecting'));
    const { retry, error } = run.source.get();
    expect(error).toMatchObject({ kind: 'http', status: 503 });
    expect(retry.delayMs).toBe(POLICY.maxDelayMs);
    expect(retry.nextRetryAt! - Date.now()).toBeLessThanOrEqual(POLICY.maxDelayMs);
    await wait(500);
    expect((await stats(name)).connections).toBeLessThanOrEqual(500 / POLICY.maxDelayMs + 1);
    expect(run.updates.a).toBe(run.updates.b);
    expect(run.uncaught).toEqual([]);
    run.release();
    expect(pool.inspect().connections).toEqual([]);
  });

  it('retry: 0 in front of a stream that keeps failing still backs off', async () => {
    // Each response sends `retry: 0` and ends with no event: no progress, so the backoff grows.
    // Before: 0 ms delays, hundreds of requests a second.
    const name = channel('retry-zero');
    const run = watch(`${serverUrl}/sse/${name}?retry=0&count=0&end=1`);
    await wait(1000);
    expect((await stats(name)).connections).toBeLessThanOrEqual(bound(1000));
    expect(run.source.get().error?.kind).toBe('network');
    expect(run.updates.a).toBe(run.updates.b);
    expect(run.uncaught).toEqual([]);
    run.release();
    expect(pool.inspect().connections).toEqual([]);
  });

  it('a server that never answers fails each attempt at openTimeoutMs, then backs off', async () => {
    // Before: `connecting` for ever, one request.
    const name = channel('hang');
    const run = watch(`${serverUrl}/sse/${name}?hang=1`, { openTimeoutMs: 100 });
    await vi.waitFor(() => expect(run.source.get().status).toBe('reconnecting'), {
      timeout: 2000,
    });
    expect(run.source.get().error?.message).toMatch(/openTimeoutMs/);
    await wait(1000);
    // Each attempt lasts 100 ms plus its delay.
    expect((await stats(name)).connections).toBeLessThanOrEqual(1000 / 100 + 1);
    expect(run.uncaught).toEqual([]);
    run.release();
    expect(pool.inspect().connections).toEqual([]);
  });
});
