import { call, type Flushable, type NotifyMode, type Scheduler } from './scheduler';
import type { Readable } from './types';

/**
 * One immutable value and its listeners: what a connection's snapshot and an event channel's
 * snapshot are built from. `set` schedules one coalesced notification; listeners hear only the
 * latest value, and only when it changed since they last heard.
 */
export interface Observable<S> extends Flushable {
  readonly listeners: Set<(value: S) => void>;
  get(): S;
  set(value: S): void;
  /** The current value counts as heard: a late subscriber's seeded channel notifies nobody. */
  settle(): void;
}

/**
 * Creates an {@link Observable} whose notifications go through the pool's scheduler.
 *
 * @example
 * const state = createObservable(IDLE_SOURCE, schedule, 'task');
 * state.set({ ...state.get(), status: 'open' });
 */
export function createObservable<S>(
  initial: S,
  schedule: Scheduler,
  mode: NotifyMode,
): Observable<S> {
  let value = initial;
  let heard = initial;
  const self: Observable<S> = {
    listeners: new Set(),
    get: () => value,
    set(next) {
      if (next === value) return;
      value = next;
      schedule(self, mode);
    },
    settle() {
      heard = value;
    },
    flush() {
      if (value === heard) return;
      heard = value;
      // A Set stays safe to iterate while listeners unsubscribe themselves.
      for (const listener of self.listeners) call(schedule.report, listener, value);
    },
  };
  return self;
}

/** What a subscription leaves when it ends: its connection, and its channel if it had one. */
interface Held {
  release(): void;
}
interface HeldChannel {
  readonly refs: number;
}

/**
 * The one subscribe/unsubscribe primitive of the core: adds `fn` to `set` (a function already
 * there is wrapped, so each subscription counts) and returns the function that ends only this
 * subscription, once. The last subscriber of `channel` drops it (other types carry on); every
 * subscription releases its `connection`, whose last release starts the linger delay.
 *
 * @example
 * const off = join(host.acquire(key, handle), connection.listeners, listener);
 */
export function join<F, C extends HeldChannel>(
  connection: Held & { dropChannel(channel: C): void },
  set: Set<F>,
  fn: F,
  channel?: C,
): () => void {
  // One closure per subscription, over as little as possible: idle subscriptions are what a
  // dashboard holds most. A function already there goes in as a bound copy, so `fn` itself stays
  // out of what that closure keeps.
  let entry: F | undefined = set.has(fn) ? ((fn as () => void).bind(undefined) as F) : fn;
  set.add(entry);
  return () => {
    // Once: `fn` may have joined again since, and that subscription stays.
    if (entry === undefined) return;
    set.delete(entry);
    entry = undefined;
    if (channel && channel.refs === 0) connection.dropChannel(channel);
    connection.release();
  };
}

/**
 * `subscribe` for any handle: listens, then runs at once with the current value (the Svelte
 * store contract).
 *
 * @example
 * subscribe: (run) => listenThenRun(handle, run),
 */
export function listenThenRun<S>(handle: Readable<S>, run: (value: S) => void): () => void {
  // Listen first: a late subscriber's channel is seeded on listen, and `run` must see that value.
  const stop = handle.listen(run);
  run(handle.get());
  return stop;
}
