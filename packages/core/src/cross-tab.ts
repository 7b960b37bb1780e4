import { type CrossTabLocks, createElection, type Election } from './cross-tab/election';
import {
  createLeaderView,
  eventsAfter,
  isNewer,
  type LeaderStatus,
  type Message,
  PROTOCOL_VERSION,
  type RecentEvent,
  remember,
  sessionName,
  startLeading,
  takeNewer,
} from './cross-tab/protocol';
import type { Platform } from './platform';
import type { Transport, TransportAttempt, TransportSink } from './transport';
import type { ServerSentEvent, SourceSnapshot, SSEError } from './types';

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
  let view = createLeaderView(); // the leader's stream as this tab knows it
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

  const post = (message: object): void =>
    channel?.postMessage({ version: PROTOCOL_VERSION, ...message });
  // Leaders stamp what they say: followers drop anything older than what they have.
  const announce = (message: object): void =>
    post({ ...message, epoch: view.epoch, seq: ++view.seq });
  // The view is the body of a state message; its recent events go only to who needs them.
  const announceState = (recent: RecentEvent[] = []): void =>
    announce({ ...view, kind: 'state', recent });
  const hello = (): void => post({ kind: 'hello', types: [...types] });

  const keep = (entry: RecentEvent, send: unknown): void => {
    remember(view, entry);
    if (send) deliver(entry.event);
  };
  const deliver = (event: ServerSentEvent): void => {
    delivered = event.lastEventId;
    sink?.event(event);
    if (role !== 'leader') sink?.activity(event.data.length);
  };
  const setStatus = (status: LeaderStatus, cause: SSEError | null = null): void => {
    view.status = status;
    view.error = cause;
    view.changes++;
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
    if (view.status !== 'connecting') setStatus('connecting');
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
      event({ type, data, lastEventId }) {
        if (signal.aborted) return;
        // A copy: the transport's own object may hold more than a channel can clone.
        const event = { type, data, lastEventId };
        // Posted first: a subscriber that throws must not starve the other tabs.
        announce({ kind: 'event', event });
        keep({ seq: view.seq, event }, true);
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
    for (const { event } of eventsAfter(view.recent, delivered)) deliver(event);
    sink.role(role);
    if (role === 'leader') {
      connect(sink);
    } else {
      hello();
      if (view.status === 'open' && !opened) {
        opened = true;
        sink.open({});
      }
    }
  };

  const lead = (): void => {
    role = 'leader';
    startLeading(view, platform.now(), platform.random(), sink ? 'connecting' : 'idle');
    announceState(view.recent);
    begin();
  };

  /** Follows another tab: this one did not get the lock, or stopped leading. */
  const follow = (): void => {
    if (role === 'leader') {
      announce({ kind: 'bye', lastEventId: view.lastEventId });
      stopUpstream();
    }
    role = 'follower';
    begin();
  };

  const receive = (message: Message): void => {
    if (message?.version !== PROTOCOL_VERSION) return;
    if (message.kind === 'hello') {
      // Every tab remembers what the others listen to, so a new leader listens to it at once.
      for (const type of message.types) {
        if (!remoteTypes.has(type)) live?.addType?.(type);
        remoteTypes.add(type);
      }
      // A leader without an attempt (its app closed the source, or it gave up) hands over.
      if (role !== 'leader') return;
      if (sink) announceState(view.recent);
      else election?.stepDown();
      return;
    }
    if (!isNewer(message, view)) return; // an older leader's, or seen
    if (role === 'leader') election?.stepDown(); // a newer leader took the lock from us
    const { newLeader, events, changed } = takeNewer(view, message);
    election?.heard();
    const to = role === 'follower' ? sink : undefined;
    if (newLeader && to) hello(); // a new leader learns our types, and whether we want the stream
    for (const entry of events) keep(entry, to);
    if (!to) return;
    if (message.kind === 'alive') {
      // The leader watches the stream for staleness; its beat feeds followers' watchdogs.
      if (view.status === 'open') to.activity(0);
      return;
    }
    if (message.kind !== 'state') return;
    const { status, error } = view;
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
    if (role === 'leader') announce({ kind: 'alive' });
    // A hidden follower, or one that does not want the stream, lets a silent leader be.
    else if (sink && role && platform.isVisible()) election?.stealIfSilent();
  };

  const start = async ({ signal }: AbortController): Promise<void> => {
    const name = await sessionName(key, subtle);
    if (signal.aborted) return;
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
        if (role === 'leader' && !sink && !view.error) setStatus('idle');
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
    if (role === 'leader') announce({ kind: 'bye', lastEventId: view.lastEventId });
    stopUpstream();
    session?.abort();
    channel?.close();
    platform.clearTimeout(timer);
    session = channel = election = role = undefined;
    view = createLeaderView();
    remoteTypes.clear();
  };
  return transport;
}
