import { createObservable } from './observable';
import { call, type NotifyMode, type Scheduler } from './scheduler';
import type { StandardSchemaV1 } from './standard-schema';
import type { EventSnapshot, ReceivedEvent, ServerSentEvent, SSEError } from './types';

/** How an event's `data` text becomes a value: JSON (default), the text itself, or your function. */
export type ParseOption<T = unknown> =
  | 'json'
  | 'text'
  | ((data: string, event: ServerSentEvent) => T);

/** Options of `source.event(type, options)`. */
export interface EventOptions<T = unknown> {
  /** Default `'json'`. */
  parse?: ParseOption;
  /** A Standard Schema (zod, valibot, arktype, …) that validates the parsed value. */
  schema?: StandardSchemaV1<unknown, T>;
  /** Keep the last `buffer` good values in `history`. Default 0. */
  buffer?: number;
  /** Coalesce notifications per task (default) or per animation frame. */
  notify?: NotifyMode;
}

/**
 * Whether two option objects read events the same way: the one comparison behind both stable
 * event handles and shared channels. `notify` left out means `notifyDefault`.
 *
 * @example
 * sameEventOptions({}, { parse: 'json', buffer: 0 }); // true
 */
export function sameEventOptions(
  a: EventOptions<any>,
  b: EventOptions<any>,
  notifyDefault?: NotifyMode,
): boolean {
  return (
    (a.parse ?? 'json') === (b.parse ?? 'json') &&
    a.schema === b.schema &&
    (a.buffer ?? 0) === (b.buffer ?? 0) &&
    (a.notify ?? notifyDefault) === (b.notify ?? notifyDefault)
  );
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: SSEError };

/** The snapshot before any event arrived. Shared, so `get()` stays stable on an idle handle. */
export const EMPTY_EVENT: EventSnapshot<never> = Object.freeze({
  data: undefined,
  raw: undefined,
  lastEventId: '',
  receivedAt: null,
  count: 0,
  error: null,
  history: Object.freeze([]) as readonly never[],
});

// Parse once: every channel reading JSON from the same event shares this result. A WeakMap so
// the memo lives exactly as long as the event record does.
const jsonMemo = new WeakMap<ServerSentEvent, Outcome>();

function parseJson(event: ServerSentEvent): Outcome {
  let outcome = jsonMemo.get(event);
  if (!outcome) {
    try {
      outcome = { ok: true, value: JSON.parse(event.data) };
    } catch (cause) {
      outcome = failure(
        'parse',
        `"${event.type}" event data is not valid JSON (${cause}). Send JSON, or read it with parse: 'text'.`,
        event,
      );
    }
    jsonMemo.set(event, outcome);
  }
  return outcome;
}

function failure(
  kind: 'parse' | 'validation',
  message: string,
  event: ServerSentEvent,
  issues?: readonly StandardSchemaV1.Issue[],
): Outcome {
  const error: SSEError = { kind, message, raw: event.data };
  if (issues) return { ok: false, error: { ...error, issues } };
  return { ok: false, error };
}

function validated(outcome: StandardSchemaV1.Result<unknown>, event: ServerSentEvent): Outcome {
  if (!outcome.issues) return { ok: true, value: outcome.value };
  const first = outcome.issues[0];
  const path = first?.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
  const detail = first ? `${path ? `${path}: ` : ''}${first.message}` : 'invalid';
  return failure(
    'validation',
    `"${event.type}" event failed its schema (${detail}).`,
    event,
    outcome.issues,
  );
}

