import type { Platform } from './platform';
import { type RetryPolicy, retryDelay } from './retry';
import type { RetryState, SSEError } from './types';

/** Consecutive failures of one stream, and the retry state each one earns. */
export interface RetryCounter {
  /** The attempt opened: staying open `stableAfterMs` makes it a healthy one. */
  opened(): void;
  /** The attempt delivered an event: its end is a healthy reconnect, not a failure. */
  progressed(): void;
  /** The server's `retry:`. */
  serverRetry(ms: number): void;
  /** The app asked for a fresh start: the count begins again. */
  reset(): void;
  /** One more failed attempt that the pool retries itself; `gaveUp` when the policy says stop. */
  failed(error: SSEError, online: boolean): RetryState;
  /** One more drop that a native EventSource retries on its own, after the server's `retry:`. */
  browserRetried(): RetryState;
}

/**
 * Creates the failure count of one stream under `policy`.
 *
 * @example
 * const retries = createRetryCounter(DEFAULT_RETRY, platform);
 * const next = retries.failed({ kind: 'network', message: 'dropped' }, true); // next.delayMs
 */
export function createRetryCounter(
  policy: Required<RetryPolicy>,
  platform: Platform,
): RetryCounter {
  let failures = 0;
  let progressed = false;
  let openedAt: number | null = null;
  let serverRetryMs: number | undefined;

  const state = (delayMs: number | null, gaveUp = false): RetryState => ({
    attempt: failures,
    delayMs,
    nextRetryAt: delayMs === null || gaveUp ? null : platform.now() + delayMs,
    gaveUp,
  });
  // An attempt that made progress (delivered an event, or stayed open `stableAfterMs`) starts
  // the count again from 1: the next delay is a healthy reconnect's.
  const count = (): boolean => {
    const healthy =
      progressed || (openedAt !== null && platform.now() - openedAt >= policy.stableAfterMs);
    if (healthy) failures = 0;
    failures++;
    openedAt = null;
    progressed = false;
    return healthy;
  };

  return {
    opened() {
      openedAt = platform.now();
    },
    progressed() {
      progressed = true;
    },
    serverRetry(ms) {
      serverRetryMs = ms;
    },
    reset() {
      failures = 0;
      progressed = false;
    },
    failed(error, online) {
      const healthy = count();
      if (error.kind === 'stopped' || !policy.shouldRetry(error) || failures > policy.maxAttempts) {
        return state(null, true);
      }
      const delayMs = retryDelay(
        { attempt: failures, healthy, serverRetryMs, retryAfterMs: error.retryAfterMs },
        policy,
        platform.random,
      );
      // No timer while offline: coming back online reconnects at once.
      return state(online ? delayMs : null);
    },
    browserRetried() {
      count();
      // The browser waits the server's `retry:`, known only when a transport reported it.
      return failures > policy.maxAttempts ? state(null, true) : state(serverRetryMs ?? null);
    },
  };
}
