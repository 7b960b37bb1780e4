import { describe, expect, it } from 'vitest';
import type { LogEntry } from './log.js';
import { memoryLog } from './memory-log.js';

describe('memoryLog', () => {
  it('gives one global offset order across topics and a per-topic seq', async () => {
    const log = memoryLog({ epoch: 'ep' });
    const a1 = await log.append('a', undefined, '1');
    const b1 = await log.append('b', 'x', '2');
    const a2 = await log.append('a', undefined, '3');
    expect([a1.id, b1.id, a2.id]).toEqual(['ep-1', 'ep-2', 'ep-3']);
    expect([a1.seq, b1.seq, a2.seq]).toEqual([1, 1, 2]);
    expect(await log.head()).toEqual({ epoch: 'ep', offset: 3 });
    const read = await log.read(['a'], { epoch: 'ep', offset: 1 });
    expect(read).toEqual({ ok: true, entries: [a2] });
    const both = await log.read(['a', 'b'], { epoch: 'ep', offset: 0 });
    expect(both.ok && both.entries.map((e) => e.offset)).toEqual([1, 2, 3]);
  });

  it('answers epoch for another epoch, and a random epoch per instance', async () => {
    const log = memoryLog();
    expect(await log.read(['a'], { epoch: 'other', offset: 0 })).toEqual({
      ok: false,
      reason: 'epoch',
    });
    expect((await log.head()).epoch).toMatch(/^[A-Za-z0-9]+$/);
    expect((await memoryLog().head()).epoch).not.toBe((await log.head()).epoch);
  });

  it('answers trimmed exactly when an entry of a requested topic after the cursor was evicted', async () => {
    const log = memoryLog({ epoch: 'ep', maxEvents: 3 });
    await log.append('a', undefined, '1'); // evicted below
    await log.append('b', undefined, '2'); // evicted below
    await log.append('b', undefined, '3');
    await log.append('b', undefined, '4');
    await log.append('c', undefined, '5');
    // Topic a lost offset 1: a cursor before it is trimmed, one at it is not.
    expect(await log.read(['a'], { epoch: 'ep', offset: 0 })).toEqual({
      ok: false,
      reason: 'trimmed',
    });
    expect(await log.read(['a'], { epoch: 'ep', offset: 1 })).toEqual({ ok: true, entries: [] });
    // Topic c lost nothing, whatever the cursor.
    const c = await log.read(['c'], { epoch: 'ep', offset: 0 });
    expect(c.ok && c.entries.map((e) => e.data)).toEqual(['5']);
    expect((await log.read(['b', 'c'], { epoch: 'ep', offset: 1 })).ok).toBe(false);
    const bc = await log.read(['b', 'c'], { epoch: 'ep', offset: 2 });
    expect(bc.ok && bc.entries.map((e) => e.data)).toEqual(['3', '4', '5']);
  });

  it('delivers to subscribers of the topic only, once each, until unsubscribed', async () => {
    const log = memoryLog({ epoch: 'ep' });
    const seen: LogEntry[] = [];
    const listener = (entry: LogEntry): void => {
      seen.push(entry);
    };
    const off = log.subscribe(['a', 'b', 'a'], listener);
    const offTwice = log.subscribe(['a'], listener);
    await log.append('a', undefined, '1');
    await log.append('c', undefined, '2');
    offTwice();
    await log.append('b', undefined, '3');
    off();
    await log.append('a', undefined, '4');
    expect(seen.map((e) => e.data)).toEqual(['1', '1', '3']);
  });

  it('rejects bad options and appends after close with clear errors', async () => {
    expect(() => memoryLog({ maxEvents: 0 })).toThrow(/maxEvents/);
    expect(() => memoryLog({ epoch: 'a-b' })).toThrow(/epoch/);
    const log = memoryLog();
    await log.close();
    await expect(log.append('a', undefined, '1')).rejects.toThrow(/after close/);
  });
});
