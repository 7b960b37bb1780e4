/**
 * One leader per name among the browser's tabs, elected with Web Locks. Knows nothing of events:
 * it tells its owner when this tab leads, when it follows, and when Web Locks refuse this page.
 */

/** What cross-tab sharing needs of Web Locks (`navigator.locks`), so tests can pass their own. */
export interface CrossTabLocks {
  request(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>;
}

/** What the election tells the tab that runs it. */
export interface ElectionOwner {
  /** This tab holds the lock: it leads until it is told to follow. */
  lead(): void;
  /** Another tab leads: this one did not get the lock, let go of it, or had it stolen. */
  follow(): void;
  /** Web Locks refused this page (e.g. a frame with an opaque origin): sharing cannot work here. */
  unavailable(cause: unknown): void;
}

/** The options of cross-tab sharing the election reads. */
export interface ElectionOptions {
  platform: { now(): number };
  /** A follower that heard nothing from the leader for this long may take the lock; default 30 000 ms. */
  stealAfterMs?: number | undefined;
  /** Where `pagehide`/`pageshow`/`freeze`/`resume` arrive; default the window and the document. */
  lifecycle?: EventTarget | undefined;
}

/** The tab's side of the election. */
export interface Election {
  /** Lets go of the lock if this tab holds it (the owner follows), then waits in line for it. */
  stepDown(): void;
  /** The leader spoke: it is alive. */
  heard(): void;
  /**
   * Takes the lock from a leader silent for `stealAfterMs` (a wedged leader holds it forever), at
   * most once per `stealAfterMs` so confused tabs cannot storm. The owner calls it on its
   * heartbeat, while it follows and wants the stream.
   */
  stealIfSilent(): void;
}

/**
 * Runs this tab's election for the lock `name` until `signal` aborts: one lock request at a time,
 * the lock let go while the page is hidden in the back/forward cache or frozen.
 *
 * @example
 * const election = createElection(name, session.signal, locks, { platform }, { lead, follow, unavailable });
 */
export function createElection(
  name: string,
  signal: AbortSignal,
  locks: CrossTabLocks,
  options: ElectionOptions,
  owner: ElectionOwner,
): Election {
  const { lifecycle, platform, stealAfterMs = 30_000 } = options;
  const now = (): number => platform.now();
  let held: (() => void) | undefined; // resolving it releases the granted lock
  let queued: AbortController | undefined;
  let suspended = false;
  let heardAt = now(); // when a leader last spoke, or this tab last started to listen
  let stoleAt = -stealAfterMs;

  const cancel = (): void => {
    queued?.abort();
    queued = undefined;
  };

  // Without `how` the request waits in line; only such a request can be cancelled (Web Locks
  // refuse a signal with ifAvailable or steal). `queued` is set whatever `how` is, so no second
  // request starts while one is pending.
  const request = (how?: { ifAvailable?: true; steal?: true }): void => {
    if (held || (queued && !how?.steal) || suspended || signal.aborted) return;
    const controller = new AbortController();
    queued = controller;
    let mine: (() => void) | undefined;
    locks
      .request(name, how ?? { signal: controller.signal }, (lock) => {
        if (queued === controller) queued = undefined;
        if (signal.aborted || suspended) return; // returning releases the lock at once
        if (!lock) {
          owner.follow();
          return request();
        }
        return new Promise<void>((release) => {
          held = mine = release;
          owner.lead();
        });
      })
      .catch((cause) => {
        if (queued === controller) queued = undefined;
        // Another tab stole the lock (this one looked dead to it): follow, and wait in line again.
        if (mine) {
          if (held === mine) stepDown();
        } else if (!controller.signal.aborted && !signal.aborted) {
          owner.unavailable(cause); // refused, not cancelled
        }
      });
  };

  const stepDown = (): void => {
    if (held) {
      held();
      held = undefined;
      heardAt = now();
      owner.follow();
    }
    request();
  };

  // Holding or awaiting a lock keeps a page out of the back/forward cache: let go while hidden.
  const suspend = (): void => {
    if (suspended) return;
    suspended = true;
    cancel();
    stepDown();
  };
  const resume = (): void => {
    if (!suspended) return;
    suspended = false;
    heardAt = now();
    request({ ifAvailable: true });
  };
  onPageLifecycle(lifecycle, signal, suspend, resume);
  signal.addEventListener('abort', () => {
    held?.();
    cancel();
  });

  request({ ifAvailable: true });
  return {
    stepDown,
    heard() {
      heardAt = now();
    },
    stealIfSilent() {
      const at = now();
      if (suspended || at - heardAt < stealAfterMs || at - stoleAt < stealAfterMs) return;
      stoleAt = at;
      cancel();
      request({ steal: true });
    },
  };
}

/** Calls `hide` on `pagehide` and `freeze`, `show` on `pageshow` and `resume`, until `signal` aborts. */
function onPageLifecycle(
  lifecycle: EventTarget | undefined,
  signal: AbortSignal,
  hide: () => void,
  show: () => void,
): void {
  const g = globalThis as { window?: EventTarget; document?: EventTarget };
  // The page's own events arrive at the window, the freeze and resume of a frozen tab at the document.
  const page = lifecycle ?? g.window;
  const doc = lifecycle ?? g.document;
  page?.addEventListener('pagehide', hide, { signal });
  page?.addEventListener('pageshow', show, { signal });
  doc?.addEventListener('freeze', hide, { signal });
  doc?.addEventListener('resume', show, { signal });
}
