/**
 * Fault injection: each case drives one bad input against the pool over the fetch transport in
 * Node, on the real test SSE server, and checks what a user relies on:
 * - the status shows the right error (or none, when the fault is the app's own);
 * - every other subscriber keeps receiving, in order;
 * - nothing throws uncaught (the pool's `onError` receives what subscribers threw);
 * - the pool holds nothing once everything is released.
 *
 * Add a case to `faults`: a name, the stream's knobs, and what to inject.
 */
import {
  type ConnectionStatus,
  createPool,
  type Pool,
  type SourceHandle,
  type SourceInit,
  type SSEErrorKind,
} from '@ssekit/core';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { poolInternals } from '../../packages/core/src/pool';
import type { ChannelStats } from '../server/sse-server';

const serverUrl = inject('sseServerUrl');
// Real I/O on a possibly busy machine: wait generously, assert exactly.
const patience = { timeout: 15_000, interval: 20 };
let seq = 0;
const channel = (name: string): string => `fault-${name.replace(/\W+/g, '-')}-${++seq}`;
const stats = async (name: string): Promise<ChannelStats> =>
  (await fetch(`${serverUrl}/stats/${encodeURIComponent(name)}`)).json() as Promise<ChannelStats>;

/** What a case gets to work with. */
interface FaultContext {
  readonly pool: Pool;
  readonly source: SourceHandle;
  /** The stream's URL on the test server. */
  readonly url: string;
  /** Unsubscribes added here run before the pool is checked for emptiness. */
  readonly offs: Array<() => void>;
}

interface Fault {
  readonly name: string;
  /** Query knobs of the test server (see test/server/sse-server.ts). */
  readonly knobs?: string;
  readonly init?: SourceInit;
  /** Installs the fault: bad subscribers, bad inputs, an account switch… */
  inject(context: FaultContext): void | Promise<void>;
  /** The witness's source status once the fault ran. */
  readonly status: ConnectionStatus;
  /** `error.kind` on the source snapshot, or null. */
  readonly error: SSEErrorKind | null;
  /** How many subscriber exceptions reach `onError` at least. */
  readonly reported?: number;
}

const boom = (): never => {
  throw new Error('subscriber bug');
};

const faults: Fault[] = [
  {
    name: 'a throwing on() handler',
    inject: ({ source, offs }) => {
      offs.push(source.event('message').on(boom));
    },
    status: 'open',
    error: null,
    reported: 5,
  },
  {
    name: 'a throwing listen() listener on an event and on the source',
    inject: ({ source, offs }) => {
      offs.push(source.event('message').listen(boom), source.listen(boom));
    },
    status: 'open',
    error: null,
    reported: 2,
  },
  {
    name: 'a throwing source.on() handler for every type',
    inject: ({ source, offs }) => {
      offs.push(source.on(boom));
    },
    status: 'open',
    error: null,
    reported: 5,
  },
  {
    name: 'an event type named __proto__',
    knobs: 'types=message,__proto__',
    inject: async ({ pool, source, offs }) => {
      const proto: unknown[] = [];
      offs.push(source.event('__proto__').on((data) => proto.push(data)));
      await vi.waitFor(() => expect(proto.length).toBeGreaterThan(1), patience);
      const { subscribers } = pool.inspect().connections[0]!;
      expect(Object.keys(subscribers)).toContain('__proto__');
    },
    status: 'open',
    error: null,
  },
  {
    name: 'many URLs opened and released',
    inject: ({ pool, offs }) => {
      for (let i = 0; i < 500; i++) {
        offs.push(pool.source(`${serverUrl}/sse/${channel('many')}?count=1`).listen(() => {}));
      }
    },
    status: 'open',
    error: null,
  },
  {
    name: 'an account switch inside the linger delay',
    init: { scope: 'alice', headers: () => ({ authorization: 'Bearer alice' }) },
    inject: async ({ pool, url, offs }) => {
      const bob = pool.source(url, {
        scope: 'bob',
        headers: () => ({ authorization: 'Bearer bob' }),
      });
      const ids: string[] = [];
      offs.push(bob.event('message').on((_data, event) => ids.push(event.lastEventId)));
      await vi.waitFor(() => expect(ids.length).toBeGreaterThan(2), patience);
      const name = new URL(url).pathname.split('/').pop()!;
      const { requests } = await stats(name);
      expect(requests.map((r) => r.authorization)).toEqual(['Bearer alice', 'Bearer bob']);
    },
    status: 'open',
    error: null,
  },
];

let pool: Pool | undefined;
afterEach(() => {
  pool?.reset();
  pool = undefined;
});

describe('fault injection: one fault never reaches anyone else', () => {
  it.each(faults)(
    '$name',
    async (fault) => {
      const reported: unknown[] = [];
      pool = createPool({
        connectOnServer: true,
        transport: 'fetch',
        lingerMs: 0,
        warnings: false,
        retry: { initialDelayMs: 20, maxDelayMs: 100 },
        onError: (error) => reported.push(error),
      });
      const name = channel(fault.name);
      const url = `${serverUrl}/sse/${name}?count=inf&interval=10${fault.knobs ? `&${fault.knobs}` : ''}`;
      const source = pool.source(url, fault.init);
      // The witness subscribes first, so a broken subscriber after it cannot hide a failure.
      const witness: number[] = [];
      const offs = [
        source.event<{ n: number }>('message').on((data) => witness.push(data.n)),
        source.listen(() => {}),
      ];
      await vi.waitFor(() => expect(witness.length).toBeGreaterThan(0), patience);
      await fault.inject({ pool, source, url, offs });
      const seen = witness.length;
      await vi.waitFor(() => expect(witness.length).toBeGreaterThan(seen + 5), patience);

      expect(source.get().status).toBe(fault.status);
      expect(source.get().error?.kind ?? null).toBe(fault.error);
      // In order, nothing repeated (types rotate, so the witness sees every other id at most).
      expect(witness).toEqual([...witness].sort((a, b) => a - b));
      expect(new Set(witness).size).toBe(witness.length);
      expect(reported.length).toBeGreaterThanOrEqual(fault.reported ?? 0);
      if (!fault.reported) expect(reported).toEqual([]);

      for (const off of offs) off();
      expect(poolInternals(pool)).toEqual({ connections: 0, handles: 0, recent: 0 });
    },
    60_000,
  );
});
