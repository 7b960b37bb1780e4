import { useEventSource, useSSEEvent } from '@ssekit/vue';
import { defineComponent, h } from 'vue';
import { formatMetric, METRIC_WIDGETS, type MetricWidget } from '../frameworks/metricWidgets';

const METRICS = '/demo/metrics';

/** One widget, one `useSSEEvent`: twelve of them share the pool's one connection. */
const VueMetricWidget = defineComponent(
  function VueMetricWidget(props: { widget: MetricWidget }) {
    const { data } = useSSEEvent(METRICS, props.widget.type);
    return () =>
      h('div', { class: 'card', 'data-testid': 'widget' }, [
        h('span', { class: 'label' }, props.widget.label),
        h('span', { class: 'value' }, formatMetric(props.widget, data.value)),
      ]);
  },
  { props: ['widget'] },
);

/**
 * The metrics dashboard in Vue: twelve components, each with its own `useSSEEvent`, one stream.
 *
 * @example
 * createApp(VueDashboard).use(createSSEPlugin(pool)).mount('#app');
 */
export const VueDashboard = defineComponent(
  // A named function: Vue's setup, and a component to linters that check where hooks are called.
  function VueDashboard() {
    const { status } = useEventSource(METRICS);
    return () =>
      h('div', { class: 'story' }, [
        h('div', { class: 'row' }, [
          h('h2', 'Metrics dashboard (Vue)'),
          h('span', { class: 'pill', 'data-status': status.value }, status.value),
          status.value === 'open'
            ? h('span', { class: 'live', 'data-testid': 'live' }, '● live')
            : h('span', { class: 'waiting' }, 'waiting for data…'),
        ]),
        h(
          'p',
          { class: 'lede' },
          'Twelve Vue components read cpu, memory and requests: one connection, twelve subscribers.',
        ),
        h(
          'div',
          { class: 'grid' },
          METRIC_WIDGETS.map((widget) => h(VueMetricWidget, { key: widget.label, widget })),
        ),
      ]);
  },
);
