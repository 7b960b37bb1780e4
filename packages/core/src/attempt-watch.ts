import type { Platform } from './platform';
import type { Timers } from './timers';
import type { SSEError } from './types';

/** Default `openTimeoutMs`: an attempt that does not open within it has failed. */
export const DEFAULT_OPEN_TIMEOUT_MS = 30_000;

/**
 * Whether the current attempt is alive: it must open within the open timeout, then never go
 * quiet for longer than the stale limit (the app's `staleAfterMs`, else three times the
 * heartbeat interval the server announced). A dead attempt is reported once, to `dead`.
 */
export interface AttemptWatch {
  /** A new attempt (or the browser's own retry, after `afterMs`) must open within the timeout. */
  awaitOpen(afterMs?: number): void;
  /** The attempt opened: from now on, silence is what counts. */
  opened(): void;
  /** Bytes arrived (events, comments, a leader tab's beat). */
  activity(): void;
  /** The server announced its heartbeat interval. */
  heartbeat(ms: number): void;
  /** This tab follows another tab's stream: it makes no request that could time out. */
  following(): void;
  stop(): void;
}

export type WatchTimer = 'open' | 'stale';

/**
 * Creates the watch of one stream's attempts.
 *
 * @example
 * const watch = createAttemptWatch(platform, timers, { openTimeoutMs: 30_000 }, fail);
 * watch.awaitOpen();
 */
export function createAttemptWatch(
  platform: Platform,
  timers: Timers<WatchTimer>,
  limits: { readonly openTimeoutMs?: number; readonly staleAfterMs?: number },
  dead: (error: SSEError) => void,
): AttemptWatch {
  const openTimeoutMs = limits.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  let staleAfterMs = limits.staleAfterMs;
  let lastActivity = 0;

  // Checked against the time of the last byte, so a busy stream costs no timer churn.
  const watchSilence = (): void => {
    const limit = staleAfterMs;
    if (limit === undefined) return;
    const check = (): void => {
      const quietFor = platform.now() - lastActivity;
      if (quietFor < limit) timers.set('stale', limit - quietFor, check);
      else dead({ kind: 'network', message: `No data for ${limit} ms: the stream is stale.` });
    };
    timers.set('stale', limit, check);
  };

  return {
    awaitOpen(afterMs = 0) {
      if (!(openTimeoutMs > 0 && openTimeoutMs < Number.POSITIVE_INFINITY)) return;
      timers.set('open', afterMs + openTimeoutMs, () =>
        dead({
          kind: 'network',
          message: `No response in ${openTimeoutMs} ms (openTimeoutMs): is the server up, or a proxy buffering the stream? nginx: proxy_buffering off, or X-Accel-Buffering: no.`,
        }),
      );
    },
    opened() {
      timers.clear('open');
      lastActivity = platform.now();
      watchSilence();
    },
    activity() {
      lastActivity = platform.now();
    },
    heartbeat(ms) {
      // The server's announcement turns stale detection on, unless the app chose its own.
      if (limits.staleAfterMs !== undefined || !(ms > 0)) return;
      staleAfterMs = 3 * ms;
      watchSilence();
    },
    following: () => timers.clear('open'),
    stop: () => timers.clear('open', 'stale'),
  };
}
