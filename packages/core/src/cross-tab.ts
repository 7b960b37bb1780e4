import { type CrossTabLocks, createElection, type Election } from './cross-tab/election';
import type { Platform } from './platform';
import type { Transport, TransportAttempt, TransportSink } from './transport';
import type { SourceSnapshot, SSEError } from './types';

/**
 * What cross-tab sharing needs of a `BroadcastChannel`, so tests can pass their own. Declared
 * here, not picked from the DOM types, so the published types check without the DOM lib.
 */
export interface CrossTabChannel {
  postMessage(message: unknown): void;
  close(): void;
  // `any`: the DOM's MessageEvent, which Node's types lack.
  onmessage: ((event: any) => unknown) | null;
}

export type { CrossTabLocks } from './cross-tab/election';

/** Options of cross-tab sharing: `createPool({ crossTab: { … } })` or per source. */
export interface CrossTabOptions {
  /** How often the leader tells the other tabs it is alive; default 5000 ms. */
  heartbeatMs?: number;
  /** A visible follower that heard nothing from the leader for this long takes over; default 30 000 ms. */
  stealAfterMs?: number;
  /**
   * Who the stream is for (e.g. the user id). Tabs share a stream only with the same scope; a
   * source whose headers come from a function is shared only when a scope is given.
   */
  scope?: string;
  /** Web Locks; default `navigator.locks`. */
  locks?: CrossTabLocks;
  /** Default `globalThis.BroadcastChannel`. */
  BroadcastChannel?: new (
    name: string,
  ) => CrossTabChannel;
  /** Where `pagehide`/`pageshow`/`freeze`/`resume` arrive; default the window and the document. */
  lifecycle?: EventTarget;
}

/** What the pool adds to {@link CrossTabOptions} when it creates the transport. */
export interface CrossTabTransportOptions extends CrossTabOptions {
  /** Timers, clock and visibility. */
  platform: Platform;
  /** This tab's view of the stream, read after a failure: a leader tells followers whether it gave up. */
  snapshot?: () => SourceSnapshot;
}

// Protocol version: in every name and every message, so two ssekit versions never mix.
const V = 1;
// Events kept to fill a follower's gap (a tab restored from the back/forward cache).
const KEEP = 20;

/** One event on the wire: `[type, data, lastEventId]`. */
type Wire = [string, string, string];
/** The leader's stream; `closed` means it gave up (followers end their attempt with `error`). */
type Status = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * Followers say `hello` ("I want the stream, with these event types"): the leader answers with
 * `state` and its last events, or hands the lock over when it has no attempt of its own. The
 * leader stamps everything with its `epoch` and a `seq`; `n` counts its status changes, so an
 * answer meant for another tab is never applied twice.
 */
type Message = { v: typeof V } & (
  | { t: 'hello'; types: string[] }
  | ((
      | { t: 'event'; e: Wire }
      | {
          t: 'state';
          status: Status;
          error: SSEError | null;
          n: number;
          id: string;
          events: [number, Wire][];
        }
      | { t: 'alive' }
      | { t: 'bye'; id: string }
    ) & { epoch: number; seq: number })
);

/** Index of the newest event with this id, or -1 ('' never matches: without an id, no place). */
function indexOfId(events: readonly [number, Wire][], id: string): number {
  if (id) for (let i = events.length - 1; i >= 0; i--) if (events[i]![1][2] === id) return i;
  return -1;
}

/**
 * Shares `inner` across the browser's tabs: one tab per `key` (the leader, elected with Web Locks)
 * runs it and relays events over a BroadcastChannel; the others follow. Where Web Locks or
 * BroadcastChannel are missing, or the page is not a secure context, returns `inner` unchanged.
 *
 * @example
 * const transport = createCrossTabTransport(createEventSourceTransport(), key, { platform: createPlatform() });
 */
