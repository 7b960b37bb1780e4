import type { SSEError } from './types';

/** How a connection retries beyond what the browser does on its own. */
export interface RetryPolicy {
  /** Base delay when the server sent no `retry:`; default 1000 ms. */
  initialDelayMs?: number;
  /** Upper bound of any delay; default 30 000 ms. */
  maxDelayMs?: number;
  /** Give up after this many consecutive failed attempts (status `closed`, `gaveUp`); default Infinity. */
  maxAttempts?: number;
  /**
   * An open connection that lasts this long resets the attempt count, as does one that delivered
   * an event; default 5000 ms.
   */
  stableAfterMs?: number;
  /** Whether an error is worth another attempt; default {@link isRetryable}. */
  shouldRetry?: (error: SSEError) => boolean;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  stableAfterMs: 5000,
  shouldRetry: isRetryable,
};

/**
 * The default retry decision: network failures, 5xx, 408 and 429 are retried. A 204 (the server
 * asked us to stop), other 4xx and a wrong content type are not: trying again would get the same
 * answer, so they end as status `closed` with the error to show.
 *
 * @example
 * createPool({ retry: { shouldRetry: (e) => isRetryable(e) || e.status === 401 } });
 */
export function isRetryable(error: SSEError): boolean {
  if (error.kind === 'network') return true;
  if (error.kind !== 'http' || error.status === undefined) return false;
  return error.status >= 500 || error.status === 408 || error.status === 429;
}

/** The longest delay a timer can hold (2^31 − 1 ms); longer ones fire at once in browsers and Node. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** What {@link retryDelay} decides from. */
export interface RetryContext {
  /** Consecutive failed attempts, this one included (1 for the first). */
  readonly attempt: number;
  /** The attempt before this failure made progress (delivered an event or stayed open). */
  readonly healthy: boolean;
  /** The server's last `retry:`, if any. */
  readonly serverRetryMs?: number;
  /** From a `Retry-After` header. */
  readonly retryAfterMs?: number;
}

/**
 * The delay before the next attempt. After progress (a healthy reconnect), exactly the server's
 * `retry:` or `initialDelayMs`, as a browser waits. After failures, exponential backoff with full
 * jitter from the larger of the two, never below the server's `retry:` or a `Retry-After`. Every
 * delay is capped by `maxDelayMs` and by what a timer can hold.
 *
 * @example
 * retryDelay({ attempt: 1, healthy: true, serverRetryMs: 1500 }, DEFAULT_RETRY, Math.random); // 1500
 */
export function retryDelay(
  context: RetryContext,
  policy: Required<RetryPolicy>,
  random: () => number,
): number {
  const { attempt, healthy, serverRetryMs, retryAfterMs } = context;
  const floor = Math.max(serverRetryMs ?? 0, retryAfterMs ?? 0);
  let delay = healthy
    ? (serverRetryMs ?? policy.initialDelayMs)
    : backoffDelay(
        attempt,
        Math.max(policy.initialDelayMs, serverRetryMs ?? 0),
        policy.maxDelayMs,
        random,
      );
  delay = Math.max(delay, floor);
  const capped = Math.min(delay, policy.maxDelayMs, MAX_TIMER_MS);
  // A NaN (a policy of NaNs) must not become a 0 ms loop: wait the longest a timer can.
  if (Number.isNaN(capped)) return MAX_TIMER_MS;
  return Math.max(0, Math.round(capped));
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(cap, base × 2^(attempt−1))].
 * Jitter spreads the reconnects of many clients after a server restart.
 *
 * @example
 * backoffDelay(3, 1000, 30_000, Math.random); // somewhere in [0, 4000)
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
