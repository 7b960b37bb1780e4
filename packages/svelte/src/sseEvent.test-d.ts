import { createPool, type EventSnapshot, type SourceHandle } from '@ssekit/core';
import type { Readable } from 'svelte/store';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { eventSource } from './eventSource.js';
import { sseEvent } from './sseEvent.js';

interface Tick {
  price: number;
}

const pool = createPool();

describe('sseEvent data types', () => {
  it('infers from the event map of a handle', () => {
    const source: SourceHandle<{ tick: Tick }> = pool.source('/ticker');
    const ticks = sseEvent(source, 'tick');
    expectTypeOf(ticks.current.data).toEqualTypeOf<Tick | undefined>();
    expectTypeOf(ticks.current.history).toEqualTypeOf<readonly Tick[]>();
  });

  it('infers from a Standard Schema', () => {
    const ticks = sseEvent('/ticker', 'tick', { schema: z.object({ price: z.number() }) });
    expectTypeOf(ticks.current.data).toEqualTypeOf<{ price: number } | undefined>();
  });

  it("reads parse: 'text' as a string", () => {
    expectTypeOf(sseEvent('/log', 'line', { parse: 'text' }).current.data).toEqualTypeOf<
      string | undefined
    >();
  });

  it('takes an explicit type, and unknown otherwise', () => {
    expectTypeOf(sseEvent<Tick>('/ticker', 'tick').current.data).toEqualTypeOf<Tick | undefined>();
    expectTypeOf(sseEvent('/ticker', 'tick').current.data).toEqualTypeOf<unknown>();
  });

  it('is a Svelte store of the snapshot, so $ticks.data is typed', () => {
    expectTypeOf(sseEvent<Tick>('/ticker', 'tick')).toExtend<Readable<EventSnapshot<Tick>>>();
    expectTypeOf(eventSource('/ticker')).toExtend<Readable<{ status: string }>>();
  });

  it('types on() with the inferred data', () => {
    sseEvent('/ticker', 'tick', { schema: z.object({ price: z.number() }) }).on((data) => {
      expectTypeOf(data).toEqualTypeOf<{ price: number }>();
    });
  });

  it('makes current read-only', () => {
    const ticks = sseEvent<Tick>('/ticker', 'tick');
    const other = sseEvent<Tick>('/other', 'tick');
    // @ts-expect-error the snapshot belongs to the stream
    ticks.current = other.current;
  });
});
