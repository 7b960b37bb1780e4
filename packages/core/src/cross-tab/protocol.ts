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

/** A relayed event and its sequence number among the leader's messages. */
export interface RecentEvent {
  readonly seq: number;
  readonly event: ServerSentEvent;
}

/**
 * The leader's stream as one tab knows it, the leader's own tab included: its status, its recent
 * events, and where its messages stand. Leaders stamp every message with their `epoch`
 * (increasing from one leader to the next) and a `seq` (increasing within one leader).
 */
export interface LeaderView {
  epoch: number;
  /** Of the last message taken, or sent when leading. */
  seq: number;
  status: LeaderStatus;
  error: SSEError | null;
  /** How many times the status changed: an answer to another tab's hello is not applied twice. */
  changes: number;
  /** Kept to fill gaps: a follower that missed some, a follower promoted to leader. */
  recent: RecentEvent[];
  /** Of the newest event in `recent`. */
  lastEventId: string;
}

/** A follower says "I want the stream, with these event types": the leader listens to them too. */
export interface HelloMessage {
  readonly version: typeof PROTOCOL_VERSION;
  readonly kind: 'hello';
  readonly types: string[];
}

/** What only a leader sends, stamped with its epoch and the message's `seq`. */
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
  | { readonly kind: 'bye'; readonly lastEventId: string }
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
 * Whether a leader's message is newer than the last one `view` took: a newer leader's, or the same
 * leader's next. Anything else is an older leader's, or seen already.
 *
 * @example
 * if (!isNewer(message, view)) return;
 */
export function isNewer(message: LeaderMessage, view: LeaderView): boolean {
  return message.epoch > view.epoch || (message.epoch === view.epoch && message.seq > view.seq);
}

/**
 * This tab starts leading: an epoch above the last one it saw and the clock (with a random
 * tiebreak for two tabs that start in the same millisecond), its recent events renumbered
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
  view.recent = view.recent.map(({ event }, i) => ({ seq: i + 1, event }));
  view.seq = view.recent.length;
  view.status = status;
  view.error = null;
  view.changes = 0;
}

/**
 * Keeps an event for gap filling, dropping the oldest beyond {@link RECENT_EVENTS}.
 *
 * @example
 * remember(view, { seq: view.seq, event });
 */
export function remember(view: LeaderView, entry: RecentEvent): void {
  view.recent.push(entry);
  if (view.recent.length > RECENT_EVENTS) view.recent.shift();
  view.lastEventId = entry.event.lastEventId;
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
): { newLeader: boolean; events: RecentEvent[]; changed: boolean } {
  const newLeader = message.epoch > view.epoch;
  const seqBefore = newLeader ? 0 : view.seq;
  view.epoch = message.epoch;
  view.seq = message.seq;
  let events: RecentEvent[] = [];
  let changed = false;
  if (message.kind === 'event') {
    events = [{ seq: message.seq, event: message.event }];
  } else if (message.kind === 'bye') {
    view.status = 'connecting';
  } else if (message.kind === 'state') {
    // A new leader's events are placed by the id this tab saw last, the same leader's by `seq`.
    const { recent } = message;
    events = newLeader
      ? eventsAfter(recent, view.lastEventId)
      : recent.filter((entry) => entry.seq > seqBefore);
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
 * for (const { event } of eventsAfter(view.recent, delivered)) deliver(event);
 */
export function eventsAfter(recent: RecentEvent[], id: string): RecentEvent[] {
  if (id)
    for (let i = recent.length - 1; i >= 0; i--) {
      if (recent[i]!.event.lastEventId === id) return recent.slice(i + 1);
    }
  return [];
}
