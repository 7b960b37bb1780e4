import type {
  ConnectionStatus,
  EventSnapshot,
  ReceivedEvent,
  SourceHandle,
  SSEError,
} from '@ssekit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { useEventSource } from './useEventSource';
import { useSSEEvent } from './useSSEEvent';

type Tick = { price: number };
declare const ticker: SourceHandle<{ tick: Tick; note: string }>;
const Reading = z.object({ celsius: z.number() });

describe('useSSEEvent types', () => {
  it('infers data from the event map of a handle', () => {
    expectTypeOf(useSSEEvent(ticker, 'tick').data).toEqualTypeOf<Tick | undefined>();
    expectTypeOf(useSSEEvent(ticker, 'note').data).toEqualTypeOf<string | undefined>();
    expectTypeOf(useSSEEvent(ticker, 'tick').history).toEqualTypeOf<readonly Tick[]>();
  });

  it("infers data from a Standard Schema, from parse: 'text' and from a parse function", () => {
    expectTypeOf(useSSEEvent('/s', 'reading', { schema: Reading }).data).toEqualTypeOf<
      { celsius: number } | undefined
    >();
    expectTypeOf(useSSEEvent('/s', 'note', { parse: 'text' }).data).toEqualTypeOf<
      string | undefined
    >();
    const parseSize = (text: string): number => text.length;
    expectTypeOf(useSSEEvent('/s', 'size', { parse: parseSize }).data).toEqualTypeOf<
      number | undefined
    >();
  });

  it('takes an explicit T, and is unknown without any hint', () => {
    expectTypeOf(useSSEEvent<Tick>('/s', 'tick').data).toEqualTypeOf<Tick | undefined>();
    expectTypeOf(useSSEEvent('/s', 'tick').data).toEqualTypeOf<unknown>();
    expectTypeOf(useSSEEvent('/s', 'tick').error).toEqualTypeOf<SSEError | null>();
  });

  it('returns the selected slice, typed from the inferred data', () => {
    expectTypeOf(useSSEEvent(ticker, 'tick', { select: (s) => s.data?.price })).toEqualTypeOf<
      number | undefined
    >();
    const celsius = useSSEEvent('/s', 'reading', {
      schema: Reading,
      select: (s) => s.data?.celsius ?? 0,
      isEqual: (a, b) => Math.abs(a - b) < 0.1,
    });
    expectTypeOf(celsius).toEqualTypeOf<number>();
    // Inline callbacks beside a schema or parse still see the payload type.
    useSSEEvent('/s', 'note', {
      parse: 'text',
      select: (s) => expectTypeOf(s).toEqualTypeOf<EventSnapshot<string>>(),
      onEvent: (data, event) => {
        expectTypeOf(data).toEqualTypeOf<string>();
        expectTypeOf(event).toEqualTypeOf<ReceivedEvent>();
      },
    });
  });

  it('with an explicit T, select must keep the snapshot type (type the source instead)', () => {
    // @ts-expect-error an explicit T cannot be combined with an inferred slice type
    useSSEEvent<Tick>('/s', 'tick', { select: (s) => s.data?.price });
  });

  it('types the connection options and the source status', () => {
    useSSEEvent(ticker, 'tick', { enabled: false, headers: { authorization: 'x' }, buffer: 5 });
    // @ts-expect-error unknown parse mode
    useSSEEvent('/s', 'tick', { parse: 'xml' });
    expectTypeOf(useEventSource(ticker).status).toEqualTypeOf<ConnectionStatus>();
    expectTypeOf(useEventSource('/s').reconnect).toEqualTypeOf<() => void>();
  });
});
