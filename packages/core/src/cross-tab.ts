import {
  type CrossTabLocks,
  createElection,
  type Election,
  type ElectionOwner,
} from './cross-tab/election';
import {
  createLeaderView,
  eventsAfter,
  isNewer,
  type LeaderStatus,
  type LeaderView,
  type Message,
  PROTOCOL_VERSION,
  remember,
  sessionName,
  startLeading,
  takeNewer,
} from './cross-tab/protocol';
import type { Platform } from './platform';
import type { Transport, TransportAttempt, TransportRequest, TransportSink } from './transport';
import type { ServerSentEvent, SourceSnapshot, SSEError } from './types';

export type { CrossTabLocks } from './cross-tab/election';

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
  const locks = options.locks ?? g.navigator?.locks;
  const Channel = options.BroadcastChannel ?? g.BroadcastChannel;
  if (!locks || !Channel || !globalThis.crypto?.subtle || g.isSecureContext === false) return inner;
  let local = false; // sharing could not start: every attempt runs `inner` itself
  let session: Transport | undefined;

  const transport: Transport = (request, to) => {
    if (request.signal.aborted) return undefined;
    if (local) return inner(request, to);
    session ??= createSession(inner, key, options, locks, Channel, fallBack);
    return session(request, to);
  };
  /** Sharing cannot work in this page after all: this tab connects on its own from now on. */
  const fallBack = (cause: unknown, to: TransportSink | undefined): void => {
    transport.release?.();
    local = true;
    // The pool retries this attempt, which then connects locally.
    to?.fail({ kind: 'network', message: `Cross-tab sharing is unavailable here: ${cause}` });
  };
  transport.release = (): void => {
    session?.release?.();
    session = undefined;
  };
  return transport;
}

type Role = 'leader' | 'follower';

/**
 * This tab's part in the stream: what it says to the others and takes from them, whether it
 * leads or follows. Attempts read the leader's stream here and, as the leader, report to it.
 */
interface Relay extends ElectionOwner {
  readonly view: LeaderView;
  /** What the other tabs listen to: the leader's real connection listens to it too. */
  readonly remoteTypes: Set<string>;
  /** This tab's; none until the election first answers. */
  role(): Role | undefined;
  /** Tells the leader this tab wants the stream, with these types. */
  hello(types: ReadonlySet<string>): void;
  /** The leader relays an event of its stream (its own subscribers get it too). */
  publish(event: ServerSentEvent): void;
  /** The leader's stream changed. */
  setStatus(status: LeaderStatus, cause?: SSEError | null): void;
  /** A message from another tab. */
  receive(message: Message): void;
  /** The heartbeat: a leader says it is alive, a follower watches whether the leader is. */
  beat(): void;
  /** Leaves: a leader says bye. */
  release(): void;
}

/** One attempt of this tab's connection, as the relay drives it. */
interface Attempt extends TransportAttempt {
  readonly sink: TransportSink;
  readonly types: ReadonlySet<string>;
  /** Puts the attempt in line with this tab's role: at its start and on every change. */
  begin(): void;
  /** An event of the leader's stream reaches this tab's subscribers. */
  deliver(event: ServerSentEvent): void;
  /** A follower takes the leader's status; `changed` is false for an answer to another tab. */
  mirror(changed: boolean): void;
  /** Another tab listens to `type`: so does the leader's real connection. */
  listen(type: string): void;
  /** Stops the leader's real connection. */
  stop(): void;
}

/**
 * From the first attempt until release(): ONE lock request and ONE channel for this tab and key,
 * whatever the number of attempts or subscribers.
 */
