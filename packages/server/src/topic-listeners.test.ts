import { describe, expect, it, vi } from 'vitest';
import type { LogEntry } from './log.js';
import { createTopicListeners } from './topic-listeners.js';

const entry = (topic: string): LogEntry => ({
  id: 'e-1',
  epoch: 'e',
  offset: 1,
  topic,
  seq: 1,
  event: undefined,
  data: '{}',
});

describe('the listeners of a log, by topic (memory and Redis logs alike)', () => {
  it('keeps a listener subscribed twice until each subscription ends', () => {
    const listeners = createTopicListeners();
    const seen = vi.fn();
    const first = listeners.subscribe(['orders'], seen);
    const second = listeners.subscribe(['orders'], seen);
    first();
    listeners.deliver(entry('orders'));
    expect(seen).toHaveBeenCalledTimes(1);
    second();
    listeners.deliver(entry('orders'));
    expect(seen).toHaveBeenCalledTimes(1);
    expect(listeners.topics()).toEqual([]);
  });

  it('delivers to the others when one listener throws, and reports the error', async () => {
    const listeners = createTopicListeners();
    const reported = new Promise((resolve) => process.once('uncaughtException', resolve));
    const after = vi.fn();
    listeners.subscribe(['orders', 'orders'], () => {
      throw new Error('subscriber bug');
    });
    listeners.subscribe(['orders'], after);
    listeners.deliver(entry('orders'));
    listeners.deliver(entry('other'));
    expect(after).toHaveBeenCalledTimes(1);
    expect(await reported).toMatchObject({ message: 'subscriber bug' });
  });
});
