import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { createPool } from './pool';
import type { EventSnapshot, SourceSnapshot } from './types';

interface Tick {
  symbol: string;
  price: number;
}
const pool = createPool();

// An event map on the source types every event it names.
const ticker = pool.source<{ tick: Tick; news: string }>('https://x.test/s');
expectTypeOf(ticker.event('tick').get().data).toEqualTypeOf<Tick | undefined>();
expectTypeOf(ticker.event('news').get().data).toEqualTypeOf<string | undefined>();
expectTypeOf(ticker.event('other').get().data).toEqualTypeOf<unknown>();
expectTypeOf(ticker.get()).toEqualTypeOf<SourceSnapshot>();

// A Standard Schema validates and infers.
const TickSchema = z.object({ symbol: z.string(), price: z.number() });
const validated = pool.source('https://x.test/s').event('tick', { schema: TickSchema });
expectTypeOf(validated.get().data).toEqualTypeOf<{ symbol: string; price: number } | undefined>();
expectTypeOf(validated.get().history).toEqualTypeOf<readonly { symbol: string; price: number }[]>();

// parse: 'text' gives strings, a parse function its return type.
expectTypeOf(ticker.event('tick', { parse: 'text' }).get().data).toEqualTypeOf<
  string | undefined
>();
expectTypeOf(ticker.event('tick', { parse: (data) => data.length }).get().data).toEqualTypeOf<
  number | undefined
>();

// An explicit type wins.
expectTypeOf(pool.source('https://x.test/s').event<Tick>('tick').get()).toEqualTypeOf<
  EventSnapshot<Tick>
>();

// on() hands over parsed data.
ticker.event('tick').on((data, event) => {
  expectTypeOf(data).toEqualTypeOf<Tick>();
  expectTypeOf(event.lastEventId).toEqualTypeOf<string>();
});

// Every error kind is one the core produces: the app closing a source is `closed`, not an error.
// @ts-expect-error 'aborted' is not an error kind
const aborted: import('./types').SSEErrorKind = 'aborted';
void aborted;

// SSEError narrows by kind, and every field stays readable on the union (users' code compiles).
declare const failure: import('./types').SSEError;
expectTypeOf(failure.status).toEqualTypeOf<number | undefined>();
if (failure.kind === 'parse') expectTypeOf(failure.raw).toEqualTypeOf<string>();
