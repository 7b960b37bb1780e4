/**
 * The playground, end to end: the built Storybook (`pnpm playground:build`) and the demo SSE
 * server on one origin, every story opened in real Chromium.
 *
 * Conventions the stories keep: each marks live data with one `data-testid="live"` element once
 * it has rendered data from the demo server, and the inspector (`data-testid="inspector"`) sits
 * under every story. Stories whose id contains `unpooled` open native EventSources on purpose.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoStats, type DemoStreamName, idOffset } from '../../stories/demo-server/payloads';
import { type PreviewServer, startPreviewServer } from '../../stories/demo-server/preview';
import { chromiumLaunchOptions } from '../support/chromium';

interface IndexEntry {
  readonly id: string;
  readonly title: string;
  readonly name: string;
  readonly type: 'story' | 'docs';
}

const STATIC_DIR = fileURLToPath(new URL('../../storybook-static/', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../../docs/playground.png', import.meta.url));
const DASHBOARD = 'react-dashboard--twelve-widgets-one-stream';
const CROSS_TAB = 'react-cross-tab--shared';
// Waits on conditions in the page, never fixed sleeps; generous for a busy 2-core machine.
const POLL = { timeout: 10_000 };

function readStories(): IndexEntry[] {
  const file = `${STATIC_DIR}index.json`;
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: run \`pnpm playground:build\` first (\`pnpm test\` does).`,
    );
  }
  const index = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, IndexEntry> };
  return Object.values(index.entries).filter((entry) => entry.type === 'story');
}

// Read at collection time, so each story is its own test.
const stories = readStories();

let preview: PreviewServer;
let browser: Browser;

const stats = async (): Promise<DemoStats> =>
  (await (await fetch(`${preview.url}/demo/stats`)).json()) as DemoStats;

const streamNames = (s: DemoStats): DemoStreamName[] => Object.keys(s.streams) as DemoStreamName[];

/** Connections each stream accepted between two readings of `/demo/stats`. */
function opened(before: DemoStats, after: DemoStats): Partial<Record<DemoStreamName, number>> {
  const result: Partial<Record<DemoStreamName, number>> = {};
  for (const name of streamNames(after)) {
    const n = after.streams[name].connections - before.streams[name].connections;
    if (n > 0) result[name] = n;
  }
  return result;
}

/** The story used the demo server, and (unless it is the unpooled demo) each stream once. */
async function expectEachStreamOnce(id: string, before: DemoStats): Promise<void> {
  const counts = opened(before, await stats());
  expect(Object.keys(counts).length).toBeGreaterThan(0);
  if (id.includes('unpooled')) return;
  for (const [stream, n] of Object.entries(counts)) {
    expect({ stream, connections: n }).toEqual({ stream, connections: 1 });
  }
}

const openStreams = async (): Promise<number> =>
  Object.values((await stats()).streams).reduce((n, s) => n + s.open, 0);

beforeAll(async () => {
  preview = await startPreviewServer({ port: 0, host: '127.0.0.1', dir: STATIC_DIR });
  // A missing Chromium fails here: the playground test is never skipped.
  browser = await chromium.launch(chromiumLaunchOptions);
});

afterAll(async () => {
  await browser?.close();
  await preview?.close();
});

