import type { ReadonlySignal } from '@preact/signals-core';
import { createPool, type SourceHandle, type SourceSnapshot } from '@ssekit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { eventSourceSignal } from './eventSourceSignal';
import { sseEventSignal } from './sseEventSignal';

interface Tick {
  price: number;
}

const pool = createPool();

describe('sseEventSignal data types', () => {
  it('infers from the event map of a handle', () => {
    const source: SourceHandle<{ tick: Tick }> = pool.source('/ticker');
    const ticks = sseEventSignal(source, 'tick');
    expectTypeOf(ticks.value.data).toEqualTypeOf<Tick | undefined>();
    expectTypeOf(ticks.value.history).toEqualTypeOf<readonly Tick[]>();
  });

  it('infers from a Standard Schema', () => {
    const ticks = sseEventSignal('/ticker', 'tick', { schema: z.object({ price: z.number() }) });
    expectTypeOf(ticks.value.data).toEqualTypeOf<{ price: number } | undefined>();
  });

  it("reads parse: 'text' as a string", () => {
    expectTypeOf(sseEventSignal('/log', 'line', { parse: 'text', pool }).value.data).toEqualTypeOf<
      string | undefined
    >();
  });

  it('takes an explicit type, and unknown otherwise', () => {
    expectTypeOf(sseEventSignal<Tick>('/ticker', 'tick').value.data).toEqualTypeOf<
      Tick | undefined
    >();
    expectTypeOf(sseEventSignal('/ticker', 'tick').value.data).toEqualTypeOf<unknown>();
  });

  it('returns read-only signals', () => {
    expectTypeOf(eventSourceSignal('/ticker')).toEqualTypeOf<ReadonlySignal<SourceSnapshot>>();
    const ticks = sseEventSignal<Tick>('/ticker', 'tick');
    const other = sseEventSignal<Tick>('/other', 'tick');
    // @ts-expect-error the snapshot belongs to the stream
    ticks.value = other.value;
  });
});
