import type { EventSnapshot, NotifyMode } from '@ssekit/core';
import { withTestPool } from '@ssekit/core/test-support';
import { act, cleanup, render, screen } from '@testing-library/react';
import {
  type ReactElement,
  type ReactNode,
  StrictMode,
  Suspense,
  startTransition,
  use,
} from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { SSEProvider } from './SSEProvider';
import { useEventSource } from './useEventSource';
import { useSSEEvent } from './useSSEEvent';
import { useSSEPool } from './useSSEPool';

const URL_A = 'https://example.test/a';
const URL_B = 'https://example.test/b';
const LINGER_MS = 1000;

type Tick = { price: number; volume: number };
// Module scope: `parse` is part of what identifies a reading, so it must keep its identity.
const parseTick = (text: string): Tick => JSON.parse(text);

const env = withTestPool({ lingerMs: LINGER_MS });
/** Renders per component id: what "renders once" assertions count. */
const renders = new Map<string, number>();
const rendered = (id: string): void => void renders.set(id, (renders.get(id) ?? 0) + 1);
const rendersOf = (id: string): number => renders.get(id) ?? 0;

beforeEach(() => {
  renders.clear();
});
afterEach(() => {
  cleanup();
});

/** Lets queued notifications (microtasks), frames and timers due within `ms` run, inside act. */
const flush = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms));

const send = (data: unknown, id?: string): void =>
  env.server.current!.send(data, { type: 'tick', id });

const withPool = (children: ReactNode): ReactElement => (
  <SSEProvider pool={env.pool}>{children}</SSEProvider>
);

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `p${i}`);

interface PriceProps {
  id: string;
  url?: string;
  enabled?: boolean;
  notify?: NotifyMode;
}

function Price({ id, url = URL_A, enabled, notify }: PriceProps): ReactElement {
  const { data } = useSSEEvent<Tick>(url, 'tick', { enabled, notify });
  const { status } = useEventSource(url, { enabled });
  rendered(id);
  return <li data-testid={id}>{`${status}:${data?.price ?? '-'}`}</li>;
}

function PriceSlice(): ReactElement {
  // A typed handle: `select` infers its slice from the event map.
  const ticker = useSSEPool().source<{ tick: Tick }>(URL_A);
  const price = useSSEEvent(ticker, 'tick', { select: (s) => s.data?.price });
  rendered('price');
  return <p data-testid="price">{price}</p>;
}

function VolumeSlice(): ReactElement {
  const volume = useSSEEvent(URL_A, 'tick', { parse: parseTick, select: (s) => s.data?.volume });
  rendered('volume');
  return <p data-testid="volume">{volume}</p>;
}

function VolumeObject(): ReactElement {
  // A new object on every call: equal by `isEqual`, so still no render.
  const slice = useSSEEvent(URL_A, 'tick', {
    parse: parseTick,
    select: (s: EventSnapshot<Tick>) => ({ volume: s.data?.volume }),
    isEqual: (a, b) => a.volume === b.volume,
  });
  rendered('object');
  return <p data-testid="object">{slice.volume}</p>;
}

function Log({ label, seen }: { label: string; seen: string[] }): ReactElement {
  const { count } = useSSEEvent<Tick>(URL_A, 'tick', {
    onEvent: (data, event) => seen.push(`${label}${data.price}@${event.lastEventId}`),
  });
  rendered('log');
  return <p data-testid="count">{count}</p>;
}

