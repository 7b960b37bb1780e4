import { getDefaultPool, type Pool } from '@ssekit/core';
import { withTestPool } from '@ssekit/core/test-support';
import { act, cleanup, render, screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SSEProvider } from './SSEProvider';
import { useSSEEvent } from './useSSEEvent';
import { useSSEPool } from './useSSEPool';

const URL_A = 'https://example.test/a';

const env = withTestPool();
let seenPool: Pool | undefined;

beforeEach(() => {
  seenPool = undefined;
});
afterEach(() => {
  cleanup();
});

const flush = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms));

function Text({ enabled }: { enabled?: boolean }): ReactElement {
  seenPool = useSSEPool();
  const { data } = useSSEEvent(URL_A, 'note', { parse: 'text', enabled });
  return <p data-testid="text">{data ?? '-'}</p>;
}

describe('SSEProvider', () => {
  it('hands its pool down, through nested providers', async () => {
    render(
      <SSEProvider pool={env.pool}>
        <SSEProvider options={{ buffer: 2 }}>
          <Text />
        </SSEProvider>
      </SSEProvider>,
    );
    expect(seenPool).toBe(env.pool);
    expect(env.server.connections).toHaveLength(1);
    env.server.current!.open();
    env.server.current!.send('hello', { type: 'note' });
    await flush();
    expect(screen.getByTestId('text').textContent).toBe('hello');
  });

  it("hands default options down; a hook's own options win", async () => {
    const view = render(
      <SSEProvider pool={env.pool} options={{ enabled: false }}>
        <Text />
      </SSEProvider>,
    );
    await flush(5000);
    expect(env.server.connections).toHaveLength(0);

    view.rerender(
      <SSEProvider pool={env.pool} options={{ enabled: false }}>
        <Text enabled />
      </SSEProvider>,
    );
    expect(env.server.connections).toHaveLength(1);
  });

  it('without a provider, the hooks use the default pool', () => {
    render(<Text enabled={false} />);
    expect(seenPool).toBe(getDefaultPool());
  });
});

describe('usePool (0.1)', () => {
  it('is still exported, as the same function as useSSEPool', async () => {
    const { usePool, useSSEPool: exported } = await import('./index');
    expect(usePool).toBe(exported);
    expect(exported).toBe(useSSEPool);
  });
});
