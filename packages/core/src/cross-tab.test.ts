/**
 * Cross-tab sharing with several pools in one process, each one a "tab" of a fake browser whose
 * Web Locks and BroadcastChannel they share. The test transport plays the server for the leader.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CrossTabChannel } from './cross-tab';
import type { ReceivedEvent, SourceHandle } from './index';
import { createPlatform, type Platform } from './platform';
import { createPool, type Pool, type PoolOptions, type SourceInit } from './pool';
import { createTestTransport, type TestTransport } from './testing';

const URL_A = 'https://example.test/stream';

const abortError = (): DOMException => new DOMException('The request was aborted.', 'AbortError');

interface LockRequest {
  readonly tab: FakeTab;
  readonly name: string;
  readonly callback: (lock: Lock | null) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  stolen: boolean;
}

/** One tab of the fake browser: its view of Web Locks, its channels, its page lifecycle. */
interface FakeTab {
  readonly locks: Pick<LockManager, 'request'>;
  readonly BroadcastChannel: new (name: string) => CrossTabChannel;
  readonly lifecycle: EventTarget;
  /** Lock requests this tab made, by kind. */
  readonly requests: string[];
  /** Channels this tab opened, and how many are still open. */
  channelsOpened: number;
  readonly open: Set<CrossTabChannel>;
  /** While true, nothing this tab posts reaches anyone (a wedged, frozen tab). */
  silent: boolean;
  /** While true, nothing posted reaches this tab. */
  deaf: boolean;
  /** While true, this tab's steal requests are never granted (a steal that does not help). */
  stealsHang: boolean;
  /** The tab's process dies: its locks are freed, its channels vanish, its code never runs again. */
  crash(): void;
  dead: boolean;
}

/** Web Locks and BroadcastChannel as one browser profile implements them, for several tabs. */
function createFakeBrowser() {
  const holders = new Map<string, LockRequest>();
  const queues = new Map<string, LockRequest[]>();
  const channels = new Set<{ name: string; tab: FakeTab; deliver: (data: unknown) => void }>();
  const posted: Array<{ name: string; data: unknown }> = [];

  const pump = (name: string): void => {
    if (holders.has(name)) return;
    const next = queues.get(name)?.shift();
    if (next) grant(next);
  };
  const grant = (request: LockRequest): void => {
    holders.set(request.name, request);
    queueMicrotask(async () => {
      let result: unknown;
      try {
        result = await request.callback({ name: request.name, mode: 'exclusive' } as Lock);
      } finally {
        if (holders.get(request.name) === request) {
          holders.delete(request.name);
          pump(request.name);
        }
      }
      if (!request.stolen) request.resolve(result);
    });
  };

  const tab = (): FakeTab => {
    const self: FakeTab = {
      locks: {
        request(name: string, options: LockOptions, callback: (lock: Lock | null) => unknown) {
          return new Promise((resolve, reject) => {
            if (self.dead) return; // a dead tab's code does not run
            const request: LockRequest = {
              tab: self,
              name,
              callback,
              resolve,
              reject,
              stolen: false,
            };
            const queue = queues.get(name) ?? [];
            queues.set(name, queue);
            if (options.steal) {
              self.requests.push('steal');
              if (self.stealsHang) return;
              const holder = holders.get(name);
              if (holder) {
                holder.stolen = true;
                holders.delete(name);
                holder.reject(abortError());
              }
              grant(request);
            } else if (options.ifAvailable) {
              self.requests.push('try');
              if (holders.has(name) || queue.length > 0) {
                Promise.resolve(callback(null)).then(resolve, reject);
              } else {
                grant(request);
              }
            } else {
              self.requests.push('wait');
              if (options.signal?.aborted) return reject(abortError());
              queue.push(request);
              options.signal?.addEventListener('abort', () => {
                const at = queue.indexOf(request);
                if (at < 0) return;
                queue.splice(at, 1);
                reject(abortError());
              });
              pump(name);
            }
          });
        },
      } as unknown as Pick<LockManager, 'request'>,
      BroadcastChannel: class {
        onmessage: CrossTabChannel['onmessage'] = null;
        private readonly entry;
        constructor(readonly name: string) {
          self.channelsOpened++;
          self.open.add(this);
          this.entry = {
            name,
            tab: self,
            deliver: (data: unknown) =>
              this.onmessage?.call(this as never, new MessageEvent('message', { data })),
          };
          channels.add(this.entry);
        }
        postMessage(data: unknown): void {
          if (self.dead || self.silent) return;
          posted.push({ name: this.name, data: structuredClone(data) });
          for (const other of channels) {
            if (other === this.entry || other.name !== this.name) continue;
            const copy = structuredClone(data);
            // A task per message, in order, as browsers deliver them.
            setImmediate(
              () =>
                channels.has(other) && !other.tab.dead && !other.tab.deaf && other.deliver(copy),
            );
          }
        }
        close(): void {
          channels.delete(this.entry);
          self.open.delete(this);
        }
      },
      lifecycle: new EventTarget(),
      requests: [],
      channelsOpened: 0,
      open: new Set(),
      silent: false,
      deaf: false,
      stealsHang: false,
      dead: false,
      crash() {
        self.dead = true;
        for (const c of [...channels]) if (c.tab === self) channels.delete(c);
        for (const [name, holder] of holders) {
          if (holder.tab !== self) continue;
          holders.delete(name);
          pump(name);
        }
        for (const queue of queues.values()) {
          for (const r of [...queue]) if (r.tab === self) queue.splice(queue.indexOf(r), 1);
        }
      },
    };
    return self;
  };

  return {
    tab,
    posted,
    /** Names of every lock held right now. */
    held: () => [...holders.keys()],
  };
}

