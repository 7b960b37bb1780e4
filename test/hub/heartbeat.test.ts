/**
 * Heartbeats, rotation and drain under fake timers (only the interval timer and the clock are faked, so
 * real sockets keep working): one timer for the whole hub, a comment only after silence.
 */
import { createHub, type Hub } from '@ssekit/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openRaw, type RawStream, type Served, serveHub } from './support';

let hub: Hub;
let served: Served;
const streams: RawStream[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
});
afterEach(async () => {
  for (const stream of streams) stream.close();
  streams.length = 0;
  await served?.close();
  await hub?.close();
  vi.useRealTimers();
});

const open = async (topic: string): Promise<RawStream> => {
  const stream = await openRaw(`${served.url}?topic=${topic}`);
  streams.push(stream);
  await until(() => stream.comments.length === 1);
  expect(stream.comments).toEqual(['heartbeat 1000']);
  return stream;
};

/**
 * Polls on real time: vi.waitFor would advance the fake clock on every check, which is exactly
 * what these tests must control.
 */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

/** Lets socket I/O run (real time, no fake timer involved) so a missing byte is really missing. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

describe('hub heartbeats', () => {
  it('sends a heartbeat only after heartbeatMs of silence, and none to a busy stream', async () => {
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    hub = createHub({ heartbeatMs: 1000 });
    served = await serveHub(hub, 'node:http');
    const quiet = await open('quiet');
    const busy = await open('busy');
    const third = await open('quiet');
    expect(setIntervalSpy).toHaveBeenCalledTimes(1); // one timer for every connection
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(750);
    await hub.publish('busy', 'b1');
    await settle();
    expect(quiet.comments).toHaveLength(1);

    vi.advanceTimersByTime(500); // 1250 ms: quiet has been silent 1000 ms, busy only 500
    await settle();
    expect(quiet.comments).toEqual(['heartbeat 1000', 'heartbeat 1000']);
    expect(third.comments).toHaveLength(2);
    expect(busy.comments).toHaveLength(1);

    for (let i = 0; i < 8; i++) {
      await hub.publish('busy', `b${i}`);
      vi.advanceTimersByTime(500);
      await settle();
    }
    expect(busy.comments).toHaveLength(1);
    // 5250 ms in: silence is never longer than heartbeatMs plus one quarter of it.
    expect(quiet.comments.length).toBeGreaterThanOrEqual(5);
    // Nothing but heartbeats after the join position.
    expect(quiet.text).toMatch(/^: heartbeat 1000\n\nid: \w+-0\n\n(: heartbeat 1000\n\n)+$/);
    setIntervalSpy.mockRestore();
  });

  it('stops its timer when the last connection leaves', async () => {
    hub = createHub({ heartbeatMs: 1000 });
    served = await serveHub(hub, 'node:http');
    const stream = await open('a');
    expect(vi.getTimerCount()).toBe(1);
    stream.close();
    await until(() => hub.stats().connections === 0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rotates streams older than maxConnectionAgeMs, with jitter, on the same timer', async () => {
    hub = createHub({ heartbeatMs: 1000, maxConnectionAgeMs: 10_000 });
    served = await serveHub(hub, 'node:http');
    await Promise.all([open('a'), open('a'), open('b')]);
    vi.advanceTimersByTime(8_750); // before the earliest rotation (age × 0.9)
    await settle();
    expect(hub.stats().connections).toBe(3);
    vi.advanceTimersByTime(1_500);
    await until(() => hub.stats().connections === 0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drains: stream ends spread over drainMs with jitter, close resolves after the last', async () => {
    hub = createHub({ heartbeatMs: 1000 });
    served = await serveHub(hub, 'node:http');
    await Promise.all([open('a'), open('a'), open('b')]);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const random = vi.spyOn(Math, 'random');
    for (const value of [0.1, 0.5, 0.95]) random.mockReturnValueOnce(value);
    let resolved = false;
    const closing = hub.close({ drainMs: 1000 }).then(() => {
      resolved = true;
    });
    random.mockRestore();
    const left: number[] = [];
    for (let t = 0; t < 4; t++) {
      left.push(hub.stats().connections);
      vi.advanceTimersByTime(300);
    }
    // At 0, 300, 600 and 900 ms: one stream ended at 100, one at 500; the last ends at 950.
    expect(left).toEqual([3, 2, 1, 1]);
    vi.advanceTimersByTime(100);
    expect(hub.stats().connections).toBe(0);
    await closing;
    expect(resolved).toBe(true);
  });
});
