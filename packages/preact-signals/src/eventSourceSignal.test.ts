import { effect } from '@preact/signals-core';
import { createPlatform, createPool, type Pool, type SourceSnapshot } from '@ssekit/core';
import { createTestTransport, type TestTransport } from '@ssekit/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventSourceSignal } from './eventSourceSignal';
import { sseEventSignal } from './sseEventSignal';

const URL_A = 'https://example.test/a';

let server: TestTransport;
let pool: Pool;

beforeEach(() => {
  vi.useFakeTimers();
  server = createTestTransport();
  pool = createPool({ transport: server.transport, lingerMs: 1000 });
});
afterEach(() => {
  pool.dispose();
  vi.useRealTimers();
});

describe('eventSourceSignal', () => {
  it('follows the status while watched: connecting, open, reconnecting', async () => {
    const source = eventSourceSignal(URL_A, { pool });
    const seen: SourceSnapshot['status'][] = [];
    const dispose = effect(() => {
      seen.push(source.value.status);
    });
    server.current?.open();
    await vi.advanceTimersByTimeAsync(0);
    server.current?.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['connecting', 'open', 'reconnecting']);
    expect(source.value.retry.attempt).toBe(1);
    dispose();
  });

  it('shares one connection with the event signals of the same URL', () => {
    const disposers = [
      effect(() => void eventSourceSignal(URL_A, { pool }).value),
      effect(() => void sseEventSignal(URL_A, 'tick', { pool }).value),
    ];
    expect(server.connections).toHaveLength(1);
    for (const dispose of disposers) dispose();
  });

  it('opens nothing on a server, even when watched', () => {
    const serverPool = createPool({
      transport: server.transport,
      platform: createPlatform({ isServer: true }),
    });
    const source = eventSourceSignal(URL_A, { pool: serverPool });
    const ticks = sseEventSignal(URL_A, 'tick', { pool: serverPool });
    let rendered = '';
    const dispose = effect(() => {
      rendered = `${source.value.status} ${String(ticks.value.data)}`;
    });
    expect(rendered).toBe('idle undefined');
    expect(server.connections).toHaveLength(0);
    dispose();
  });
});