/** One clock for every tab; timers run only when the test advances it. */
function createClock() {
  let now = 1_700_000_000_000;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    platform(overrides: Partial<Platform> = {}): Platform {
      return createPlatform({
        isServer: false,
        now: () => now,
        random: () => 0.5,
        setTimeout: (fn, ms) => {
          timers.set(++nextId, { at: now + ms, fn });
          return nextId;
        },
        clearTimeout: (id) => timers.delete(id as number),
        isOnline: () => true,
        onOnlineChange: () => () => {},
        onVisibilityChange: () => () => {},
        ...overrides,
      });
    },
    /** Moves time forward, running every timer due on the way, and lets messages land. */
    async advance(ms: number): Promise<void> {
      const end = now + ms;
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers)
          if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

/** Lets queued tasks run (channel messages, lock grants, hashing): no time passes on the clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface Tab {
  readonly pool: Pool;
  readonly source: SourceHandle;
  readonly fake: FakeTab;
  /** Ids of the `tick` events this tab's subscribers received, in order. */
  readonly ids: string[];
  visible: boolean;
  role(): string;
}

let pools: Pool[] = [];
afterEach(() => {
  for (const pool of pools) pool.dispose();
  pools = [];
  vi.restoreAllMocks();
});

function setup() {
  const browser = createFakeBrowser();
  const clock = createClock();
  const server = createTestTransport();
  const open = (init: SourceInit = {}, options: PoolOptions = {}): Tab => {
    const fake = browser.tab();
    let visible = true;
    const pool = createPool({
      transport: server.transport,
      platform: clock.platform({ isVisible: () => visible }),
      lingerMs: 0,
      retry: { initialDelayMs: 1000 },
      crossTab: {
        locks: fake.locks,
        BroadcastChannel: fake.BroadcastChannel,
        lifecycle: fake.lifecycle,
        // The test transport is a custom Transport, which another tab cannot compare: tabs
        // share it only under a scope.
        scope: 'user-1',
      },
      ...options,
    });
    pools.push(pool);
    const source = pool.source(URL_A, init);
    const ids: string[] = [];
    source
      .event('tick', { parse: 'text' })
      .on((_data, event: ReceivedEvent) => ids.push(event.lastEventId));
    return {
      pool,
      source,
      fake,
      ids,
      role: () => source.get().role,
      get visible() {
        return visible;
      },
      set visible(value) {
        visible = value;
      },
    };
  };
  return { browser, clock, server, open };
}

/** Opens tabs one after the other, each elected before the next one opens. */
async function openTabs(
  ctx: ReturnType<typeof setup>,
  n: number,
  init: SourceInit = {},
): Promise<Tab[]> {
  const tabs: Tab[] = [];
  for (let i = 0; i < n; i++) {
    const tab = ctx.open(init);
    await vi.waitFor(() => expect(tab.role()).not.toBe('local'));
    tabs.push(tab);
  }
  return tabs;
}

