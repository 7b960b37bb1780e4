/**
 * What tabs say to each other over the BroadcastChannel, and the rules for reading it. Pure: no
 * channel, no lock, no timer here.
 */
import type { ServerSentEvent, SSEError } from '../types';

/** In every channel name and every message, so two ssekit versions never mix. */
export const PROTOCOL_VERSION = 2;

/** Events a tab keeps to fill a follower's gap (a tab restored from the back/forward cache). */
export const RECENT_EVENTS = 20;

/** The leader's stream; `closed` means it gave up (followers end their attempt with its error). */
export type LeaderStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The leader's stream as one tab knows it, the leader's own tab included: its status, its recent
 * events, and where its messages stand. Leaders stamp every message with their `epoch`
 * (increasing from one leader to the next) and a `seq`: each event they relay has the next
 * number, their other messages carry the number of the last one.
 */
export interface LeaderView {
  epoch: number;
  /** Of the last event taken, or relayed when leading. */
  seq: number;
  status: LeaderStatus;
  error: SSEError | null;
  /** How many times the status changed: an answer to another tab's hello is not applied twice. */
  changes: number;
  /**
   * Kept to fill gaps: a follower that missed some, a follower promoted to leader. A leader's
   * last one is numbered `seq`, the one before `seq - 1`, and so on.
   */
  recent: ServerSentEvent[];
  /** Of the newest event in `recent`. */
  lastEventId: string;
}

/** A follower says "I want the stream, with these event types": the leader listens to them too. */
export interface HelloMessage {
  readonly version: typeof PROTOCOL_VERSION;
  readonly kind: 'hello';
  readonly types: string[];
}

/** What only a leader sends, stamped with its epoch and the number of its last event (`seq`). */
export type LeaderMessage = {
  readonly version: typeof PROTOCOL_VERSION;
  readonly epoch: number;
  readonly seq: number;
} & (
  | { readonly kind: 'event'; readonly event: ServerSentEvent }
  /** The leader's status: on every change, and with its recent events to start or answer a hello. */
  | ({ readonly kind: 'state' } & Readonly<
      Pick<LeaderView, 'status' | 'error' | 'changes' | 'recent' | 'lastEventId'>
    >)
  /** The heartbeat: the leader watches the stream for staleness, followers watch the leader. */
  | { readonly kind: 'alive' }
  /** The leader stops leading: followers expect a new one. */
  | { readonly kind: 'bye' }
);

/** Anything a tab posts on the channel. */
export type Message = HelloMessage | LeaderMessage;

/**
 * A view of no leader yet.
 *
 * @example
 * const view = createLeaderView();
 */
export function createLeaderView(): LeaderView {
  return { epoch: 0, seq: 0, status: 'idle', error: null, changes: 0, recent: [], lastEventId: '' };
}

/**
 * The name of the lock and the channel of one key. The key holds header values: only its hash
 * may appear in a name.
 *
 * @example
 * const name = await sessionName(key, crypto.subtle); // 'ssekit:2:9f86d0…'
 */
export async function sessionName(
  key: string,
  subtle: Pick<SubtleCrypto, 'digest'>,
): Promise<string> {
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(key));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0'));
  return `ssekit:${PROTOCOL_VERSION}:${hex.join('')}`;
}

/**
 * Whether `view` should take a leader's message: a newer leader's, the same leader's next event,
 * or its word on where it stands now. Anything else is an older leader's, or seen already.
 *
 * @example
 * if (!isNewer(message, view)) return;
 */
export function isNewer(message: LeaderMessage, view: LeaderView): boolean {
  const next = message.kind === 'event' ? view.seq + 1 : view.seq;
  return message.epoch > view.epoch || (message.epoch === view.epoch && message.seq >= next);
}

/**
 * This tab starts leading: an epoch above the last one it saw and the clock (with a random
 * tiebreak for two tabs that start in the same millisecond), its recent events numbered
 * 1, 2, … and its `seq` going on from there, a fresh status.
 *
 * @example
 * startLeading(view, platform.now(), platform.random(), 'connecting');
 */
export function startLeading(
  view: LeaderView,
  now: number,
  random: number,
  status: LeaderStatus,
): void {
  view.epoch = Math.max(now, Math.floor(view.epoch) + 1) + random;
  view.seq = view.recent.length;
  view.status = status;
  view.error = null;
  view.changes = 0;
}

/**
 * Keeps an event for gap filling, dropping the oldest beyond {@link RECENT_EVENTS}.
 *
 * @example
 * remember(view, event);
 */
export function remember(view: LeaderView, event: ServerSentEvent): void {
  view.recent.push(event);
  if (view.recent.length > RECENT_EVENTS) view.recent.shift();
  view.lastEventId = event.lastEventId;
}

/**
 * Takes a leader's message that {@link isNewer} accepted into `view`: its place, and for a `bye`
 * or a `state` the leader's status. Returns what is new to this tab: whether a new leader sent
 * it, the events to keep and deliver in order, and whether the status changed (false for an
 * answer to another tab's hello, applied already).
 *
 * @example
 * const { newLeader, events, changed } = takeNewer(view, message);
 */
export function takeNewer(
  view: LeaderView,
  message: LeaderMessage,
): { newLeader: boolean; events: ServerSentEvent[]; changed: boolean } {
  const newLeader = message.epoch > view.epoch;
  const missed = message.seq - view.seq; // of the same leader's events
  view.epoch = message.epoch;
  view.seq = message.seq;
  let events: ServerSentEvent[] = [];
  let changed = false;
  if (message.kind === 'event') {
    events = [message.event];
  } else if (message.kind === 'bye') {
    view.status = 'connecting';
  } else if (message.kind === 'state') {
    // A new leader's events are placed by the id this tab saw last. The same leader's last one
    // is number `seq`: this tab takes the last ones it is behind by.
    const { recent } = message;
    if (newLeader) events = eventsAfter(recent, view.lastEventId);
    else if (missed) events = recent.slice(-missed);
    changed = newLeader || message.changes !== view.changes;
    view.status = message.status;
    view.error = message.error;
    view.changes = message.changes;
  }
  return { newLeader, events, changed };
}

/**
 * The events after the newest one with this id; none when it is not among them ('' never is:
 * without an id, no place).
 *
 * @example
 * for (const event of eventsAfter(view.recent, delivered)) deliver(event);
 */
export function eventsAfter(recent: ServerSentEvent[], id: string): ServerSentEvent[] {
  if (id)
    for (let i = recent.length - 1; i >= 0; i--) {
      if (recent[i]!.lastEventId === id) return recent.slice(i + 1);
    }
  return [];
}