describe('useSSEEvent', () => {
  it('shares one connection between 30 components under StrictMode, without churn', async () => {
    const view = render(
      <StrictMode>{withPool(ids(30).map((id) => <Price key={id} id={id} />))}</StrictMode>,
    );
    expect(env.server.connections).toHaveLength(1);

    env.server.current!.open();
    send({ price: 7, volume: 1 });
    await flush();
    for (const id of ids(30)) expect(screen.getByTestId(id).textContent).toBe('open:7');

    // Well past the linger delay: StrictMode's unmount/remount must not have scheduled a close.
    await flush(LINGER_MS * 5);
    expect(env.server.connections).toHaveLength(1);
    expect(env.server.connections[0]!.aborted).toBe(false);

    view.unmount();
    await flush(LINGER_MS - 1);
    expect(env.server.connections[0]!.aborted).toBe(false);
    await flush(1);
    expect(env.server.connections[0]!.aborted).toBe(true);
  });

  it('renders each component once for a burst of 50 events in one task', async () => {
    render(withPool(ids(3).map((id) => <Price key={id} id={id} />)));
    env.server.current!.open();
    await flush();
    const before = ids(3).map(rendersOf);

    for (let i = 1; i <= 50; i++) send({ price: i, volume: 0 });
    await flush();

    expect(ids(3).map((id, i) => rendersOf(id) - before[i]!)).toEqual([1, 1, 1]);
    expect(screen.getByTestId('p0').textContent).toBe('open:50');
  });

  it("with notify: 'frame', renders at most once per animation frame", async () => {
    render(withPool(<Price id="p" notify="frame" />));
    env.server.current!.open();
    await flush(16);
    const before = rendersOf('p');

    // One event per task, one task per millisecond: 64 events across four 16 ms frames.
    for (let i = 1; i <= 64; i++) {
      send({ price: i, volume: 0 });
      await flush(1);
    }
    await flush(16);

    const frameRenders = rendersOf('p') - before;
    expect(frameRenders).toBeGreaterThanOrEqual(4);
    expect(frameRenders).toBeLessThanOrEqual(5);
    expect(screen.getByTestId('p').textContent).toBe('open:64');
  });

  it('does not render components whose selected slice did not change', async () => {
    render(withPool([<PriceSlice key="p" />, <VolumeSlice key="v" />, <VolumeObject key="o" />]));
    env.server.current!.open();
    send({ price: 1, volume: 10 });
    await flush();
    const before = {
      price: rendersOf('price'),
      volume: rendersOf('volume'),
      object: rendersOf('object'),
    };

    send({ price: 2, volume: 10 });
    await flush();
    send({ price: 3, volume: 10 });
    await flush();

    expect(rendersOf('price') - before.price).toBe(2);
    expect(rendersOf('volume') - before.volume).toBe(0);
    expect(rendersOf('object') - before.object).toBe(0);
    expect(screen.getByTestId('price').textContent).toBe('3');

    send({ price: 3, volume: 11 });
    await flush();
    expect(rendersOf('price') - before.price).toBe(2);
    expect(rendersOf('volume') - before.volume).toBe(1);
    expect(rendersOf('object') - before.object).toBe(1);
    expect(screen.getByTestId('object').textContent).toBe('11');
  });

  it('connects nothing with enabled: false, and connects once enabled', async () => {
    const view = render(withPool(<Price id="p" enabled={false} />));
    await flush(LINGER_MS * 2);
    expect(env.server.connections).toHaveLength(0);
    expect(screen.getByTestId('p').textContent).toBe('idle:-');

    view.rerender(withPool(<Price id="p" enabled />));
    expect(env.server.connections).toHaveLength(1);
    env.server.current!.open();
    send({ price: 5, volume: 0 });
    await flush();
    expect(screen.getByTestId('p').textContent).toBe('open:5');
  });

  it('re-keys when the URL changes: opens the new stream, closes the old after the linger', async () => {
    const view = render(withPool(<Price id="p" url={URL_A} />));
    const a = env.server.connections[0]!;
    a.open();
    a.send({ price: 1 }, { type: 'tick' });
    await flush();
    expect(screen.getByTestId('p').textContent).toBe('open:1');

    view.rerender(withPool(<Price id="p" url={URL_B} />));
    expect(env.server.connections).toHaveLength(2);
    const b = env.server.connections[1]!;
    expect(b.url).toBe(URL_B);
    expect(screen.getByTestId('p').textContent).toBe('connecting:-');

    b.open();
    b.send({ price: 2 }, { type: 'tick' });
    await flush();
    expect(screen.getByTestId('p').textContent).toBe('open:2');
    expect(a.aborted).toBe(false);
    await flush(LINGER_MS);
    expect(a.aborted).toBe(true);
    expect(b.aborted).toBe(false);
  });

  it('calls onEvent for every event of a burst, with the latest callback, subscribing once', async () => {
    const on = vi.spyOn(env.pool.source(URL_A).event('tick'), 'on');
    const seen: string[] = [];
    const view = render(withPool(<Log label="a" seen={seen} />));
    env.server.current!.open();
    await flush();
    const before = rendersOf('log');

    for (let i = 1; i <= 5; i++) send({ price: i }, `${i}`);
    await flush();
    expect(seen).toEqual(['a1@1', 'a2@2', 'a3@3', 'a4@4', 'a5@5']);
    expect(rendersOf('log') - before).toBe(1);

    // A new inline callback each render: the newest one is called, without a new subscription.
    view.rerender(withPool(<Log label="b" seen={seen} />));
    await flush();
    send({ price: 6 });
    await flush();
    expect(seen.slice(5)).toEqual(['b6@5']);
    expect(on).toHaveBeenCalledTimes(1);
  });
});