/** The state of one event type read one way (type + parse + schema + buffer) on one connection. */
export interface EventChannel<T = unknown> {
  readonly type: string;
  readonly options: EventOptions<T>;
  readonly snapshot: EventSnapshot<T>;
  readonly listeners: Set<(snapshot: EventSnapshot<T>) => void>;
  readonly handlers: Set<(data: T, event: ReceivedEvent) => void>;
  /** How many subscriptions (listeners and `on` handlers) keep this channel alive. */
  readonly refs: number;
  /** True when `options` read events the same way as this channel. */
  matches(options: EventOptions<unknown>): boolean;
  /** Takes one event. `count` is how many events of this type the connection has seen. */
  push(event: ReceivedEvent, count: number): void;
  /**
   * A late subscriber starts from the latest events of its type (oldest first, each with its
   * count), without a notification: `history` fills up to `buffer` from them.
   */
  seed(events: readonly { event: ReceivedEvent; count: number }[]): void;
}

/**
 * Creates the state of one event type read one way. Each event is parsed and validated here
 * once, however many subscribers read the result.
 *
 * @example
 * const channel = createEventChannel('tick', { parse: 'json' }, schedule, 'task');
 */
export function createEventChannel<T>(
  type: string,
  options: EventOptions<T>,
  schedule: Scheduler,
  notifyMode: NotifyMode,
): EventChannel<T> {
  const { parse = 'json', schema, buffer = 0 } = options;
  const notify = options.notify ?? notifyMode;
  const { report } = schedule;
  const state = createObservable<EventSnapshot<T>>(EMPTY_EVENT, schedule, notify);
  // Set while an async schema validates: later events wait their turn so order holds.
  let queue: Promise<void> | undefined;

  const read = (event: ReceivedEvent): Outcome | Promise<Outcome> => {
    let parsed: Outcome;
    if (parse === 'json') parsed = parseJson(event);
    else if (parse === 'text') parsed = { ok: true, value: event.data };
    else {
      try {
        parsed = { ok: true, value: parse(event.data, event) };
      } catch (cause) {
        parsed = failure('parse', `"${event.type}" event could not be parsed (${cause}).`, event);
      }
    }
    if (!parsed.ok || !schema) return parsed;
    const result = schema['~standard'].validate(parsed.value);
    return result instanceof Promise
      ? result.then((r) => validated(r, event))
      : validated(result, event);
  };

  const commit = (event: ReceivedEvent, count: number, outcome: Outcome): void => {
    const previous = state.get();
    const value = outcome.ok ? (outcome.value as T) : previous.data;
    state.set(
      Object.freeze({
        raw: event.data,
        lastEventId: event.lastEventId,
        receivedAt: event.receivedAt,
        count,
        // Keep the last good value: one bad event must not blank a widget.
        data: value,
        error: outcome.ok ? null : outcome.error,
        history:
          outcome.ok && buffer > 0
            ? [
                ...previous.history.slice(Math.max(0, previous.history.length + 1 - buffer)),
                value as T,
              ]
            : previous.history,
      }),
    );
    // No copy per event: a Set stays safe to iterate while handlers unsubscribe themselves.
    // One handler's exception is reported and never reaches the stream or the handlers after it.
    if (outcome.ok) for (const handler of self.handlers) call(report, handler, value as T, event);
  };

  const apply = (event: ReceivedEvent, count: number): Promise<void> | undefined => {
    const outcome = read(event);
    if (!(outcome instanceof Promise)) {
      commit(event, count, outcome);
      return undefined;
    }
    return outcome.then(
      (o) => commit(event, count, o),
      (cause: unknown) => commit(event, count, failure('validation', String(cause), event)),
    );
  };

  const self: EventChannel<T> = {
    type,
    options,
    get snapshot() {
      return state.get();
    },
    listeners: state.listeners,
    handlers: new Set(),
    get refs() {
      return self.listeners.size + self.handlers.size;
    },
    matches: (other) => sameEventOptions(options, other, notifyMode),
    push(event, count) {
      const pending = queue ? queue.then(() => apply(event, count)) : apply(event, count);
      if (!pending) return;
      queue = pending;
      void pending.then(() => {
        if (queue === pending) queue = undefined;
      });
    },
    seed(events) {
      for (const { event, count } of events.slice(-Math.max(1, buffer))) self.push(event, count);
      state.settle();
    },
  };
  return self;
}
