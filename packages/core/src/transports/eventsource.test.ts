import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { TransportSink } from '../transport';
import { createEventSourceTransport } from './eventsource';

/** Just enough of an EventSource to watch which listeners the transport leaves behind. */
class FakeEventSource extends EventTarget {
  static last: FakeEventSource | undefined;
  readyState = 0;
  constructor(readonly url: string) {
    super();
    FakeEventSource.last = this;
  }
  close(): void {
    this.readyState = 2;
  }
}

const sink: TransportSink = {
  open() {},
  event() {},
  retry() {},
  activity() {},
  reconnecting() {},
  warn() {},
  fail() {},
  role() {},
};

describe('native transport listeners', () => {
  it('leaves nothing behind as event types come and go, and after abort', () => {
    const transport = createEventSourceTransport({
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const controller = new AbortController();
    const attempt = transport(
      {
        url: 'https://x.test/s',
        lastEventId: '',
        signal: controller.signal,
        types: new Set(['a']),
      },
      sink,
    );
    const source = FakeEventSource.last!;
    for (let i = 0; i < 100; i++) {
      attempt?.addType?.('tick');
      attempt?.removeType?.('tick');
    }
    // One listener per subscribed type, and a bounded number on the signal however many come and go.
    expect(getEventListeners(source, 'tick')).toHaveLength(0);
    expect(getEventListeners(source, 'a')).toHaveLength(1);
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(3);
    controller.abort();
    expect(source.readyState).toBe(2);
    expect(getEventListeners(source, 'a')).toHaveLength(0);
    expect(getEventListeners(source, 'open')).toHaveLength(0);
  });
});