const sendTicks = (server: TestTransport, from: number, to: number): void => {
  for (let n = from; n <= to; n++) server.current?.send(`tick ${n}`, { type: 'tick', id: `${n}` });
};
const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${from + i}`);

/** A leader's `tick` event as it goes over the channel, stamped with `epoch` and `seq`. */
const eventMessage = (
  stamp: { epoch: number; seq: number },
  data: string,
  lastEventId: string,
): object => ({ version: 2, kind: 'event', ...stamp, event: { type: 'tick', data, lastEventId } });

describe('cross-tab sharing', () => {
  it('runs one connection for three tabs: one leader, two followers that get every event', async () => {
    const ctx = setup();
    const [a, b, c] = await openTabs(ctx, 3);
    expect([a!.role(), b!.role(), c!.role()]).toEqual(['leader', 'follower', 'follower']);
    expect(ctx.server.connections).toHaveLength(1);

    ctx.server.current!.open();
    await vi.waitFor(() => {
      for (const tab of [a, b, c]) expect(tab!.source.get().status).toBe('open');
    });
    sendTicks(ctx.server, 1, 5);
    await vi.waitFor(() => {
      for (const tab of [a, b, c]) expect(tab!.ids).toEqual(range(1, 5));
    });
    // Each tab parses for its own subscribers, from the raw text it was relayed.
    expect(c!.source.event('tick', { parse: 'text' }).get().data).toBe('tick 5');
    expect(c!.pool.inspect().connections[0]).toMatchObject({ role: 'follower', lastEventId: '5' });
    expect(ctx.server.connections).toHaveLength(1);
  });

  it('takes one lock request and one channel per tab, however many subscribers and attempts', async () => {
    const ctx = setup();
    const [a, b] = await openTabs(ctx, 2);
    const offs = Array.from({ length: 50 }, (_, i) =>
      b!.source.event(`t${i % 5}`).listen(() => {}),
    );
    ctx.server.current!.open();
    for (let i = 0; i < 3; i++) {
      ctx.server.current!.drop();
      await ctx.clock.advance(30_000);
      ctx.server.current!.open();
    }
    await settle();
    expect(a!.fake.requests).toEqual(['try']);
    expect(a!.fake.channelsOpened).toBe(1);
    expect(b!.fake.requests).toEqual(['try', 'wait']);
    expect(b!.fake.channelsOpened).toBe(1);
    for (const off of offs) off();
  });

  it('listens to the types followers subscribe to, even when the leader does not', async () => {
    const ctx = setup();
    const [, b] = await openTabs(ctx, 2);
    const news: string[] = [];
    b!.source.event('news', { parse: 'text' }).on((data) => news.push(data));
    await vi.waitFor(() => expect(ctx.server.current!.types.has('news')).toBe(true));
    ctx.server.current!.open();
    ctx.server.current!.send('extra!', { type: 'news', id: '1' });
    await vi.waitFor(() => expect(news).toEqual(['extra!']));
  });

  it('names lock and channel by a hash of the key and never sends header values', async () => {
    const ctx = setup();
    // One after the other: opened at once, either tab may win the election.
    const [a, b] = await openTabs(ctx, 2, { headers: { authorization: 'Bearer secret-token' } });
    expect(b!.role()).toBe('follower');
    ctx.server.current!.open();
    ctx.server.current!.send('x', { type: 'tick', id: '1' });
    await vi.waitFor(() => expect(b!.ids).toEqual(['1']));
    expect(a!.role()).toBe('leader');
    const names = new Set(ctx.browser.posted.map((p) => p.name));
    expect([...names]).toEqual([expect.stringMatching(/^ssekit:2:[0-9a-f]{64}$/)]);
    expect(ctx.browser.held()).toEqual([...names]);
    expect(JSON.stringify(ctx.browser.posted)).not.toContain('secret');
  });

  it('drops messages from an older leader and repeated sequence numbers', async () => {
    const ctx = setup();
    const [a, b] = await openTabs(ctx, 2);
    ctx.server.current!.open();
    sendTicks(ctx.server, 1, 2);
    await vi.waitFor(() => expect(b!.ids).toEqual(['1', '2']));
    const name = ctx.browser.posted[0]!.name;
    const last = [...ctx.browser.posted]
      .reverse()
      .find((p) => (p.data as { kind: string }).kind === 'event')!;
    const { epoch, seq } = last.data as { epoch: number; seq: number };

    a!.fake.deaf = true; // only the follower's checks are under test
    const intruder = new (ctx.browser.tab().BroadcastChannel)(name);
    intruder.postMessage(last.data); // the same message again
    intruder.postMessage(eventMessage({ epoch, seq: seq - 1 }, 'old', '0'));
    intruder.postMessage(eventMessage({ epoch: epoch - 1, seq: seq + 5 }, 'stale', '9'));
    intruder.postMessage({ ...eventMessage({ epoch: epoch + 1, seq: 1 }, 'v3', '8'), version: 3 });
    await settle();
    a!.fake.deaf = false;
    sendTicks(ctx.server, 3, 3);
    await vi.waitFor(() => expect(b!.ids).toEqual(['1', '2', '3']));
    expect(a!.role()).toBe('leader');
    intruder.close();
  });

  it('hands over when the leader leaves: a follower leads and resumes from the last id it saw', async () => {
    const ctx = setup();
    const [a, b, c] = await openTabs(ctx, 3);
    ctx.server.current!.open();
    sendTicks(ctx.server, 1, 3);
    await vi.waitFor(() => expect(c!.ids).toEqual(range(1, 3)));

    a!.pool.dispose(); // last subscriber gone: the leader releases
    expect(ctx.server.connections[0]!.aborted).toBe(true);
    await vi.waitFor(() => expect(ctx.server.connections).toHaveLength(2));
    expect(ctx.server.connections[1]!.lastEventId).toBe('3');
    expect(b!.role()).toBe('leader');
    expect(c!.role()).toBe('follower');

    ctx.server.current!.open();
    sendTicks(ctx.server, 4, 6);
    await vi.waitFor(() => {
      for (const tab of [b, c]) expect(tab!.ids).toEqual(range(1, 6));
    });
    expect(a!.fake.open.size).toBe(0);
    expect(ctx.browser.held()).toHaveLength(1);
  });

  it('survives a leader tab that crashes: nothing lost, nothing repeated', async () => {
    const ctx = setup();
    const [a, b, c] = await openTabs(ctx, 3);
    ctx.server.current!.open();
    sendTicks(ctx.server, 1, 4);
    await vi.waitFor(() => expect(c!.ids).toEqual(range(1, 4)));

    a!.fake.crash();
    const old = ctx.server.connections[0]!;
    old.send('lost with the tab', { type: 'tick', id: '5' }); // reached the dead tab only
    await vi.waitFor(() => expect(ctx.server.connections).toHaveLength(2));
    const resumed = ctx.server.connections[1]!;
    expect(resumed.lastEventId).toBe('4');
    resumed.open();
    for (let n = 5; n <= 7; n++) resumed.send(`tick ${n}`, { type: 'tick', id: `${n}` });
    await vi.waitFor(() => {
      for (const tab of [b, c]) expect(tab!.ids).toEqual(range(1, 7));
    });
    expect([b!.role(), c!.role()].sort()).toEqual(['follower', 'leader']);
  });

  it('gives a tab that joins mid-stream the live events, not the history', async () => {
    const ctx = setup();
    const [a] = await openTabs(ctx, 1);
    ctx.server.current!.open();
    sendTicks(ctx.server, 1, 3);
    await vi.waitFor(() => expect(a!.ids).toEqual(range(1, 3)));
    const [late] = await openTabs(ctx, 1);
    await vi.waitFor(() => expect(late!.source.get().status).toBe('open'));
    sendTicks(ctx.server, 4, 5);
    await vi.waitFor(() => expect(late!.ids).toEqual(['4', '5']));
    expect(ctx.server.connections).toHaveLength(1);
  });

  it('gives a follower that closed and reconnected the events it missed meanwhile', async () => {
    const ctx = setup();
    const [, b] = await openTabs(ctx, 2);
    ctx.server.current!.open();
    sendTicks(ctx.server, 1, 2);
    await vi.waitFor(() => expect(b!.ids).toEqual(['1', '2']));
    b!.source.close();
    sendTicks(ctx.server, 3, 4);
    await settle();
    expect(b!.ids).toEqual(['1', '2']);
    b!.source.reconnect(); // resumes from id 2, as a local connection would with Last-Event-ID
    sendTicks(ctx.server, 5, 5);
    await vi.waitFor(() => expect(b!.ids).toEqual(range(1, 5)));
    expect(ctx.server.connections).toHaveLength(1);
  });

  it("mirrors the leader's trouble: reconnecting while it retries, closed when it gives up", async () => {
    const ctx = setup();
    const [, b] = await openTabs(ctx, 2);
    ctx.server.current!.open();
    await vi.waitFor(() => expect(b!.source.get().status).toBe('open'));

    ctx.server.current!.fail({ kind: 'http', status: 503, message: 'Service Unavailable' });
    await vi.waitFor(() =>
      expect(b!.source.get()).toMatchObject({
        status: 'reconnecting',
        error: { kind: 'http', status: 503 },
      }),
    );
    await ctx.clock.advance(1000); // the leader's backoff (followers never connect themselves)
    expect(ctx.server.connections).toHaveLength(2);
    ctx.server.current!.open();
    await vi.waitFor(() => expect(b!.source.get()).toMatchObject({ status: 'open', error: null }));

    ctx.server.current!.fail({ kind: 'http', status: 401, message: 'Unauthorized' });
    await vi.waitFor(() =>
      expect(b!.source.get()).toMatchObject({
        status: 'closed',
        error: { kind: 'http', status: 401 },
        retry: { gaveUp: true },
      }),
    );
    expect(ctx.server.connections).toHaveLength(2);
  });

  it('hands the stream to a tab that still wants it when the leader tab closes its source', async () => {
    const ctx = setup();
    const [a, b] = await openTabs(ctx, 2);
    ctx.server.current!.open();
    sendTicks(ctx.server, 1, 2);
    await vi.waitFor(() => expect(b!.ids).toEqual(['1', '2']));

    a!.source.close();
    await vi.waitFor(() => expect(ctx.server.connections).toHaveLength(2));
    expect(ctx.server.connections[1]!.lastEventId).toBe('2');
    expect(b!.role()).toBe('leader');
    expect(a!.source.get().status).toBe('closed');
  });

  it('lets go of the lock on pagehide (back/forward cache) and takes part again on pageshow', async () => {
    const ctx = setup();
    const [a, b] = await openTabs(ctx, 2);
    ctx.server.current!.open();
    sendTicks(ctx.server, 1, 2);
    await vi.waitFor(() => expect(b!.ids).toEqual(['1', '2']));

    a!.fake.lifecycle.dispatchEvent(new Event('pagehide'));
    await vi.waitFor(() => expect(b!.role()).toBe('leader'));
    expect(a!.role()).toBe('follower');
    expect(ctx.server.connections[0]!.aborted).toBe(true);
    expect(ctx.server.connections[1]!.lastEventId).toBe('2');
    const waits = a!.fake.requests.length;
    await settle();
    expect(a!.fake.requests).toHaveLength(waits); // no request while hidden

    a!.fake.lifecycle.dispatchEvent(new Event('pageshow'));
    ctx.server.current!.open();
    sendTicks(ctx.server, 3, 4);
    await vi.waitFor(() => expect(a!.ids).toEqual(range(1, 4)));
    expect(a!.role()).toBe('follower');
    expect(ctx.server.connections).toHaveLength(2);
  });

  it('lets a visible follower take the lock from a silent leader; hidden ones wait', async () => {
    const ctx = setup();
    const [a, b, c] = await openTabs(ctx, 3);
    b!.visible = false;
    c!.visible = false;
    ctx.server.current!.open();
    sendTicks(ctx.server, 1, 2);
    await vi.waitFor(() => expect(b!.ids).toEqual(['1', '2']));

    a!.fake.silent = true; // wedged: holds the lock, says nothing
    await ctx.clock.advance(60_000);
    expect([...b!.fake.requests, ...c!.fake.requests]).not.toContain('steal');
    b!.visible = true;
    await ctx.clock.advance(5_000);
    await vi.waitFor(() => expect(b!.role()).toBe('leader'));
    expect(b!.fake.requests.filter((r) => r === 'steal')).toHaveLength(1);
    expect(c!.fake.requests).not.toContain('steal');
    expect(ctx.server.connections.at(-1)!.lastEventId).toBe('2');
    // The old leader learns it lost the lock and stops its own connection.
    await vi.waitFor(() => expect(a!.role()).toBe('follower'));
    expect(ctx.server.connections[0]!.aborted).toBe(true);

    a!.fake.silent = false;
    ctx.server.current!.open();
    sendTicks(ctx.server, 3, 3);
    await vi.waitFor(() => {
      for (const tab of [a, b, c]) expect(tab!.ids).toEqual(range(1, 3));
    });
    await ctx.clock.advance(120_000); // a healthy leader beats: nobody steals again
    expect([a, b, c].flatMap((t) => t!.fake.requests).filter((r) => r === 'steal')).toHaveLength(1);
  });

  it('steals at most once per stealAfterMs, so a steal that does not help cannot storm', async () => {
    const ctx = setup();
    const [a, b] = await openTabs(ctx, 2);
    const steals = (): number => b!.fake.requests.filter((r) => r === 'steal').length;
    a!.fake.silent = true;
    b!.fake.stealsHang = true;
    await ctx.clock.advance(35_000); // beats every 5 s; silence reaches 30 s at the 6th
    expect(steals()).toBe(1);
    await ctx.clock.advance(24_000);
    expect(steals()).toBe(1);
    await ctx.clock.advance(2_000);
    expect(steals()).toBe(2);
  });

  it('releases everything when the last subscriber leaves: no lock, no request, no channel', async () => {
    const ctx = setup();
    const [a, b] = await openTabs(ctx, 2);
    b!.pool.dispose();
    a!.pool.dispose();
    await settle();
    expect(ctx.browser.held()).toEqual([]);
    expect(a!.fake.open.size + b!.fake.open.size).toBe(0);
  });

  it('stays local where Web Locks are missing: one connection per tab', async () => {
    const ctx = setup();
    const noLocks = {
      crossTab: { BroadcastChannel: ctx.browser.tab().BroadcastChannel, scope: 'user-1' },
    };
    const a = ctx.open({}, noLocks);
    const b = ctx.open({}, noLocks);
    await vi.waitFor(() => expect(ctx.server.connections).toHaveLength(2));
    // Either tab may connect first: open both connections.
    for (const connection of ctx.server.connections) connection.open();
    await vi.waitFor(() => expect(a.source.get().status).toBe('open'));
    await vi.waitFor(() => expect(b.source.get().status).toBe('open'));
    expect(a.role()).toBe('local');
    expect(b.role()).toBe('local');
  });

  it('connects on its own when Web Locks refuse (an opaque-origin frame)', async () => {
    const ctx = setup();
    const fake = ctx.browser.tab();
    const refusing = {
      request: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')),
    } as unknown as Pick<LockManager, 'request'>;
    const a = ctx.open(
      {},
      { crossTab: { locks: refusing, BroadcastChannel: fake.BroadcastChannel, scope: 'user-1' } },
    );
    await vi.waitFor(() => expect(a.source.get().status).toBe('reconnecting'));
    expect(ctx.server.connections).toHaveLength(0);
    expect(fake.open.size).toBe(0); // the channel it opened is closed again
    await ctx.clock.advance(1000);
    expect(ctx.server.connections).toHaveLength(1);
    ctx.server.current!.open();
    await vi.waitFor(() => expect(a.source.get()).toMatchObject({ status: 'open', role: 'local' }));
  });

  it('keeps a source another tab cannot compare local unless a scope says whose it is', async () => {
    const ctx = setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const token = async () => ({ authorization: 'Bearer t' });
    const fake = ctx.browser.tab();
    const unscoped = {
      crossTab: { locks: fake.locks, BroadcastChannel: fake.BroadcastChannel },
    };
    const a = ctx.open({ headers: token }, unscoped);
    const b = ctx.open({ headers: token }, unscoped);
    await vi.waitFor(() => expect(ctx.server.connections).toHaveLength(2));
    expect([a.role(), b.role()]).toEqual(['local', 'local']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('scope'));

    const c = ctx.open({ headers: token, crossTab: { scope: 'user-1' } });
    const d = ctx.open({
      headers: async () => ({ authorization: 'Bearer t' }),
      crossTab: { scope: 'user-1' },
    });
    await vi.waitFor(() => expect([c.role(), d.role()].sort()).toEqual(['follower', 'leader']));
    expect(ctx.server.connections).toHaveLength(3);
  });
});
