/**
 * The ssekit client on the native EventSource, in real Chromium, against @ssekit/server: the
 * browser's own reconnect sends Last-Event-ID and the hub replays exactly; a trimmed cursor
 * brings one ssekit:reset.
 */
import { createPool, type Pool } from '@ssekit/core';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';

const hubUrl = inject('hubServerUrl');
let seq = 0;
const topic = (name: string): string => `${name}-${Date.now()}-${++seq}`;
const publish = async (base: string, name: string, data: string): Promise<string> =>
  (await fetch(`${base}/publish?topic=${name}`, { method: 'POST', body: data })).text();
const dropAndPublish = async (base: string, name: string, count: number): Promise<string[]> =>
  (await fetch(`${base}/drop-and-publish?topic=${name}&count=${count}`, { method: 'POST' })).json();
const connections = async (base: string): Promise<number> =>
  ((await (await fetch(`${base}/stats`)).json()) as { connections: number }).connections;

let pool: Pool;
afterEach(() => pool?.reset());

describe('native EventSource in Chromium against the hub', () => {
  it('resumes after a drop with every event exactly once, in order', async () => {
    pool = createPool({ transport: 'eventsource', lastEventIdParam: 'lastEventId' });
    const name = topic('native');
    const source = pool.source(`${hubUrl}/events?topic=${name}`);
    expect(source.description).toContain('eventsource');
    const seen: string[] = [];
    const off = source.event<string>('message', { parse: 'text' }).on((data) => seen.push(data));
    await vi.waitFor(async () => expect(await connections(hubUrl)).toBeGreaterThan(0));
    for (const n of [1, 2, 3]) await publish(hubUrl, name, `live${n}`);
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    for (let drop = 0; drop < 3; drop++) await dropAndPublish(hubUrl, name, 2);
    await publish(hubUrl, name, 'end');
    await vi.waitFor(() => expect(seen.at(-1)).toBe('end'), { timeout: 5000 });
    expect(seen).toEqual([
      'live1',
      'live2',
      'live3',
      'dropped1',
      'dropped2',
      'dropped1',
      'dropped2',
      'dropped1',
      'dropped2',
      'end',
    ]);
    off();
  });

  it('a trimmed cursor brings exactly one ssekit:reset, then live events', async () => {
    const small = `${hubUrl}/small`;
    pool = createPool({ transport: 'eventsource', lastEventIdParam: 'lastEventId' });
    const name = topic('trimmed');
    const source = pool.source(`${small}/events?topic=${name}`);
    const seen: string[] = [];
    const resets: string[] = [];
    const offs = [
      source.event<string>('message', { parse: 'text' }).on((data) => seen.push(data)),
      source.event<{ reason: string }>('ssekit:reset').on((data) => resets.push(data.reason)),
    ];
    await vi.waitFor(async () => expect(await connections(small)).toBeGreaterThan(0));
    await publish(small, name, 'first');
    await vi.waitFor(() => expect(seen).toEqual(['first']));
    await dropAndPublish(small, name, 10); // the 5-event log forgets 'first' and more
    await vi.waitFor(() => expect(resets).toEqual(['trimmed']), { timeout: 5000 });
    await publish(small, name, 'after');
    await vi.waitFor(() => expect(seen).toEqual(['first', 'after']));
    expect(resets).toEqual(['trimmed']);
    for (const off of offs) off();
  });
});
