import type { MetricsEvents } from '../demo-server/payloads';

type WidgetOf<K extends keyof MetricsEvents> = {
  readonly label: string;
  readonly type: K;
  readonly format: (data: MetricsEvents[K]) => string;
};

/**
 * One dashboard widget, framework-free: which event of `/demo/metrics` it reads and how it
 * shows it. The Vue, Svelte and signals dashboards render the same twelve.
 *
 * @example
 * const widget: MetricWidget = { label: 'CPU', type: 'cpu', format: (d) => `${d.usage} %` };
 */
export type MetricWidget = WidgetOf<'cpu'> | WidgetOf<'memory'> | WidgetOf<'requests'>;

const gib = (mb: number): string => `${(mb / 1024).toFixed(2)} GiB`;

/**
 * The twelve widgets of the framework dashboards: four per event type.
 *
 * @example
 * for (const widget of METRIC_WIDGETS) mountWidget(widget);
 */
export const METRIC_WIDGETS: readonly MetricWidget[] = [
  { label: 'CPU', type: 'cpu', format: (d) => `${d.usage.toFixed(1)} %` },
  { label: 'Per core', type: 'cpu', format: (d) => d.cores.map((c) => c.toFixed(0)).join(' · ') },
  { label: 'Busiest core', type: 'cpu', format: (d) => `${Math.max(...d.cores).toFixed(1)} %` },
  { label: 'CPU idle', type: 'cpu', format: (d) => `${(100 - d.usage).toFixed(1)} %` },
  { label: 'Memory used', type: 'memory', format: (d) => gib(d.usedMb) },
  { label: 'Memory free', type: 'memory', format: (d) => gib(d.totalMb - d.usedMb) },
  {
    label: 'Memory share',
    type: 'memory',
    format: (d) => `${Math.round((d.usedMb / d.totalMb) * 100)} %`,
  },
  { label: 'Memory total', type: 'memory', format: (d) => gib(d.totalMb) },
  { label: 'Requests/s', type: 'requests', format: (d) => String(d.perSecond) },
  { label: 'p95 latency', type: 'requests', format: (d) => `${d.p95Ms} ms` },
  { label: 'Error rate', type: 'requests', format: (d) => `${d.errorRate} %` },
  {
    label: 'Status codes',
    type: 'requests',
    format: (d) => `2xx ${d.statuses['2xx']} · 4xx ${d.statuses['4xx']} · 5xx ${d.statuses['5xx']}`,
  },
];

/**
 * A widget's text for the latest data of its event type ('…' before the first event).
 *
 * @example
 * formatMetric(METRIC_WIDGETS[0], snapshot.data); // '37.5 %'
 */
export function formatMetric(widget: MetricWidget, data: unknown): string {
  if (data === undefined) return '…';
  // The widget's own event type decides the payload: the union cannot express that link.
  return (widget.format as (data: unknown) => string)(data);
}