function Toggle({ listening, seen }: { listening: boolean; seen: number[] }): ReactElement {
  const { data, count } = useSSEEvent<Tick>(URL_A, 'tick', {
    onEvent: listening ? (tick) => seen.push(tick.price) : undefined,
  });
  return <p data-testid="toggle">{`${data?.price ?? '-'}:${count}`}</p>;
}

function Urls({ url, seen }: { url: string; seen: string[] }): ReactElement {
  useSSEEvent<Tick>(url, 'tick', { onEvent: (tick) => seen.push(`${url}:${tick.price}`) });
  return <p />;
}

function Pick({ field }: { field: 'price' | 'volume' }): ReactElement {
  const value = useSSEEvent<Tick, string, object, any, number | undefined>(URL_A, 'tick', {
    select: (s) => s.data?.[field],
  });
  return <p data-testid="pick">{value ?? '-'}</p>;
}

describe('onEvent', () => {
  it('starts and stops calling onEvent as it comes and goes, keeping the stream and the data', async () => {
    const seen: number[] = [];
    const view = render(withPool(<Toggle listening={false} seen={seen} />));
    env.server.current!.open();
    send({ price: 1 });
    await flush();
    expect(screen.getByTestId('toggle').textContent).toBe('1:1');
    expect(env.pool.inspect().connections[0]?.subscribers).toEqual({ tick: 1 });

    view.rerender(withPool(<Toggle listening seen={seen} />));
    await flush();
    // The listener and the handler: two subscriptions on the same reading.
    expect(env.pool.inspect().connections[0]?.subscribers).toEqual({ tick: 2 });
    send({ price: 2 });
    await flush();
    expect(seen).toEqual([2]);
    expect(screen.getByTestId('toggle').textContent).toBe('2:2');

    view.rerender(withPool(<Toggle listening={false} seen={seen} />));
    await flush();
    expect(env.pool.inspect().connections[0]?.subscribers).toEqual({ tick: 1 });
    send({ price: 3 });
    await flush();
    expect(seen).toEqual([2]);
    expect(screen.getByTestId('toggle').textContent).toBe('3:3');
    expect(env.server.connections).toHaveLength(1);
    expect(env.server.connections[0]!.aborted).toBe(false);

    view.unmount();
    expect(env.pool.inspect().connections[0]?.refs).toBe(0);
  });

  it('stops calling onEvent on unmount, and follows the handle when the URL changes', async () => {
    const seen: string[] = [];
    const view = render(withPool(<Urls url={URL_A} seen={seen} />));
    const a = env.server.connections[0]!;
    a.open();
    a.send({ price: 1 }, { type: 'tick' });
    view.rerender(withPool(<Urls url={URL_B} seen={seen} />));
    const b = env.server.connections[1]!;
    b.open();
    a.send({ price: 2 }, { type: 'tick' });
    b.send({ price: 3 }, { type: 'tick' });
    await flush();
    expect(seen).toEqual([`${URL_A}:1`, `${URL_B}:3`]);
    view.unmount();
    b.send({ price: 4 }, { type: 'tick' });
    await flush();
    expect(seen).toEqual([`${URL_A}:1`, `${URL_B}:3`]);
    expect(env.pool.inspect().connections.every((c) => c.refs === 0)).toBe(true);
  });
});

