/**
 * The cross-tab protocol's rules on their own: the channel name, the order of a leader's
 * messages, a new leader's epoch, the recent-events buffer and what a follower missed.
 */
import { describe, expect, it } from 'vitest';
import type { ServerSentEvent } from '../types';
import {
  createLeaderView,
  eventsAfter,
  isNewer,
  type LeaderMessage,
  type LeaderView,
  PROTOCOL_VERSION,
  RECENT_EVENTS,
  remember,
  sessionName,
  startLeading,
  takeNewer,
} from './protocol';

const tick = (id: string): ServerSentEvent => ({
  type: 'tick',
  data: `tick ${id}`,
  lastEventId: id,
});
const ticks = (...list: string[]): ServerSentEvent[] => list.map(tick);
const ids = (events: ServerSentEvent[]): string[] => events.map((e) => e.lastEventId);
const viewAt = (epoch: number, seq: number, recent: ServerSentEvent[] = []): LeaderView => ({
  ...createLeaderView(),
  epoch,
  seq,
  recent,
  lastEventId: recent.at(-1)?.lastEventId ?? '',
});
const stamp = { version: PROTOCOL_VERSION } as const;

describe('cross-tab protocol', () => {
  it('names the channel by the version and a SHA-256 of the key, never the key itself', async () => {
    const key = 'https://example.test/stream authorization=Bearer secret-token';
    const name = await sessionName(key, globalThis.crypto.subtle);
    expect(name).toMatch(/^ssekit:2:[0-9a-f]{64}$/);
    expect(name).not.toContain('secret');
    expect(await sessionName(key, globalThis.crypto.subtle)).toBe(name);
    expect(await sessionName(`${key}!`, globalThis.crypto.subtle)).not.toBe(name);
  });

  it("takes a newer leader's messages, and the same leader's next event and word, only", () => {
    const view = viewAt(100.5, 7);
    const event = (epoch: number, seq: number): LeaderMessage => ({
      ...stamp,
      kind: 'event',
      epoch,
      seq,
      event: tick(`${seq}`),
    });
    const alive = (epoch: number, seq: number): LeaderMessage => ({
      ...stamp,
      kind: 'alive',
      epoch,
      seq,
    });
    expect(isNewer(event(100.5, 8), view)).toBe(true);
    expect(isNewer(event(200.5, 1), view)).toBe(true);
    expect(isNewer(event(100.5, 7), view)).toBe(false); // seen
    expect(isNewer(event(100.5, 3), view)).toBe(false);
    expect(isNewer(event(50.5, 99), view)).toBe(false); // an older leader
    // Other messages carry the number of the leader's last event: where it stands now.
    expect(isNewer(alive(100.5, 7), view)).toBe(true);
    expect(isNewer(alive(100.5, 6), view)).toBe(false);
    expect(isNewer(alive(50.5, 99), view)).toBe(false);
  });

  it('starts a leader above the last epoch and the clock, its events numbered from 1', () => {
    const view: LeaderView = {
      ...viewAt(5000.25, 40, ticks('a', 'b', 'c')),
      status: 'closed',
      error: { kind: 'network', message: 'down' },
      changes: 4,
    };
    startLeading(view, 1000, 0.5, 'connecting');
    expect(view.epoch).toBe(5001.5); // the clock is behind: one above the last epoch
    expect(ids(view.recent)).toEqual(['a', 'b', 'c']); // numbered 1, 2, 3: the last one is `seq`
    expect(view).toMatchObject({ seq: 3, status: 'connecting', error: null, changes: 0 });
    startLeading(view, 9000, 0.25, 'idle');
    expect(view.epoch).toBe(9000.25);
  });

  it(`keeps the last ${RECENT_EVENTS} events and the id of the newest`, () => {
    const view = createLeaderView();
    for (let n = 1; n <= RECENT_EVENTS + 5; n++) remember(view, tick(`${n}`));
    expect(view.recent).toHaveLength(RECENT_EVENTS);
    expect(view.recent[0]!.lastEventId).toBe('6');
    expect(view.lastEventId).toBe(`${RECENT_EVENTS + 5}`);
  });

  it('finds the events after an id; none for an id it does not hold, or no id', () => {
    const recent = ticks('x', '2', 'x', '4');
    expect(ids(eventsAfter(recent, 'x'))).toEqual(['4']); // after the newest 'x'
    expect(ids(eventsAfter(recent, '2'))).toEqual(['x', '4']);
    expect(eventsAfter(recent, '4')).toEqual([]);
    expect(eventsAfter(recent, 'gone')).toEqual([]);
    expect(eventsAfter([{ type: 'tick', data: '', lastEventId: '' }], '')).toEqual([]);
  });

  it("takes a leader's event and its bye into the view", () => {
    const view = viewAt(100.5, 7, [tick('7')]);
    const message = { ...stamp, kind: 'event', epoch: 100.5, seq: 8, event: tick('8') } as const;
    const event = takeNewer(view, message);
    expect(event).toEqual({ newLeader: false, events: [tick('8')], changed: false });
    expect(view).toMatchObject({ epoch: 100.5, seq: 8 });

    expect(takeNewer(view, { ...stamp, kind: 'bye', epoch: 100.5, seq: 8 })).toEqual({
      newLeader: false,
      events: [],
      changed: false,
    });
    expect(view.status).toBe('connecting');
  });

  it('gives a follower the events it missed: by id from a new leader, by seq from the same one', () => {
    const state = (epoch: number, seq: number, changes: number, recent: ServerSentEvent[]) =>
      ({
        ...stamp,
        kind: 'state',
        epoch,
        seq,
        status: 'open',
        error: null,
        changes,
        lastEventId: recent.at(-1)?.lastEventId ?? '',
        recent,
      }) as const;
    // The same leader answers another tab's hello: its last event is number 7, this tab has 5.
    const view = viewAt(100.5, 5, ticks('4', '5'));
    view.changes = 2;
    const same = takeNewer(view, state(100.5, 7, 2, ticks('4', '5', '6', '7')));
    expect(ids(same.events)).toEqual(['6', '7']);
    expect(same).toMatchObject({ newLeader: false, changed: false });
    expect(view).toMatchObject({ seq: 7, status: 'open', changes: 2 });
    expect(takeNewer(view, state(100.5, 7, 2, ticks('6', '7'))).events).toEqual([]); // seen

    // A new leader numbers its events again: they are placed after the id this tab saw last.
    view.lastEventId = '7';
    const fresh = takeNewer(view, state(300.5, 3, 0, ticks('6', '7', '8')));
    expect(ids(fresh.events)).toEqual(['8']);
    expect(fresh).toMatchObject({ newLeader: true, changed: true });
    expect(view).toMatchObject({ epoch: 300.5, seq: 3, changes: 0 });
  });
});
