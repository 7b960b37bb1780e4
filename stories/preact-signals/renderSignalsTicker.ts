import { computed, effect } from '@preact/signals-core';
import { eventSourceSignal, type Pool, sseEventSignal } from '@ssekit/preact-signals';
import { TICKER_SYMBOLS } from '../demo-server/demoStreams';
import type { TickerEvents } from '../demo-server/payloads';
import { latestBySymbol } from '../frameworks/latestBySymbol';
import { element, liveBadge } from './element';

/**
 * The live ticker with `@preact/signals-core`: signals from `@ssekit/preact-signals` drive plain
 * DOM through effects; disposing the effects unwatches the signals, which unsubscribes.
 *
 * @example
 * const dispose = renderSignalsTicker(document.querySelector('#app')!, createPool());
 */
export function renderSignalsTicker(target: HTMLElement, pool: Pool): () => void {
  const ticker = pool.source<TickerEvents>('/demo/ticker');
  const source = eventSourceSignal(ticker);
  const ticks = sseEventSignal(ticker, 'tick', { buffer: 200 });
  const latest = computed(() => latestBySymbol(ticks.value.history));

  const status = element('span', { className: 'pill' });
  const badge = element('span');
  const count = element('span', { className: 'mono' });
  const rows = TICKER_SYMBOLS.map((symbol) => {
    const price = element('td', { className: 'value' }, '…');
    const change = element('td');
    const row = element('tr', {}, element('td', { className: 'mono' }, symbol), price, change);
    return { symbol, row, price, change };
  });
  const root = element(
    'div',
    { className: 'story' },
    element(
      'div',
      { className: 'row' },
      element('h2', {}, 'Live ticker (Preact Signals)'),
      status,
      badge,
      count,
    ),
    element(
      'p',
      { className: 'lede' },
      "Plain DOM updated by signal effects, from @ssekit/preact-signals with the story's pool.",
    ),
    element('table', {}, element('tbody', {}, ...rows.map((r) => r.row))),
  );
  target.append(root);

  const disposers = [
    effect(() => {
      status.textContent = source.value.status;
      status.dataset.status = source.value.status;
    }),
    effect(() => {
      // Data kept after the stream closed is not live.
      liveBadge(badge, ticks.value.count > 0 && source.value.status !== 'closed');
      count.textContent = `${ticks.value.count} ticks`;
    }),
    ...rows.map(({ symbol, price, change }) =>
      effect(() => {
        const tick = latest.value.get(symbol);
        price.textContent = tick ? tick.price.toFixed(2) : '…';
        change.textContent = tick ? `${tick.change >= 0 ? '+' : ''}${tick.change.toFixed(2)}` : '';
        change.className = tick && tick.change < 0 ? 'down' : 'up';
      }),
    ),
  ];
  return () => {
    for (const dispose of disposers) dispose();
    root.remove();
  };
}
