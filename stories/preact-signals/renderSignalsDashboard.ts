import { effect } from '@preact/signals-core';
import { eventSourceSignal, type Pool, sseEventSignal } from '@ssekit/preact-signals';
import { formatMetric, METRIC_WIDGETS } from '../frameworks/metricWidgets';
import { element, liveBadge } from './element';

const METRICS = '/demo/metrics';

/**
 * The metrics dashboard with `@preact/signals-core`: twelve widgets, each its own signal and
 * effect (twelve subscribers), one connection.
 *
 * @example
 * const dispose = renderSignalsDashboard(document.querySelector('#app')!, createPool());
 */
export function renderSignalsDashboard(target: HTMLElement, pool: Pool): () => void {
  const source = eventSourceSignal(METRICS, { pool });
  const status = element('span', { className: 'pill' });
  const badge = element('span');
  const widgets = METRIC_WIDGETS.map((widget) => {
    const value = element('span', { className: 'value' }, '…');
    const card = element(
      'div',
      { className: 'card' },
      element('span', { className: 'label' }, widget.label),
      value,
    );
    card.dataset.testid = 'widget';
    // A signal per widget: each one subscribes while its effect watches it.
    return { widget, card, value, metric: sseEventSignal(METRICS, widget.type, { pool }) };
  });
  const root = element(
    'div',
    { className: 'story' },
    element(
      'div',
      { className: 'row' },
      element('h2', {}, 'Metrics dashboard (Preact Signals)'),
      status,
      badge,
    ),
    element(
      'p',
      { className: 'lede' },
      'Twelve signal effects read cpu, memory and requests: one connection, twelve subscribers.',
    ),
    element('div', { className: 'grid' }, ...widgets.map((w) => w.card)),
  );
  target.append(root);

  const disposers = [
    effect(() => {
      status.textContent = source.value.status;
      status.dataset.status = source.value.status;
      liveBadge(badge, source.value.status === 'open');
    }),
    ...widgets.map(({ widget, value, metric }) =>
      effect(() => {
        value.textContent = formatMetric(widget, metric.value.data);
      }),
    ),
  ];
  return () => {
    for (const dispose of disposers) dispose();
    root.remove();
  };
}
