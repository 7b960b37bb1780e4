import { type SourceHandle, useEventSource, useSSEEvent, useSSEPool } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactElement, ReactNode } from 'react';
import type { MetricsEvents } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';
import { Sparkline } from '../ui/Sparkline';
import { StatusPill } from '../ui/StatusPill';

const METRICS = '/demo/metrics';
const SPARK = 40;

/** The metrics stream as a typed handle: `useSSEEvent` infers each event's payload from it. */
function useMetrics(): SourceHandle<MetricsEvents> {
  return useSSEPool().source<MetricsEvents>(METRICS);
}

function Widget(props: { readonly label: string; readonly children: ReactNode }): ReactElement {
  return (
    <div className="card" data-testid="widget">
      <span className="label">{props.label}</span>
      <div className="value">{props.children}</div>
    </div>
  );
}

// Twelve widgets, each its own subscription with its own `select`: a widget re-renders only when
// its slice changes, and all of them share one connection and one JSON.parse per event.

function CpuUsage(): ReactElement {
  const usage = useSSEEvent(useMetrics(), 'cpu', { select: (s) => s.data?.usage });
  return <Widget label="CPU">{usage === undefined ? '…' : `${usage.toFixed(1)} %`}</Widget>;
}

function CpuTrend(): ReactElement {
  const history = useSSEEvent(useMetrics(), 'cpu', { buffer: SPARK, select: (s) => s.history });
  return (
    <Widget label="CPU, last 10 s">
      <Sparkline values={history.map((s) => s.usage)} />
    </Widget>
  );
}

function CpuCores(): ReactElement {
  const cores = useSSEEvent(useMetrics(), 'cpu', { select: (s) => s.data?.cores });
  return (
    <Widget label="Per core">
      <span className="mono">{cores ? cores.map((c) => c.toFixed(0)).join(' · ') : '…'}</span>
    </Widget>
  );
}

function CpuPeak(): ReactElement {
  const peak = useSSEEvent(useMetrics(), 'cpu', {
    buffer: SPARK,
    select: (s) => (s.history.length ? Math.max(...s.history.map((h) => h.usage)) : undefined),
  });
  return <Widget label="CPU peak">{peak === undefined ? '…' : `${peak.toFixed(1)} %`}</Widget>;
}

function MemoryUsed(): ReactElement {
  const used = useSSEEvent(useMetrics(), 'memory', { select: (s) => s.data?.usedMb });
  return (
    <Widget label="Memory used">
      {used === undefined ? '…' : `${(used / 1024).toFixed(2)} GiB`}
    </Widget>
  );
}

function MemoryShare(): ReactElement {
  const share = useSSEEvent(useMetrics(), 'memory', {
    select: (s) => (s.data ? Math.round((s.data.usedMb / s.data.totalMb) * 100) : 0),
  });
  return (
    <Widget label="Memory share">
      <div className="bar">
        <div style={{ width: `${share}%` }} />
      </div>
    </Widget>
  );
}

function MemoryTrend(): ReactElement {
  const history = useSSEEvent(useMetrics(), 'memory', {
    buffer: SPARK,
    select: (s) => s.history,
  });
  return (
    <Widget label="Memory, last 10 s">
      <Sparkline values={history.map((s) => s.usedMb)} />
    </Widget>
  );
}

function MemoryFree(): ReactElement {
  const free = useSSEEvent(useMetrics(), 'memory', {
    select: (s) => (s.data ? s.data.totalMb - s.data.usedMb : undefined),
  });
  return (
    <Widget label="Memory free">
      {free === undefined ? '…' : `${(free / 1024).toFixed(2)} GiB`}
    </Widget>
  );
}

function RequestRate(): ReactElement {
  const rate = useSSEEvent(useMetrics(), 'requests', { select: (s) => s.data?.perSecond });
  return <Widget label="Requests/s">{rate ?? '…'}</Widget>;
}

function Latency(): ReactElement {
  const p95 = useSSEEvent(useMetrics(), 'requests', { select: (s) => s.data?.p95Ms });
  return <Widget label="p95 latency">{p95 === undefined ? '…' : `${p95} ms`}</Widget>;
}

function ErrorRate(): ReactElement {
  const rate = useSSEEvent(useMetrics(), 'requests', { select: (s) => s.data?.errorRate });
  return (
    <Widget label="Error rate">
      <span className={rate && rate > 1 ? 'down' : 'up'}>
        {rate === undefined ? '…' : `${rate} %`}
      </span>
    </Widget>
  );
}

function StatusCodes(): ReactElement {
  const statuses = useSSEEvent(useMetrics(), 'requests', { select: (s) => s.data?.statuses });
  return (
    <Widget label="Status codes">
      <span className="mono">
        {statuses
          ? `2xx ${statuses['2xx']} · 4xx ${statuses['4xx']} · 5xx ${statuses['5xx']}`
          : '…'}
      </span>
    </Widget>
  );
}

/** A metrics dashboard: twelve widgets, three event types, one stream. */
function MetricsDashboard(): ReactElement {
  const { status } = useEventSource(METRICS);
  return (
    <div className="story">
      <div className="row">
        <h2>Metrics dashboard</h2>
        <StatusPill status={status} />
        <LiveBadge live={status === 'open'} status={status} />
      </div>
      <p className="lede">
        A dozen widgets subscribe to <code>cpu</code>, <code>memory</code> and <code>requests</code>{' '}
        on <code>{METRICS}</code>. The inspector shows one connection and twelve subscribers. Twelve
        native EventSources would need twelve connections, where browsers allow six per origin over
        HTTP/1.1.
      </p>
      <div className="grid">
        <CpuUsage />
        <CpuTrend />
        <CpuCores />
        <CpuPeak />
        <MemoryUsed />
        <MemoryShare />
        <MemoryTrend />
        <MemoryFree />
        <RequestRate />
        <Latency />
        <ErrorRate />
        <StatusCodes />
      </div>
    </div>
  );
}

/**
 * Dashboard stories, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-dashboard--twelve-widgets-one-stream
 */
const meta = {
  title: 'React/Dashboard',
  component: MetricsDashboard,
} satisfies Meta<typeof MetricsDashboard>;

export default meta;

/**
 * Twelve widgets on one shared stream.
 *
 * @example
 * // open /iframe.html?id=react-dashboard--twelve-widgets-one-stream
 */
export const TwelveWidgetsOneStream: StoryObj<typeof meta> = {};
