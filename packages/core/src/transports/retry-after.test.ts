import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  afterEach(() => vi.useRealTimers());

  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
  });

  it('reads an HTTP date as the time left until it, never below zero', () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT')).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT')).toBe(0);
  });

  it('is undefined when absent or unreadable, so the policy decides alone', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
