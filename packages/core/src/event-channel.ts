import type { NotifyMode, Scheduler } from './scheduler';
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
      const reason = cause instanceof Error ? cause.message : String(cause);
      outcome = failure(
        'parse',
        `"${event.type}" event data is not valid JSON (${reason}). Send JSON, or read it with parse: 'text'.`,
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
  const error: SSEError = issues
    ? { kind, message, raw: event.data, issues }
    : { kind, message, raw: event.data };
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

/**
 * The state of one event type read one way (type + parse + schema + buffer) on one connection.
 * Each event is parsed and validated here once, however many subscribers read the result.
 */
export class EventChannel<T = unknown> {
  snapshot: EventSnapshot<T> = EMPTY_EVENT;
  readonly listeners = new Set<(snapshot: EventSnapshot<T>) => void>();
  readonly handlers = new Set<(data: T, event: ReceivedEvent) => void>();
  private notified: EventSnapshot<T> = EMPTY_EVENT;
  private queue: Promise<void> | undefined;

  constructor(
    readonly type: string,
    readonly options: EventOptions<T>,
    private readonly scheduler: Scheduler,
    private readonly notifyMode: NotifyMode,
  ) {}

  /** How many subscriptions (listeners and `on` handlers) keep this channel alive. */
  get refs(): number {
    return this.listeners.size + this.handlers.size;
  }

  /** True when `options` read events the same way as this channel. */
  matches(options: EventOptions<unknown>): boolean {
    const own = this.options;
    return (
      (own.parse ?? 'json') === (options.parse ?? 'json') &&
      own.schema === options.schema &&
      (own.buffer ?? 0) === (options.buffer ?? 0) &&
      (own.notify ?? this.notifyMode) === (options.notify ?? this.notifyMode)
    );
  }

  /** Takes one event. `count` is how many events of this type the connection has seen. */
  push(event: ReceivedEvent, count: number): void {
    // While an async schema validates, later events wait their turn so order holds.
    const pending = this.queue
      ? this.queue.then(() => this.apply(event, count))
      : this.apply(event, count);
    if (!pending) return;
    this.queue = pending;
    void pending.then(() => {
      if (this.queue === pending) this.queue = undefined;
    });
  }

  /** A late subscriber starts from the latest event of its type, without a notification. */
  seed(event: ReceivedEvent, count: number): void {
    this.push(event, count);
    this.notified = this.snapshot;
  }

  flush(): void {
    const snapshot = this.snapshot;
    if (snapshot === this.notified) return;
    this.notified = snapshot;
    for (const listener of [...this.listeners]) listener(snapshot);
  }

  private apply(event: ReceivedEvent, count: number): Promise<void> | undefined {
    const outcome = this.read(event);
    if (!(outcome instanceof Promise)) return void this.commit(event, count, outcome);
    return outcome.then(
      (o) => this.commit(event, count, o),
      (cause: unknown) => this.commit(event, count, failure('validation', String(cause), event)),
    );
  }

  private read(event: ReceivedEvent): Outcome | Promise<Outcome> {
    const { parse = 'json', schema } = this.options;
    let parsed: Outcome;
    if (parse === 'json') parsed = parseJson(event);
    else if (parse === 'text') parsed = { ok: true, value: event.data };
    else {
      try {
        parsed = { ok: true, value: parse(event.data, event) };
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        parsed = failure('parse', `"${event.type}" event could not be parsed (${reason}).`, event);
      }
    }
    if (!parsed.ok || !schema) return parsed;
    const result = schema['~standard'].validate(parsed.value);
    return result instanceof Promise
      ? result.then((r) => validated(r, event))
      : validated(result, event);
  }

  private commit(event: ReceivedEvent, count: number, outcome: Outcome): void {
    const previous = this.snapshot;
    const base = {
      raw: event.data,
      lastEventId: event.lastEventId,
      receivedAt: event.receivedAt,
      count,
    };
    if (outcome.ok) {
      const value = outcome.value as T;
      const size = this.options.buffer ?? 0;
      const history = size > 0 ? [...previous.history, value].slice(-size) : previous.history;
      this.snapshot = Object.freeze({ ...base, data: value, error: null, history });
      for (const handler of [...this.handlers]) handler(value, event);
    } else {
      // Keep the last good value: one bad event must not blank a widget.
      this.snapshot = Object.freeze({
        ...base,
        data: previous.data,
        error: outcome.error,
        history: previous.history,
      });
    }
    this.scheduler.schedule(this, this.options.notify ?? this.notifyMode);
  }
}