describe('select', () => {
  it('follows a new select function, and the server snapshot is the empty one', async () => {
    const view = render(withPool(<Pick field="price" />));
    expect(screen.getByTestId('pick').textContent).toBe('-');
    env.server.current!.open();
    send({ price: 4, volume: 9 });
    await flush();
    expect(screen.getByTestId('pick').textContent).toBe('4');
    view.rerender(withPool(<Pick field="volume" />));
    expect(screen.getByTestId('pick').textContent).toBe('9');
  });
});

let inlineRenders = 0;
function InlineOptions(): ReactElement {
  inlineRenders++;
  const { data } = useSSEEvent('https://example.test/inline', 'tick', {
    headers: async () => ({ authorization: 'Bearer t' }),
    parse: (raw: string) => raw.toUpperCase(),
    schema: z.string(),
  });
  return <p>{data ?? '-'}</p>;
}

describe('inline functions', () => {
  it('keeps one stream and one reading when parse, schema and headers are inline', async () => {
    inlineRenders = 0;
    const view = render(
      <SSEProvider pool={env.pool}>
        <InlineOptions />
      </SSEProvider>,
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(env.server.connections).toHaveLength(1);
    act(() => {
      env.server.current?.open();
      env.server.current?.send('abc', { type: 'tick' });
    });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(view.container.textContent).toBe('ABC');
    expect(inlineRenders).toBeLessThan(6);
    expect(env.pool.inspect().connections).toHaveLength(1);
    expect(env.pool.inspect().connections[0]?.subscribers).toEqual({ tick: 1 });
    view.unmount();
  });
});

// One stable header function for every user, as an app keeps it in module scope.
const currentUserHeaders = async () => ({ authorization: 'Bearer current-user' });
function Feed({ user }: { user: string }): ReactElement {
  const { data } = useSSEEvent(URL_A, 'tick', {
    headers: currentUserHeaders,
    scope: user,
    parse: 'text',
  });
  return <p data-testid="feed">{data ?? '-'}</p>;
}

describe('identity', () => {
  it('switching the scope from alice to bob opens bob’s own stream, inside the linger delay', async () => {
    const view = render(withPool(<Feed user="alice" />));
    await flush();
    act(() => {
      env.server.current?.open();
      env.server.current?.send('for alice', { type: 'tick' });
    });
    await flush();
    expect(screen.getByTestId('feed').textContent).toBe('for alice');
    view.rerender(withPool(<Feed user="bob" />));
    await flush();
    expect(env.server.connections).toHaveLength(2);
    act(() => env.server.connections[0]?.send('alice again', { type: 'tick' }));
    await flush();
    expect(screen.getByTestId('feed').textContent).toBe('-');
    view.unmount();
  });
});

const never = new Promise<never>(() => {});

function Suspending({
  label,
  seen,
  suspend,
}: {
  label: string;
  seen: string[];
  suspend?: boolean;
}): ReactElement {
  useSSEEvent<Tick>(URL_A, 'tick', { onEvent: (tick) => seen.push(`${label}${tick.price}`) });
  if (suspend) use(never);
  return <p />;
}

describe('a render React discards', () => {
  it('never reaches the live subscription: events go to the committed onEvent', async () => {
    const seen: string[] = [];
    const view = render(
      withPool(
        <Suspense fallback={null}>
          <Suspending label="a" seen={seen} />
        </Suspense>,
      ),
    );
    env.server.current!.open();
    await flush();
    // A transition that suspends: React throws this render away and keeps the committed one.
    act(() =>
      startTransition(() =>
        view.rerender(
          withPool(
            <Suspense fallback={null}>
              <Suspending label="b" seen={seen} suspend />
            </Suspense>,
          ),
        ),
      ),
    );
    send({ price: 1 });
    await flush();
    expect(seen).toEqual(['a1']);
  });
});