export function createCrossTabTransport(
  inner: Transport,
  key: string,
  options: CrossTabTransportOptions,
): Transport {
  const g = globalThis as {
    navigator?: { locks?: CrossTabLocks };
    isSecureContext?: boolean;
    BroadcastChannel?: new (name: string) => CrossTabChannel;
  };
  const { platform, snapshot } = options;
  const locks = options.locks ?? g.navigator?.locks;
  const Channel = options.BroadcastChannel ?? g.BroadcastChannel;
  const subtle = globalThis.crypto?.subtle;
  if (!locks || !Channel || !subtle || g.isSecureContext === false) return inner;
  const heartbeatMs = options.heartbeatMs ?? 5000;

  // The session: from the first attempt until release(), ONE lock request and ONE channel for
  // this tab and key, whatever the number of attempts or subscribers.
  let local = false; // sharing could not start: every attempt runs `inner` itself
  let session: AbortController | undefined; // aborted by release(): ends the election
  let channel: CrossTabChannel | undefined;
  let election: Election | undefined;
  let role: 'leader' | 'follower' | undefined;
  let epoch = 0;
  let seq = 0;
  let status: Status = 'idle';
  let error: SSEError | null = null;
  let changes = 0;
  let recent: [number, Wire][] = [];
  let lastId = '';
  let timer: unknown;
  const remoteTypes = new Set<string>();

  // The current attempt of this tab's connection (the pool runs one at a time).
  let url = '';
  let sink: TransportSink | undefined;
  let types = new Set<string>();
  let delivered = ''; // the last id this attempt received: where a promoted follower resumes
  let opened = false;
  let upstream: AbortController | undefined; // the leader's real connection
  let live: TransportAttempt | undefined;

  const post = (message: object): void => channel?.postMessage({ v: V, ...message });
  const announce = (message: object): void => post({ epoch, seq: ++seq, ...message });
  const announceState = (events: [number, Wire][] = []): void =>
    announce({ t: 'state', status, error, n: changes, id: lastId, events });
  const hello = (): void => post({ t: 'hello', types: [...types] });

  const keep = (n: number, e: Wire, send: unknown): void => {
    recent.push([n, e]);
    if (recent.length > KEEP) recent.shift();
    lastId = e[2];
    if (send) deliver(e);
  };
  const deliver = (e: Wire): void => {
    delivered = e[2];
    sink?.event({ type: e[0], data: e[1], lastEventId: e[2] });
    if (role !== 'leader') sink?.activity(e[1].length);
  };
  const setStatus = (next: Status, cause: SSEError | null = null): void => {
    status = next;
    error = cause;
    changes++;
    announceState();
  };
  const stopUpstream = (): void => {
    upstream?.abort();
    upstream = live = undefined;
  };

  /** The leader runs the real connection inside its tab's current attempt. */
  const connect = (to: TransportSink): void => {
    const controller = new AbortController();
    const { signal } = controller;
    upstream = controller;
    if (status !== 'connecting') setStatus('connecting');
    // After a failure the pool has decided already: tell followers whether it retries.
    const trouble = (cause: SSEError | null): void => {
      const now = snapshot?.();
      if (now?.retry.gaveUp) setStatus('closed', now.error ?? cause);
      else setStatus('reconnecting', cause);
    };
    const relay: TransportSink = {
      ...to,
      open(info) {
        if (signal.aborted) return;
        opened = true;
        to.open(info);
        setStatus('open');
      },
      event(event) {
        if (signal.aborted) return;
        const e: Wire = [event.type, event.data, event.lastEventId];
        // Posted first: a subscriber that throws must not starve the other tabs.
        post({ epoch, seq: ++seq, t: 'event', e });
        keep(seq, e, true);
      },
      reconnecting() {
        if (signal.aborted) return;
        opened = false;
        to.reconnecting();
        trouble(null);
      },
      fail(cause) {
        if (signal.aborted) return;
        controller.abort();
        to.fail(cause);
        trouble(cause);
      },
    };
    try {
      const started = inner(
        { url, lastEventId: delivered, signal, types: new Set([...types, ...remoteTypes]) },
        relay,
      );
      if (!signal.aborted) live = started;
    } catch (cause) {
      relay.fail({ kind: 'network', message: String(cause) });
    }
  };

  /** Puts the current attempt in line with this tab's role: at its start and on every change. */
  const begin = (): void => {
    if (!sink || !role) return;
    // Events that arrived between two attempts: a local connection would get them again from
    // the server after its Last-Event-ID.
    const from = indexOfId(recent, delivered);
    if (from >= 0) for (const [, e] of recent.slice(from + 1)) deliver(e);
    sink.role(role);
    if (role === 'leader') {
      connect(sink);
    } else {
      hello();
      if (status === 'open' && !opened) {
        opened = true;
        sink.open({});
      }
    }
  };

  const lead = (): void => {
    role = 'leader';
    // Increasing across leaders, with a random tiebreak: followers drop anything older.
    epoch = Math.max(platform.now(), Math.floor(epoch) + 1) + platform.random();
    recent = recent.map(([, e], i) => [i + 1, e]);
    seq = recent.length;
    status = sink ? 'connecting' : 'idle';
    error = null;
    changes = 0;
    announceState(recent);
    begin();
  };

  /** Follows another tab: this one did not get the lock, or stopped leading. */
  const follow = (): void => {
    if (role === 'leader') {
      announce({ t: 'bye', id: lastId });
      stopUpstream();
    }
    role = 'follower';
    begin();
  };

  const receive = (m: Message): void => {
    if (m?.v !== V) return;
    if (m.t === 'hello') {
      // Every tab remembers what the others listen to, so a new leader listens to it at once.
      for (const type of m.types) {
        if (!remoteTypes.has(type)) live?.addType?.(type);
        remoteTypes.add(type);
      }
      // A leader without an attempt (its app closed the source, or it gave up) hands over.
      if (role !== 'leader') return;
      if (sink) announceState(recent);
      else election?.stepDown();
      return;
    }
    if (m.epoch < epoch || (m.epoch === epoch && m.seq <= seq)) return; // older leader, or seen
    if (role === 'leader') election?.stepDown(); // a newer leader took the lock from us
    const fresh = m.epoch > epoch;
    const previous = fresh ? 0 : seq;
    epoch = m.epoch;
    seq = m.seq;
    election?.heard();
    const to = role === 'follower' ? sink : undefined;
    if (fresh && to) hello(); // a new leader learns our types, and whether we want the stream
    if (m.t === 'event') {
      keep(m.seq, m.e, to);
      return;
    }
    if (m.t === 'alive') {
      // The leader watches the stream for staleness; its beat feeds followers' watchdogs.
      if (status === 'open') to?.activity(0);
      return;
    }
    if (m.t === 'bye') {
      status = 'connecting';
      return;
    }
    // A new leader's events are placed by id, the same leader's by sequence number.
    const at = indexOfId(m.events, lastId);
    const missed = fresh
      ? m.events.slice(at < 0 ? m.events.length : at + 1)
      : m.events.filter(([n]) => n > previous);
    for (const [n, e] of missed) keep(n, e, to);
    const changed = fresh || m.n !== changes;
    status = m.status;
    error = m.error;
    changes = m.n;
    if (!to) return;
    if (status === 'open' && !opened) {
      opened = true;
      to.open({});
    } else if (!changed || status === 'open') {
      // Already applied: an answer to another tab's hello.
    } else if (status === 'reconnecting') {
      opened = false;
      to.reconnecting();
      if (error) to.warn(error);
    } else if (status === 'closed') {
      to.fail(error as SSEError); // a leader that gave up always says why
    } else if (status === 'idle') {
      hello(); // the leader stopped without giving up: ask for the lock
    }
  };

  const beat = (): void => {
    timer = platform.setTimeout(beat, heartbeatMs);
    if (role === 'leader') announce({ t: 'alive' });
    // A hidden follower, or one that does not want the stream, lets a silent leader be.
    else if (sink && role && platform.isVisible()) election?.stealIfSilent();
  };

  const start = async ({ signal }: AbortController): Promise<void> => {
    const digest = await subtle.digest('SHA-256', new TextEncoder().encode(key));
    if (signal.aborted) return;
    // The key holds header values: only its hash may appear in a name.
    const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0'));
    const name = `ssekit:${V}:${hash.join('')}`;
    channel = new Channel(name);
    channel.onmessage = (event) => receive(event.data);
    timer = platform.setTimeout(beat, heartbeatMs);
    election = createElection(
      name,
      signal,
      { ...options, locks },
      { lead, follow, unavailable: fallBack },
    );
  };

  const transport: Transport = (attempt, to) => {
    const { signal } = attempt;
    if (signal.aborted) return undefined;
    if (local) return inner(attempt, to);
    url = attempt.url;
    sink = to;
    types = new Set(attempt.types);
    delivered = attempt.lastEventId;
    opened = false;
    signal.addEventListener('abort', () => {
      if (sink !== to) return;
      stopUpstream();
      sink = undefined;
      // Aborted with no new attempt in the same task, and not after a failure: the app closed
      // or paused this stream, so the leader says it is idle and a tab that wants it takes over.
      platform.queueMicrotask(() => {
        if (role === 'leader' && !sink && !error) setStatus('idle');
      });
    });
    if (session) {
      begin();
    } else {
      session = new AbortController();
      start(session).catch(fallBack);
    }
    return {
      addType(type) {
        types.add(type);
        if (live) live.addType?.(type);
        else if (sink === to) hello();
      },
      removeType(type) {
        types.delete(type);
        // Followers never say they stopped listening: keep what another tab may still read.
        if (!remoteTypes.has(type)) live?.removeType?.(type);
      },
    };
  };

  /** Sharing cannot work in this page after all: this tab connects on its own from now on. */
  const fallBack = (cause: unknown): void => {
    transport.release?.();
    local = true;
    // The pool retries this attempt, which then connects locally.
    sink?.fail({ kind: 'network', message: `Cross-tab sharing is unavailable here: ${cause}` });
  };

  transport.release = (): void => {
    if (role === 'leader') announce({ t: 'bye', id: lastId });
    stopUpstream();
    session?.abort();
    channel?.close();
    platform.clearTimeout(timer);
    session = channel = election = role = undefined;
    epoch = seq = changes = 0;
    recent = [];
    lastId = '';
    status = 'idle';
    remoteTypes.clear();
  };
  return transport;
}
