/**
 * Cross-tab sharing in real Chromium: several pages of one browser context (tabs of one
 * profile) served from 127.0.0.1 (a secure context, so Web Locks and BroadcastChannel exist),
 * against the real test SSE server on another port (`cors=*`).
 *
 * The page script is the core's source bundled by esbuild into one file; it exposes a small test
 * API on `window.ssekit` that records the id of every event the page's subscribers receive.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { ChannelStats } from '../server/sse-server';
import { chromiumLaunchOptions } from '../support/chromium';

const sseUrl = inject('sseServerUrl');
const coreSrc = fileURLToPath(new URL('../../packages/core/src/', import.meta.url));

/** What each page exposes; `ids` are the event ids its subscribers received, in order. */
interface PageState {
  readonly ids: number[];
  /** Epoch ms at which each id arrived. */
  readonly at: number[];
  readonly role: string;
  readonly status: string;
}
/** Where a tab's identity lives, in a form another tab cannot compare. */
type IdentityKind = 'custom fetch' | 'header function' | 'non-string body' | 'cookie';
declare global {
  interface Window {
    ssekit: {
      start(url: string, crossTab: boolean): void;
      startAs(url: string, user: string, kind: IdentityKind, scope?: string): void;
      state(): PageState;
    };
  }
}

const PAGE_SCRIPT = `
import { createPool } from './index';
const ids = [];
const at = [];
let source;
window.ssekit = {
  start(url, crossTab) {
    const pool = createPool({ crossTab, warnings: false });
    source = pool.source(url);
    source.listen(() => {});
    source.event('message').on((_data, event) => {
      ids.push(Number(event.lastEventId));
      at.push(Date.now());
    });
  },
  // The identity is in something only this tab can see: the pool must not share it.
  startAs(url, user, kind, scope) {
    const init =
      kind === 'custom fetch'
        ? {
            transport: 'fetch',
            fetch: (input, options) => {
              const headers = new Headers(options?.headers);
              headers.set('authorization', 'Bearer ' + user);
              return fetch(input, { ...options, headers });
            },
          }
        : kind === 'header function'
          ? { headers: () => ({ authorization: 'Bearer ' + user }) }
          : kind === 'non-string body'
            ? { method: 'POST', body: new Blob([user]) }
            : { credentials: 'include' };
    const pool = createPool({ crossTab: true, warnings: false });
    source = pool.source(url, { ...init, scope });
    source.listen(() => {});
    source.event('message').on((_data, event) => {
      ids.push(Number(event.lastEventId));
      at.push(Date.now());
    });
  },
  state: () => ({ ids, at, role: source.get().role, status: source.get().status }),
};
`;

let browser: Browser;
let site: Server;
let siteUrl: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: PAGE_SCRIPT, resolveDir: coreSrc, loader: 'ts' },
    bundle: true,
    format: 'iife',
    write: false,
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  site = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    } else {
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><title>tab</title><script src="/app.js"></script>');
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  browser = await chromium.launch(chromiumLaunchOptions);
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
});

let seq = 0;
const channel = (name: string): string => `${name}-${Date.now()}-${++seq}`;
const stats = async (name: string): Promise<ChannelStats> =>
  (await fetch(`${sseUrl}/stats/${encodeURIComponent(name)}`)).json() as Promise<ChannelStats>;
const endless = (name: string): string => `${sseUrl}/sse/${name}?count=inf&interval=50&cors=*`;

async function newContext(withoutLocks = false): Promise<BrowserContext> {
  const context = await browser.newContext();
  contexts.push(context);
  if (withoutLocks) {
    await context.addInitScript(() => {
      delete (Navigator.prototype as { locks?: unknown }).locks;
    });
  }
  return context;
}

async function openTab(context: BrowserContext, url: string, crossTab = true): Promise<Page> {
  const page = await context.newPage();
  await page.goto(siteUrl);
  await page.evaluate(([u, c]) => window.ssekit.start(u, c), [url, crossTab] as const);
  return page;
}

const state = (page: Page): Promise<PageState> => page.evaluate(() => window.ssekit.state());

