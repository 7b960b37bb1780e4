import { createPool, type ReceivedEvent, type SourceHandle } from '@ssekit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createApp, ref } from 'vue';
import { z } from 'zod';
import { createSSEPlugin } from './plugin';
import { type UseSSEEventOptions, useSSEEvent } from './useSSEEvent';

interface Tick {
  price: number;
}

const pool = createPool();

describe('useSSEEvent data types', () => {
  it('infers from the event map of a handle', () => {
    const source: SourceHandle<{ tick: Tick }> = pool.source('/ticker');
    const { data, history } = useSSEEvent(source, 'tick');
    expectTypeOf(data.value).toEqualTypeOf<Tick | undefined>();
    expectTypeOf(history.value).toEqualTypeOf<readonly Tick[]>();
  });

  it('infers from a Standard Schema', () => {
    const Tick = z.object({ price: z.number() });
    const { data } = useSSEEvent('/ticker', 'tick', { schema: Tick });
    expectTypeOf(data.value).toEqualTypeOf<{ price: number } | undefined>();
  });

  it("reads parse: 'text' as a string", () => {
    const { data } = useSSEEvent('/log', 'line', { parse: 'text' });
    expectTypeOf(data.value).toEqualTypeOf<string | undefined>();
  });

  it('takes an explicit type, and unknown otherwise', () => {
    expectTypeOf(useSSEEvent<Tick>('/ticker', 'tick').data.value).toEqualTypeOf<Tick | undefined>();
    expectTypeOf(useSSEEvent('/ticker', 'tick').data.value).toEqualTypeOf<unknown>();
  });

  it('accepts refs and getters for target, type and enabled', () => {
    const url = ref('/ticker');
    const { data } = useSSEEvent<Tick>(url, () => 'tick', { enabled: ref(true) });
    expectTypeOf(data.value).toEqualTypeOf<Tick | undefined>();
  });

  it('types onEvent with the inferred data', () => {
    const Tick = z.object({ price: z.number() });
    useSSEEvent('/ticker', 'tick', {
      schema: Tick,
      onEvent(data, event) {
        expectTypeOf(data).toEqualTypeOf<{ price: number }>();
        expectTypeOf(event).toEqualTypeOf<ReceivedEvent>();
      },
    });
  });

  it('types onEvent with an explicit type', () => {
    useSSEEvent<Tick>('/ticker', 'tick', {
      onEvent: (tick) => expectTypeOf(tick).toEqualTypeOf<Tick>(),
    });
  });

  it('returns readonly refs', () => {
    const { data } = useSSEEvent<Tick>('/ticker', 'tick');
    // @ts-expect-error the data belongs to the stream, not to the component
    data.value = { price: 1 };
  });
});

describe('useSSEEvent options held in a variable', () => {
  it('accepts UseSSEEventOptions<T> with an explicit type', () => {
    const options: UseSSEEventOptions<Tick> = { onEvent: (tick) => tick.price };
    expectTypeOf(useSSEEvent<Tick>('/ticker', 'tick', options).data.value).toEqualTypeOf<
      Tick | undefined
    >();
  });
});

describe('the app plugin', () => {
  it('is accepted by app.use', () => {
    createApp({}).use(createSSEPlugin(pool));
  });
});
