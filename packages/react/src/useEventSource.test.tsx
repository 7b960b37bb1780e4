import type { SourceTarget } from '@ssekit/core';
import { withTestPool } from '@ssekit/core/test-support';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SSEProvider } from './SSEProvider';
import { type UseEventSourceResult, useEventSource } from './useEventSource';

const URL_A = 'https://example.test/a';

const env = withTestPool({ retry: { initialDelayMs: 1000 } });
const results: UseEventSourceResult[] = [];

beforeEach(() => {
  // Deterministic backoff: the top of the jitter range.
  vi.spyOn(Math, 'random').mockReturnValue(0.999);
  results.length = 0;
});
afterEach(() => {
  cleanup();
});

const flush = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms));

function Status({
  target = URL_A,
  tag = '',
}: {
  target?: SourceTarget;
  tag?: string;
}): ReactElement {
  const source = useEventSource(target);
  results.push(source);
  return (
    <div>
      <p data-testid="status">{`${source.status}#${source.retry.attempt}${tag}`}</p>
      <button type="button" onClick={source.reconnect}>
        reconnect
      </button>
      <button type="button" onClick={source.close}>
        close
      </button>
    </div>
  );
}

const status = (): string | null => screen.getByTestId('status').textContent;

describe('useEventSource', () => {
  it('follows the stream: connecting, open, reconnecting with backoff, open again', async () => {
    render(
      <SSEProvider pool={env.pool}>
        <Status />
      </SSEProvider>,
    );
    expect(status()).toBe('connecting#0');

    env.server.current!.open();
    env.server.current!.send({ n: 1 }, { type: 'tick', id: '7' });
    await flush();
    expect(status()).toBe('open#0');

    env.server.current!.drop();
    await flush();
    expect(status()).toBe('reconnecting#1');
    expect(results.at(-1)!.retry.delayMs).toBeGreaterThan(0);

    await flush(results.at(-1)!.retry.delayMs!);
    expect(env.server.connections).toHaveLength(2);
    expect(env.server.current!.lastEventId).toBe('7');
    env.server.current!.open();
    await flush();
    expect(status()).toBe('open#0');
  });

  it('reconnect() starts a new attempt from the last id; close() closes for good', async () => {
    render(
      <SSEProvider pool={env.pool}>
        <Status />
      </SSEProvider>,
    );
    env.server.current!.open();
    env.server.current!.send('x', { type: 'tick', id: '3' });
    await flush();

    fireEvent.click(screen.getByText('reconnect'));
    await flush();
    expect(env.server.connections).toHaveLength(2);
    expect(env.server.connections[0]!.aborted).toBe(true);
    expect(env.server.current!.lastEventId).toBe('3');

    fireEvent.click(screen.getByText('close'));
    await flush(60_000);
    expect(status()).toBe('closed#0');
    expect(env.server.current).toBeUndefined();
  });

  it('keeps the returned object while nothing changed, and accepts a handle', async () => {
    const handle = env.pool.source(URL_A);
    const view = render(
      <SSEProvider pool={env.pool}>
        <Status target={handle} />
      </SSEProvider>,
    );
    env.server.current!.open();
    await flush();
    view.rerender(
      <SSEProvider pool={env.pool}>
        <Status target={handle} tag="!" />
      </SSEProvider>,
    );
    expect(status()).toBe('open#0!');
    // Same snapshot → same object: safe in effect dependencies.
    expect(results.at(-1)).toBe(results.at(-2));
    expect(env.server.connections).toHaveLength(1);
  });

  it('returns a new object with the new controls when the stream changes', async () => {
    const view = render(
      <SSEProvider pool={env.pool}>
        <Status />
      </SSEProvider>,
    );
    const first = results.at(-1)!;
    view.rerender(
      <SSEProvider pool={env.pool}>
        <Status target="https://example.test/b" />
      </SSEProvider>,
    );
    const second = results.at(-1)!;
    expect(second).not.toBe(first);
    expect(env.server.connections.map((c) => c.url)).toEqual([URL_A, 'https://example.test/b']);
    act(() => second.close());
    expect(env.server.connections[1]!.aborted).toBe(true);
    expect(env.server.connections[0]!.aborted).toBe(false);
  });
});