/** Opens one story in a new page (a tab) of `context`, collecting console errors and page errors. */
async function openTab(context: BrowserContext, id: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${preview.url}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`);
  return page;
}

const newContext = (): Promise<BrowserContext> =>
  browser.newContext({ viewport: { width: 1280, height: 900 } });

/** Opens one story in a fresh browser context, collecting console errors and page errors. */
async function openStory(
  id: string,
): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await newContext();
  const errors: string[] = [];
  const page = await openTab(context, id, errors);
  return { page, errors, close: () => context.close() };
}

/** Waits for a server with no stream open, so every connection counted next belongs to one test. */
const quietServer = (): Promise<void> =>
  vi.waitFor(async () => expect(await openStreams()).toBe(0), { timeout: 10_000, interval: 50 });

/** The cross-tab story's role in this tab, as it shows it. */
const roleIn = (page: Page): Promise<string | null> =>
  page.getByTestId('role').getAttribute('data-role');

/** The offset of the last event id the cross-tab story shows (hub ids are `<epoch>-<offset>`). */
const lastEventIdIn = async (page: Page): Promise<number> =>
  idOffset((await page.getByTestId('last-event-id').textContent()) ?? '') || 0;

/** A check beyond "live data, no errors, one connection per stream", where a story promises more. */
interface ExtraCheck {
  run(page: Page): Promise<void>;
  /** The check breaks the stream on purpose, so failed requests in the console are expected. */
  readonly injectsFaults?: boolean;
}

/** Every dashboard: twelve widgets, and the inspector shows them on one connection. */
async function oneConnectionTwelveSubscribers(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('inspector').locator('strong').textContent(), POLL)
    .toBe('Pool inspector: 1 connection, 12 event subscribers');
  await expect.poll(() => page.getByTestId('widget').count(), POLL).toBe(12);
}

const extraChecks: Record<string, ExtraCheck> = {
  'vue--dashboard': { run: oneConnectionTwelveSubscribers },
  'svelte--dashboard': { run: oneConnectionTwelveSubscribers },
  'preact-signals--dashboard': { run: oneConnectionTwelveSubscribers },
  [DASHBOARD]: {
    async run(page) {
      await oneConnectionTwelveSubscribers(page);
      // Rates need two samples and sparklines a few points: wait, so the screenshot shows real figures.
      await expect
        .poll(() => page.locator('polyline').first().getAttribute('points'), POLL)
        .toMatch(/^(\S+ ){11,}/);
      await expect
        .poll(() => page.getByTestId('rate').first().textContent(), POLL)
        .toMatch(/^\d+\.\d$/);
      // The README's picture is refreshed on request (`pnpm playground:screenshot`), so a test
      // run never rewrites a tracked file.
      if (process.env.SSEKIT_SCREENSHOT !== '1') return;
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      // A short viewport, so the full-page shot is as tall as the story and its inspector.
      await page.setViewportSize({ width: 1200, height: 400 });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    },
  },

  'react-replay--drop-and-replay': {
    injectsFaults: true,
    async run(page) {
      // A drop on the server, three events published meanwhile: they come back in the replay.
      await page.getByRole('button', { name: 'Drop the connection' }).click();
      await expect.poll(() => page.getByText(/^replayed,/).count(), POLL).toBeGreaterThanOrEqual(3);
      expect(await page.getByTestId('gaps').getAttribute('data-gaps')).toBe('0');
      await expect
        .poll(() => page.getByText('live', { exact: true }).count(), POLL)
        .toBeGreaterThan(0);
    },
  },

  [CROSS_TAB]: {
    async run(page) {
      // Alone in its browser, the tab leads: sharing is on (not `local`) and costs nothing.
      await expect.poll(() => roleIn(page), POLL).toBe('leader');
    },
  },

  'react-six-connection-limit--pooled': {
    async run(page) {
      // The plain fetch answers while eight widgets stream.
      const ping = page.getByTestId('ping');
      await expect.poll(() => ping.getAttribute('data-ms'), POLL).toMatch(/^\d+$/);
      expect(Number(await ping.getAttribute('data-ms'))).toBeLessThan(5000);
      await expect
        .poll(() => page.locator('[data-testid="limit-widget"][data-status="open"]').count(), POLL)
        .toBe(8);
    },
  },

  'react-six-connection-limit--unpooled': {
    async run(page) {
      // Six EventSources take every connection the browser allows: two wait, and so does fetch.
      await vi.waitFor(async () => expect((await stats()).streams.ticker.open).toBe(6), {
        timeout: 10_000,
        interval: 100,
      });
      await expect
        .poll(() => page.locator('[data-testid="limit-widget"][data-status="open"]').count(), POLL)
        .toBe(6);
      await expect
        .poll(() => page.getByTestId('ping').getAttribute('data-state'), POLL)
        .toBe('stalled');
    },
  },

  'react-typed-events--schema-validation': {
    async run(page) {
      const rejected = page.getByTestId('validation-error');
      const latest = page.getByTestId('latest-error');
      const count = async (): Promise<number> =>
        Number.parseInt((await page.getByTestId('count').textContent()) ?? '', 10);
      expect(await rejected.textContent()).toBe('—');
      await page.getByRole('button', { name: 'Send a payload that fails the schema' }).click();
      await expect.poll(() => rejected.textContent(), POLL).toMatch(/^validation: celsius: /);
      // The stream carries on: more events arrive and the next good one clears the error.
      const after = await count();
      await expect.poll(count, POLL).toBeGreaterThan(after);
      await expect.poll(() => latest.textContent(), POLL).toBe('—');
      expect(await page.locator('.pill').first().getAttribute('data-status')).toBe('open');
    },
  },

  'react-fault-lab--lab': {
    injectsFaults: true,
    async run(page) {
      // A dropped connection resumes from Last-Event-ID: no event lost, none twice.
      const inOrder = page.getByTestId('ids-in-order');
      const seen = async (): Promise<number> =>
        Number.parseInt((await inOrder.textContent()) ?? '', 10) || 0;
      await expect.poll(seen, POLL).toBeGreaterThanOrEqual(2);
      const chatBefore = (await stats()).streams.chat.connections;
      await page.getByRole('button', { name: 'Drop the connection' }).click();
      await vi.waitFor(
        async () => expect((await stats()).streams.chat.connections).toBe(chatBefore + 1),
        { timeout: 10_000, interval: 100 },
      );
      const afterDrop = await seen();
      await expect.poll(seen, POLL).toBeGreaterThan(afterDrop + 1);
      expect(await inOrder.textContent()).toMatch(/^\d+ ids, no gaps, no duplicates$/);
      expect(await page.locator('.pill').first().getAttribute('data-status')).toBe('open');
    },
  },
};

describe('playground', () => {
  it('has the React stories, the unpooled demo and ticker + dashboard for every framework', () => {
    const ids = stories.map((s) => s.id);
    expect(ids.filter((id) => id.startsWith('react-')).length).toBeGreaterThanOrEqual(8);
    expect(ids).toContain(DASHBOARD);
    expect(ids.some((id) => id.includes('unpooled'))).toBe(true);
    for (const framework of ['vue', 'svelte', 'preact-signals']) {
      expect(ids).toEqual(
        expect.arrayContaining([`${framework}--ticker`, `${framework}--dashboard`]),
      );
    }
  });

  it.each(stories.map((s) => s.id))(
    '%s shows live data, logs no error and opens each stream once',
    async (id) => {
      await quietServer();
      const before = await stats();
      const story = await openStory(id);
      try {
        await story.page.getByTestId('live').waitFor({ timeout: 20_000 });
        await expect.poll(() => story.page.getByTestId('inspector').count(), POLL).toBe(1);
        await expectEachStreamOnce(id, before);
        expect(story.errors).toEqual([]);

        const extra = extraChecks[id];
        if (extra) {
          await extra.run(story.page);
          // Injected faults reconnect on purpose and make the browser log failed requests.
          if (!extra.injectsFaults) {
            // Seconds later still one connection per stream: no churn after the linger delay.
            await expectEachStreamOnce(id, before);
            expect(story.errors).toEqual([]);
          }
        }
      } finally {
        await story.close();
      }
    },
  );

  it('react-progress--finite-run ends as done, never reconnects, and runs again on request', async () => {
    await quietServer();
    const runs = async (): Promise<number> => (await stats()).streams.run.connections;
    const before = await runs();
    const story = await openStory('react-progress--finite-run');
    try {
      const status = story.page.getByTestId('run-status');
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('done');
      expect(await story.page.getByTestId('percent').textContent()).toBe('100 %');
      // The server ended the stream after `done`: nothing reconnects.
      await vi.waitFor(async () => expect(await openStreams()).toBe(0), { timeout: 5000 });
      expect(await runs()).toBe(before + 1);
      await story.page.getByRole('button', { name: 'Run again' }).click();
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('done');
      expect(await runs()).toBe(before + 2);
      expect(story.errors).toEqual([]);
    } finally {
      await story.close();
    }
  });

  it(`${CROSS_TAB} in two tabs: one connection, one leader; when the leader closes the follower takes over`, async () => {
    expect(stories.map((s) => s.id)).toContain(CROSS_TAB);
    await quietServer();
    const before = (await stats()).streams.ticker.connections;
    const ticker = async (): Promise<{ connections: number; open: number }> => {
      const { connections, open } = (await stats()).streams.ticker;
      return { connections: connections - before, open };
    };
    // Two pages of one context are two tabs of one browser profile: they share locks and channels.
    const context = await newContext();
    const errors: string[] = [];
    try {
      const tabs = [
        await openTab(context, CROSS_TAB, errors),
        await openTab(context, CROSS_TAB, errors),
      ];
      for (const tab of tabs) await tab.getByTestId('live').waitFor({ timeout: 20_000 });
      await expect
        .poll(async () => (await Promise.all(tabs.map(roleIn))).sort(), POLL)
        .toEqual(['follower', 'leader']);
      const leaderIndex = (await roleIn(tabs[0]!)) === 'leader' ? 0 : 1;
      const leader = tabs[leaderIndex]!;
      const follower = tabs[1 - leaderIndex]!;
      // The follower receives events although the server only ever saw one connection.
      const followed = await lastEventIdIn(follower);
      await expect.poll(() => lastEventIdIn(follower), POLL).toBeGreaterThan(followed);
      expect(await ticker()).toEqual({ connections: 1, open: 1 });
      expect(errors).toEqual([]);

      // The streams the follower's tab asks the server for: none until it leads.
      const requested: URL[] = [];
      follower.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname === '/demo/ticker') requested.push(url);
      });
      await leader.close();
      await expect.poll(() => roleIn(follower), { timeout: 5000 }).toBe('leader');
      const tookOver = await lastEventIdIn(follower);
      await expect.poll(() => lastEventIdIn(follower), POLL).toBeGreaterThan(tookOver + 5);
      // The closed tab's connection is gone and the new leader's is the only one.
      await vi.waitFor(async () => expect(await ticker()).toEqual({ connections: 2, open: 1 }), {
        timeout: 10_000,
        interval: 100,
      });
      // It resumed from the last id it had shown (the story's pool sends it as `?lastEventId=`),
      // so the server replayed what came in between: the tab's ids have no gap.
      expect(requested).toHaveLength(1);
      const resumedFrom = idOffset(requested[0]?.searchParams.get('lastEventId') ?? '');
      expect(resumedFrom).toBeGreaterThan(followed);
      expect(resumedFrom).toBeLessThanOrEqual(tookOver);
      expect(await follower.getByTestId('continuity').getAttribute('data-jumps')).toBe('0');
      expect(await follower.getByTestId('inspector').locator('strong').textContent()).toMatch(
        /^Pool inspector: 1 connection,/,
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
