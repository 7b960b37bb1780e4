import { describe, expect, it } from 'vitest';
import { checkEventName, formatEntry, formatReset, heartbeatFrame, retryFrame } from './format.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('SSE framing', () => {
  it('writes id, event and one data line per line of data (CR, LF and CRLF)', () => {
    const frame = formatEntry({ id: 'e-1', event: 'order', data: 'a\nb\r\nc\rd' });
    expect(text(frame)).toBe('id: e-1\nevent: order\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('omits the event line for message and keeps a leading space of the data', () => {
    expect(text(formatEntry({ id: 'e-2', event: undefined, data: ' x' }))).toBe(
      'id: e-2\ndata:  x\n\n',
    );
    expect(text(formatEntry({ id: 'e-3', event: undefined, data: '' }))).toBe(
      'id: e-3\ndata: \n\n',
    );
  });

  it('frames the reset, the heartbeat announcement and retry', () => {
    expect(text(formatReset('trimmed', 'e-9'))).toBe(
      'id: e-9\nevent: ssekit:reset\ndata: {"reason":"trimmed"}\n\n',
    );
    expect(text(heartbeatFrame(15000))).toBe(': heartbeat 15000\n\n');
    expect(text(retryFrame(2000))).toBe('retry: 2000\n\n');
  });

  it('rejects event names with CR or LF', () => {
    expect(() => checkEventName('a\nb')).toThrow(/CR or LF/);
    expect(() => checkEventName('a\rb')).toThrow(/CR or LF/);
    expect(() => checkEventName('order')).not.toThrow();
    expect(() => checkEventName(undefined)).not.toThrow();
  });
});