function createSession(
  inner: Transport,
  key: string,
  options: CrossTabTransportOptions,
  locks: CrossTabLocks,
  Channel: new (name: string) => CrossTabChannel,
  fallBack: (cause: unknown, to: TransportSink | undefined) => void,
): Transport {
  const { platform } = options;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const ended = new AbortController(); // by release(): ends the election, removes listeners
  let channel: CrossTabChannel | undefined;
  let election: Election | undefined;
  let timer: unknown;
  let current: Attempt | undefined; // the pool runs one attempt at a time
  const relay = createRelay(
    platform,
    (message) => channel?.postMessage({ version: PROTOCOL_VERSION, ...message }),
    () => election,
    () => current,
    (cause) => fallBack(cause, current?.sink),
  );

  const beat = (): void => {
    timer = platform.setTimeout(beat, heartbeatMs);
    relay.beat();
  };
  const start = async (): Promise<void> => {
    const name = await sessionName(key, globalThis.crypto.subtle);
    const { signal } = ended;
    if (signal.aborted) return;
    channel = new Channel(name);
    channel.onmessage = (event) => relay.receive(event.data);
    timer = platform.setTimeout(beat, heartbeatMs);
    election = createElection(name, signal, locks, options, relay);
  };
  start().catch(relay.unavailable);

  const transport: Transport = (request, to) => {
    const attempt = createAttempt(request, to, relay, inner, options.snapshot);
    current = attempt;
    request.signal.addEventListener('abort', () => {
      if (current !== attempt) return;
      attempt.stop();
      current = undefined;
      // Aborted with no new attempt in the same task, and not after a failure: the app closed
      // or paused this stream, so the leader says it is idle and a tab that wants it takes over.
      platform.queueMicrotask(() => {
        if (relay.role() === 'leader' && !current && !relay.view.error) relay.setStatus('idle');
      });
    });
    attempt.begin();
    return attempt;
  };
  transport.release = (): void => {
    relay.release();
    current?.stop();
    current = undefined;
    ended.abort();
    channel?.close();
    channel = undefined; // nothing more goes out, even from a task queued earlier
    platform.clearTimeout(timer);
  };
  return transport;
}

/**
 * The relay of one session: the leader's stream as this tab knows it, what this tab says as
 * leader or follower, and what it takes from the others. `post` sends on the channel (once there
 * is one); `election` is there once the session knows its name; `current` is the attempt this
 * tab runs, if any; `unavailable` gives up on sharing.
 */
function createRelay(
  platform: Platform,
  post: (message: object) => void,
  election: () => Election | undefined,
  current: () => Attempt | undefined,
  unavailable: (cause: unknown) => void,
): Relay {
  const view = createLeaderView();
  const remoteTypes = new Set<string>();
  let role: Role | undefined;
  // Leaders stamp what they say: followers drop anything older than what they have.
  const announce = (message: object): void =>
    post({ ...message, epoch: view.epoch, seq: view.seq });
  // The view is the body of a state message; its recent events go only to who needs them.
  const announceState = (recent: ServerSentEvent[] = []): void =>
    announce({ ...view, kind: 'state', recent });
  const keep = (event: ServerSentEvent, to: Attempt | undefined): void => {
    remember(view, event);
    to?.deliver(event);
  };
  // Every tab remembers what the others listen to, so a new leader listens to it at once.
  const welcome = (types: string[]): void => {
    for (const type of types) {
      if (!remoteTypes.has(type)) current()?.listen(type);
      remoteTypes.add(type);
    }
    // A leader without an attempt (its app closed the source, or it gave up) hands over.
    if (role !== 'leader') return;
    if (current()) announceState(view.recent);
    else election()?.stepDown();
  };
  const bye = (): void => announce({ kind: 'bye' });

  const relay: Relay = {
    view,
    remoteTypes,
    role: () => role,
    hello: (types) => post({ kind: 'hello', types: [...types] }),
    publish(event) {
      view.seq++;
      // Posted first: a subscriber that throws must not starve the other tabs.
      announce({ kind: 'event', event });
      keep(event, current());
    },
    setStatus(status, cause = null) {
      view.status = status;
      view.error = cause;
      view.changes++;
      announceState();
    },
    lead() {
      role = 'leader';
      startLeading(view, platform.now(), platform.random(), current() ? 'connecting' : 'idle');
      announceState(view.recent);
      current()?.begin();
    },
    follow() {
      if (role === 'leader') {
        bye();
        current()?.stop();
      }
      role = 'follower';
      current()?.begin();
    },
    unavailable,
    receive(message) {
      if (message?.version !== PROTOCOL_VERSION) return;
      if (message.kind === 'hello') return welcome(message.types);
      if (!isNewer(message, view)) return; // an older leader's, or seen
      if (role === 'leader') election()?.stepDown(); // a newer leader took the lock from us
      const { newLeader, events, changed } = takeNewer(view, message);
      election()?.heard();
      const to = role === 'follower' ? current() : undefined;
      if (newLeader && to) relay.hello(to.types); // it learns our types, and that we want the stream
      for (const event of events) keep(event, to);
      // The leader watches the stream for staleness; its beat feeds followers' watchdogs.
      if (message.kind === 'alive' && view.status === 'open') to?.sink.activity(0);
      if (message.kind === 'state') to?.mirror(changed);
    },
    beat() {
      if (role === 'leader') announce({ kind: 'alive' });
      // A hidden follower, or one that does not want the stream, lets a silent leader be.
      else if (current() && role && platform.isVisible()) election()?.stealIfSilent();
    },
    release() {
      if (role === 'leader') bye();
      role = undefined;
    },
  };
  return relay;
}

