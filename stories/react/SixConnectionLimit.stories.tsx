import { type ConnectionStatus, useEventSource, useSSEEvent, useSSEPool } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { type ReactElement, useCallback, useEffect, useState } from 'react';
import { TICKER_SYMBOLS } from '../demo-server/demoStreams';
import type { Tick, TickerEvents } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';

const TICKER = '/demo/ticker';
// The unpooled run ends by itself: while it holds the browser's six connections to this origin,
// nothing else from it loads, Storybook's own requests (and other tabs) included.
const UNPOOLED_RUN_SECONDS = 15;

type WidgetProps = {
  readonly symbol: string;
  /** Called with the first price, so the story can show it is live. */
  readonly onData: () => void;
};

function PriceCard(props: {
  readonly symbol: string;
  readonly price: number | undefined;
  readonly status: ConnectionStatus | 'waiting for a connection';
}): ReactElement {
  return (
    <div className="card" data-testid="limit-widget" data-status={props.status}>
      <span className="label">{props.symbol}</span>
      <span className="value">{props.price === undefined ? '…' : props.price.toFixed(2)}</span>
      <span className="pill" data-status={props.status}>
        {props.status}
      </span>
    </div>
  );
}

/** One widget, one native EventSource: what a dashboard without a pool does. */
function UnpooledWidget({ symbol, onData }: WidgetProps): ReactElement {
  const [price, setPrice] = useState<number>();
  const [status, setStatus] = useState<ConnectionStatus | 'waiting for a connection'>(
    'waiting for a connection',
  );
  useEffect(() => {
    const source = new EventSource(TICKER);
    source.addEventListener('open', () => setStatus('open'));
    source.addEventListener('error', () =>
      setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'),
    );
    source.addEventListener('tick', (event) => {
      // Every widget parses every tick: eight JSON.parse calls per event.
      const tick = JSON.parse((event as MessageEvent<string>).data) as Tick;
      if (tick.symbol !== symbol) return;
      setPrice(tick.price);
      onData();
    });
    return () => source.close();
  }, [symbol, onData]);
  return <PriceCard symbol={symbol} price={price} status={status} />;
}

/** The same widget through ssekit: every widget shares the pool's one connection. */
function PooledWidget({ symbol, onData }: WidgetProps): ReactElement {
  const [price, setPrice] = useState<number>();
  const { status } = useEventSource(TICKER);
  useSSEEvent(useSSEPool().source<TickerEvents>(TICKER), 'tick', {
    // Re-render on this symbol's ticks only: the selected slice never changes.
    select: () => null,
    onEvent: (tick) => {
      if (tick.symbol !== symbol) return;
      setPrice(tick.price);
      onData();
    },
  });
  return <PriceCard symbol={symbol} price={price} status={status} />;
}

/** How long `fetch('/demo/ping')` takes, measured again a second after each answer. */
function PingMeter(): ReactElement {
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [last, setLast] = useState<number | null>(null);
  const [now, setNow] = useState(() => performance.now());

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ping = (): void => {
      const start = performance.now();
      setStartedAt(start);
      fetch('/demo/ping', { cache: 'no-store', signal: controller.signal })
        .then((response) => response.json())
        .then(
          () => {
            setLast(performance.now() - start);
            setStartedAt(null);
            timer = setTimeout(ping, 1000);
          },
          () => undefined, // aborted on unmount
        );
    };
    ping();
    const clock = setInterval(() => setNow(performance.now()), 100);
    return () => {
      controller.abort();
      clearTimeout(timer);
      clearInterval(clock);
    };
  }, []);

  const waiting = startedAt === null ? 0 : now - startedAt;
  // Only a wait longer than a normal round trip counts as stalled.
  const stalled = waiting > 500;
  return (
    <div
      className="card"
      data-testid="ping"
      data-state={stalled ? 'stalled' : 'ok'}
      data-ms={last === null ? undefined : Math.round(last)}
    >
      <span className="label">fetch('/demo/ping')</span>
      <span className={`value ${stalled ? 'down' : 'up'}`}>
        {stalled
          ? `stalled ${(waiting / 1000).toFixed(1)} s…`
          : last === null
            ? '…'
            : `${last.toFixed(0)} ms`}
      </span>
      <span className="mono">
        {last === null ? 'no answer yet' : `last answer: ${last.toFixed(0)} ms`}
      </span>
    </div>
  );
}

interface ConnectionLimitProps {
  /** `unpooled`: one native EventSource per widget; `pooled`: every widget through ssekit. */
  readonly mode: 'pooled' | 'unpooled';
}

/** Eight ticker widgets and a latency probe, with or without the pool. */
function ConnectionLimit({ mode }: ConnectionLimitProps): ReactElement {
  const [live, setLive] = useState(false);
  const [deadline, setDeadline] = useState(() => Date.now() + UNPOOLED_RUN_SECONDS * 1000);
  const [now, setNow] = useState(() => Date.now());
  const secondsLeft = Math.max(0, Math.ceil((deadline - now) / 1000));
  const running = mode === 'pooled' || secondsLeft > 0;
  const onData = useCallback(() => setLive(true), []);

  useEffect(() => {
    if (mode !== 'unpooled') return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [mode]);

  const Widget = mode === 'pooled' ? PooledWidget : UnpooledWidget;
  return (
    <div className="story">
      <div className="row">
        <h2>
          The six-connection limit: {mode === 'pooled' ? 'pooled (ssekit)' : 'unpooled (native)'}
        </h2>
        <LiveBadge live={live} />
      </div>
      <p className="lede">
        Browsers open at most six HTTP/1.1 connections per origin, counting every tab. Eight widgets
        with one <code>EventSource</code> each take all six: two widgets never connect and a plain{' '}
        <code>fetch</code> waits until a stream closes. Through ssekit the same eight widgets share
        one connection and the fetch answers in milliseconds. The <em>Pooled</em> and{' '}
        <em>Unpooled</em> stories have the same layout; compare them one after the other, since
        while the unpooled run lasts every tab of this origin stalls, the pooled story's included.
      </p>
      {mode === 'unpooled' ? (
        <div className="row">
          {running ? (
            <span className="pill" data-status="reconnecting">
              releasing the browser's connections in {secondsLeft} s
            </span>
          ) : (
            <span className="pill">stopped: the browser's connections are free again</span>
          )}
          <button
            type="button"
            disabled={running}
            onClick={() => setDeadline(Date.now() + UNPOOLED_RUN_SECONDS * 1000)}
          >
            Run again for {UNPOOLED_RUN_SECONDS} s
          </button>
        </div>
      ) : null}
      <div className="grid">
        <PingMeter />
        {running
          ? TICKER_SYMBOLS.map((symbol) => <Widget key={symbol} symbol={symbol} onData={onData} />)
          : null}
      </div>
    </div>
  );
}

/**
 * The six-connection limit made visible, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-six-connection-limit--pooled, then …--unpooled
 */
const meta = {
  title: 'React/Six-connection limit',
  component: ConnectionLimit,
  argTypes: { mode: { control: false } },
} satisfies Meta<typeof ConnectionLimit>;

export default meta;

/**
 * Eight widgets through ssekit: one connection, and `fetch` stays fast.
 *
 * @example
 * // open /iframe.html?id=react-six-connection-limit--pooled
 */
export const Pooled: StoryObj<typeof meta> = { args: { mode: 'pooled' } };

/**
 * Eight widgets with a native EventSource each: two never connect and `fetch` stalls.
 *
 * @example
 * // open /iframe.html?id=react-six-connection-limit--unpooled
 */
export const Unpooled: StoryObj<typeof meta> = { args: { mode: 'unpooled' } };
