import { useEventSource, useSSEEvent, useSSEPool } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactElement } from 'react';
import { TICKER_SYMBOLS } from '../demo-server/demoStreams';
import type { TickerEvents } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';
import { Sparkline } from '../ui/Sparkline';
import { StatusPill } from '../ui/StatusPill';

/**
 * Each row reads the same shared stream and picks its symbol from the last 200 ticks: `select`
 * returns the history, so every row re-renders on each tick. A row mounted late starts with the
 * history the connection kept, so it shows a price at once.
 */
function SymbolRow({ symbol }: { readonly symbol: string }): ReactElement {
  const ticker = useSSEPool().source<TickerEvents>('/demo/ticker');
  const ticks = useSSEEvent(ticker, 'tick', {
    buffer: 200,
    select: (s) => s.history,
  });
  const mine = ticks.filter((t) => t.symbol === symbol);
  const last = mine.at(-1);
  return (
    <tr>
      <td className="mono">{symbol}</td>
      <td className="value">{last ? last.price.toFixed(2) : '…'}</td>
      <td className={last && last.change < 0 ? 'down' : 'up'}>
        {last ? `${last.change >= 0 ? '+' : ''}${last.change.toFixed(2)}` : ''}
      </td>
      <td>{mine.length > 1 ? <Sparkline values={mine.map((t) => t.price)} /> : null}</td>
    </tr>
  );
}

/** A live ticker: eight symbols, several ticks a second, one connection. */
function LiveTicker(): ReactElement {
  const { status } = useEventSource('/demo/ticker');
  const { count, lastEventId } = useSSEEvent<TickerEvents['tick']>('/demo/ticker', 'tick');
  return (
    <div className="story">
      <div className="row">
        <h2>Live ticker</h2>
        <StatusPill status={status} />
        <LiveBadge live={count > 0} status={status} />
        <span className="mono">
          {count} ticks · last id {lastEventId || '—'}
        </span>
      </div>
      <p className="lede">
        Every row, and this header, reads <code>/demo/ticker</code>; the inspector below shows one
        connection. Each tick's JSON is parsed once, however many rows read it.
      </p>
      <table>
        <tbody>
          {TICKER_SYMBOLS.map((symbol) => (
            <SymbolRow key={symbol} symbol={symbol} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Live ticker stories, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-ticker--live
 */
const meta = {
  title: 'React/Ticker',
  component: LiveTicker,
} satisfies Meta<typeof LiveTicker>;

export default meta;

/**
 * Eight symbols from one stream.
 *
 * @example
 * // open /iframe.html?id=react-ticker--live
 */
export const Live: StoryObj<typeof meta> = {};