/**
 * One attempt of this tab's connection: as the leader it runs the real connection and relays
 * it; as a follower it is fed the leader's events and status.
 */
function createAttempt(
  request: TransportRequest,
  to: TransportSink,
  relay: Relay,
  inner: Transport,
  snapshot: (() => SourceSnapshot) | undefined,
): Attempt {
  const { url, signal } = request;
  const { view } = relay;
  const types = new Set(request.types);
  let delivered = request.lastEventId; // the last id this attempt received: where a promoted follower resumes
  let opened = false; // whether the subscribers were told the stream is open
  let upstream: AbortController | undefined; // the leader's real connection
  let live: TransportAttempt | undefined;
  // `open` and `reconnecting` reach the subscribers through here, so `opened` stays true to them.
  const tracked: TransportSink = {
    ...to,
    open(info) {
      opened = true;
      to.open(info);
    },
    reconnecting() {
      opened = false;
      to.reconnecting();
    },
  };

  const attempt: Attempt = {
    sink: to,
    types,
    begin() {
      const role = relay.role();
      if (!role) return;
      // Events that arrived between two attempts: a local connection would get them again from
      // the server after its Last-Event-ID.
      for (const event of eventsAfter(view.recent, delivered)) attempt.deliver(event);
      to.role(role);
      if (role === 'leader') {
        upstream = new AbortController();
        const request = { url, lastEventId: delivered, types };
        live = relayUpstream(inner, upstream, request, tracked, relay, snapshot);
      } else {
        relay.hello(types);
        if (view.status === 'open' && !opened) tracked.open({});
      }
    },
    deliver(event) {
      delivered = event.lastEventId;
      to.event(event);
      if (relay.role() !== 'leader') to.activity(event.data.length);
    },
    mirror(changed) {
      const { status, error } = view;
      if (status === 'open') {
        if (!opened) tracked.open({});
      } else if (!changed) {
        // Already applied: an answer to another tab's hello.
      } else if (status === 'reconnecting') {
        tracked.reconnecting();
        if (error) to.warn(error);
      } else if (status === 'closed') {
        to.fail(error as SSEError); // a leader that gave up always says why
      } else if (status === 'idle') {
        relay.hello(types); // the leader stopped without giving up: ask for the lock
      }
    },
    listen(type) {
      live?.addType?.(type);
    },
    stop() {
      upstream?.abort();
      upstream = live = undefined;
    },
    addType(type) {
      types.add(type);
      if (live) live.addType?.(type);
      else if (!signal.aborted) relay.hello(types);
    },
    removeType(type) {
      types.delete(type);
      // Followers never say they stopped listening: keep what another tab may still read.
      if (!relay.remoteTypes.has(type)) live?.removeType?.(type);
    },
  };
  return attempt;
}

/**
 * The leader runs the real connection inside its tab's current attempt, listening to what this
 * tab and the others listen to: what it reports reaches this tab's subscribers and, relayed, the
 * other tabs. Returns the live attempt, if any.
 */
function relayUpstream(
  inner: Transport,
  controller: AbortController,
  request: Omit<TransportRequest, 'signal'>,
  to: TransportSink,
  relay: Relay,
  snapshot: (() => SourceSnapshot) | undefined,
): TransportAttempt | undefined {
  const { signal } = controller;
  // Said even right after lead() said it: followers do nothing on `connecting`.
  relay.setStatus('connecting');
  // After a failure the pool has decided already: tell followers whether it retries.
  const trouble = (cause: SSEError | null): void => {
    const now = snapshot?.();
    if (now?.retry.gaveUp) relay.setStatus('closed', now.error ?? cause);
    else relay.setStatus('reconnecting', cause);
  };
  const relayed: TransportSink = {
    ...to,
    open(info) {
      if (signal.aborted) return;
      to.open(info);
      relay.setStatus('open');
    },
    event({ type, data, lastEventId }) {
      // A copy: the transport's own object may hold more than a channel can clone.
      if (!signal.aborted) relay.publish({ type, data, lastEventId });
    },
    reconnecting() {
      if (signal.aborted) return;
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
    const types = new Set([...request.types, ...relay.remoteTypes]);
    const live = inner({ ...request, signal, types }, relayed);
    return signal.aborted ? undefined : live;
  } catch (cause) {
    relayed.fail({ kind: 'network', message: String(cause) });
    return undefined;
  }
}
