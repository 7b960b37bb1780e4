// Read from HTTP responses, which only the fetch transport and the native transport's probe
// see: kept out of the retry policy so the core's main chunk does not carry it.

/**
 * A `Retry-After` header in milliseconds: delay-seconds or an HTTP date (undefined when absent or
 * unreadable). The retry policy caps it (`retryDelay` in `retry.ts`).
 *
 * @example
 * parseRetryAfter('120'); // 120000
 */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
