import { useEventSource, useSSEEvent, useSSEPool } from '@ssekit/vue';
import { computed, defineComponent, h } from 'vue';
import { TICKER_SYMBOLS } from '../demo-server/demoStreams';
import type { TickerEvents } from '../demo-server/payloads';
import { latestBySymbol } from '../frameworks/latestBySymbol';

/**
 * The live ticker in Vue: `useEventSource` and `useSSEEvent` (readonly refs) on a typed handle.
 *
 * @example
 * createApp(VueTicker).use(createSSEPlugin(pool)).mount('#app');
 */
export const VueTicker = defineComponent(
  // A named function: Vue's setup, and a component to linters that check where hooks are called.
  function VueTicker() {
    const ticker = useSSEPool().source<TickerEvents>('/demo/ticker');
    const { status } = useEventSource(ticker);
    const { history, count } = useSSEEvent(ticker, 'tick', { buffer: 200 });
    const latest = computed(() => latestBySymbol(history.value));
    return () =>
      h('div', { class: 'story' }, [
        h('div', { class: 'row' }, [
          h('h2', 'Live ticker (Vue)'),
          h('span', { class: 'pill', 'data-status': status.value }, status.value),
          // Data kept after the stream closed is not live.
          count.value > 0 && status.value !== 'closed'
            ? h('span', { class: 'live', 'data-testid': 'live' }, '● live')
            : h('span', { class: 'waiting' }, 'waiting for data…'),
          h('span', { class: 'mono' }, `${count.value} ticks`),
        ]),
        h('p', { class: 'lede' }, [
          'A Vue app mounted inside this React story, using ',
          h('code', '@ssekit/vue'),
          " with the story's pool: the inspector below shows its connection.",
        ]),
        h(
          'table',
          h(
            'tbody',
            TICKER_SYMBOLS.map((symbol) => {
              const tick = latest.value.get(symbol);
              return h('tr', { key: symbol }, [
                h('td', { class: 'mono' }, symbol),
                h('td', { class: 'value' }, tick ? tick.price.toFixed(2) : '…'),
                h(
                  'td',
                  { class: tick && tick.change < 0 ? 'down' : 'up' },
                  tick ? `${tick.change >= 0 ? '+' : ''}${tick.change.toFixed(2)}` : '',
                ),
              ]);
            }),
          ),
        ),
      ]);
  },
);