/** Ids received twice, and ids missing between the first and the last one received. */
function gaps(ids: readonly number[]): { repeated: number; lost: number } {
  const unique = new Set(ids);
  const lost = ids.length === 0 ? 0 : Math.max(...ids) - Math.min(...ids) + 1 - unique.size;
  return { repeated: ids.length - unique.size, lost };
}

const wait = { timeout: 15_000, interval: 50 };

describe('cross-tab sharing in Chromium', () => {
  it('three tabs share one connection; when the leader closes another tab takes over with no event lost or repeated', async () => {
    const context = await newContext();
    const name = channel('handover');
    const url = endless(name);
    const [a, b, c] = [
      await openTab(context, url),
      await openTab(context, url),
      await openTab(context, url),
    ] as [Page, Page, Page];

    await vi.waitFor(async () => {
      for (const page of [a, b, c]) expect((await state(page)).ids.length).toBeGreaterThan(10);
    }, wait);
    expect((await state(a)).role).toBe('leader');
    expect((await state(b)).role).toBe('follower');
    expect((await state(c)).role).toBe('follower');
    expect(await stats(name)).toMatchObject({ connections: 1, open: 1 });

    const closedAt = Date.now();
    await a.close();
    await vi.waitFor(async () => {
      expect(await stats(name)).toMatchObject({ connections: 2, open: 1 });
    }, wait);
    const reconnectedAt = Date.now();
    const before = await Promise.all([state(b), state(c)]);
    await vi.waitFor(async () => {
      for (const [i, page] of [b, c].entries()) {
        expect((await state(page)).ids.length).toBeGreaterThan(before[i]!.ids.length + 20);
      }
    }, wait);

    const after = await Promise.all([state(b), state(c)]);
    expect(after.map((s) => s.role).sort()).toEqual(['follower', 'leader']);
    const { requests } = await stats(name);
    expect(requests).toHaveLength(2);
    // The new leader resumed where its tab was, and the server replayed from there.
    expect(Number(requests[1]!.lastEventId)).toBeGreaterThan(0);
    let longestGap = 0;
    for (const s of after) {
      expect(gaps(s.ids)).toEqual({ repeated: 0, lost: 0 });
      expect(s.ids).toEqual(s.ids.map((_, i) => s.ids[0]! + i)); // contiguous, in order
      for (let i = 1; i < s.at.length; i++) {
        if (s.at[i]! >= closedAt) longestGap = Math.max(longestGap, s.at[i]! - s.at[i - 1]!);
      }
    }
    const lost = after.reduce((n, s) => n + gaps(s.ids).lost, 0);
    console.log(
      `cross-tab hand-over: new leader connected ${reconnectedAt - closedAt} ms after the leader tab closed (polled), longest pause between events ${longestGap} ms (stream every 50 ms), events lost ${lost}, repeated 0, server connections 2 for 3 tabs`,
    );
    expect(reconnectedAt - closedAt).toBeLessThan(3000);

    // A tab that joins mid-stream gets live events, over the same single connection.
    const late = await openTab(context, url);
    await vi.waitFor(async () => expect((await state(late)).ids.length).toBeGreaterThan(5), wait);
    const joined = await state(late);
    expect(joined.role).toBe('follower');
    expect(joined.ids[0]).toBeGreaterThan(after[0]!.ids[0]!);
    expect(gaps(joined.ids)).toEqual({ repeated: 0, lost: 0 });
    expect(await stats(name)).toMatchObject({ connections: 2, open: 1 });
  }, 60_000);

  it('survives a leader tab that crashes (no pagehide, no goodbye): the lock is freed and nothing is lost', async () => {
    const context = await newContext();
    const name = channel('crash');
    const url = endless(name);
    const [a, b] = [await openTab(context, url), await openTab(context, url)] as [Page, Page];
    await vi.waitFor(async () => expect((await state(b)).ids.length).toBeGreaterThan(10), wait);
    expect((await state(a)).role).toBe('leader');

    const crashedAt = Date.now();
    const cdp = await context.newCDPSession(a);
    const crashed = new Promise((resolve) => a.once('crash', resolve));
    // The renderer dies before it can answer, so the command itself never settles.
    void cdp.send('Page.crash').catch(() => {});
    await crashed;
    await vi.waitFor(async () => expect(await stats(name)).toMatchObject({ connections: 2 }), wait);
    const takenOverAt = Date.now();
    const before = (await state(b)).ids.length;
    await vi.waitFor(
      async () => expect((await state(b)).ids.length).toBeGreaterThan(before + 20),
      wait,
    );
    const s = await state(b);
    expect(s.role).toBe('leader');
    expect(gaps(s.ids)).toEqual({ repeated: 0, lost: 0 });
    console.log(
      `cross-tab crash hand-over: new leader connected ${takenOverAt - crashedAt} ms after the leader tab crashed (polled), events lost ${gaps(s.ids).lost}`,
    );
  }, 60_000);

  it.each(['custom fetch', 'header function', 'non-string body', 'cookie'] as const)(
    'never lets bob’s tab follow alice’s stream when the identity is in a %s',
    async (kind) => {
      const context = await newContext();
      const name = channel(`identity-${kind.replace(/ /g, '-')}`);
      const cors = kind === 'cookie' ? 'credentials' : '*';
      const url = `${sseUrl}/sse/${name}?count=inf&interval=50&cors=${cors}`;
      const cookie = (value: string) =>
        context.addCookies([{ name: 'session', value, url: sseUrl, sameSite: 'Lax' }]);
      if (kind === 'cookie') await cookie('alice');
      const alice = await context.newPage();
      await alice.goto(siteUrl);
      await alice.evaluate(([u, k]) => window.ssekit.startAs(u, 'alice', k), [url, kind] as const);
      await vi.waitFor(
        async () => expect((await state(alice)).ids.length).toBeGreaterThan(3),
        wait,
      );
      // Bob logs in, in another tab of the same browser.
      if (kind === 'cookie') await cookie('bob');
      const bob = await context.newPage();
      await bob.goto(siteUrl);
      await bob.evaluate(([u, k]) => window.ssekit.startAs(u, 'bob', k), [url, kind] as const);
      await vi.waitFor(async () => expect((await state(bob)).ids.length).toBeGreaterThan(3), wait);
      const { connections, requests } = await stats(name);
      expect([(await state(alice)).role, (await state(bob)).role]).toEqual(['local', 'local']);
      expect(connections).toBe(2);
      if (kind === 'custom fetch' || kind === 'header function') {
        expect(requests.map((r) => r.authorization)).toEqual(['Bearer alice', 'Bearer bob']);
      }
      if (kind === 'non-string body') expect(requests.map((r) => r.body)).toEqual(['alice', 'bob']);
    },
    60_000,
  );

  it('shares a custom-fetch source between two tabs of the same scope, and not with another scope', async () => {
    const context = await newContext();
    const name = channel('identity-scoped');
    const url = `${sseUrl}/sse/${name}?count=inf&interval=50&cors=*`;
    const tab = async (user: string): Promise<Page> => {
      const page = await context.newPage();
      await page.goto(siteUrl);
      await page.evaluate(([u, who]) => window.ssekit.startAs(u, who, 'custom fetch', who), [
        url,
        user,
      ] as const);
      await vi.waitFor(async () => expect((await state(page)).ids.length).toBeGreaterThan(3), wait);
      return page;
    };
    const [alice1, alice2, bob] = [await tab('alice'), await tab('alice'), await tab('bob')];
    expect([(await state(alice1)).role, (await state(alice2)).role]).toEqual([
      'leader',
      'follower',
    ]);
    expect((await state(bob)).role).toBe('leader');
    const { requests } = await stats(name);
    expect(requests.map((r) => r.authorization)).toEqual(['Bearer alice', 'Bearer bob']);
  }, 60_000);

  it('falls back to one connection per tab, role local, where navigator.locks is missing', async () => {
    const context = await newContext(true);
    const name = channel('nolocks');
    const url = endless(name);
    const pages = [await openTab(context, url), await openTab(context, url)];
    expect(await pages[0]!.evaluate(() => 'locks' in navigator)).toBe(false);
    await vi.waitFor(async () => {
      for (const page of pages) expect((await state(page)).ids.length).toBeGreaterThan(5);
    }, wait);
    for (const page of pages) expect((await state(page)).role).toBe('local');
    expect(await stats(name)).toMatchObject({ connections: 2, open: 2 });
  }, 60_000);
});
