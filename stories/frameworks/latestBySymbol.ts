import type { Tick } from '../demo-server/payloads';

/**
 * The latest tick of each symbol in a ticker history (oldest first, as `history` is).
 *
 * @example
 * const latest = latestBySymbol(snapshot.history);
 * latest.get('ACME')?.price;
 */
export function latestBySymbol(history: readonly Tick[]): ReadonlyMap<string, Tick> {
  const latest = new Map<string, Tick>();
  for (const tick of history) latest.set(tick.symbol, tick);
  return latest;
}
