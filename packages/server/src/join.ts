/**
 * Joining a stream. Admission first (the hub is open, storage reachable, the topics valid,
 * `authorize` agrees), then the gap-free join: open the connection live but buffering
 * (registry.ts) → read the log after the cursor (replay.ts) → the adapter starts the connection
 * with the replay, then the entries it buffered meanwhile (connection.ts).
 */
import type { HubCore, HubRequest, Joined } from './hub-core.js';
import type { Log, LogCursor } from './log.js';
import type { Registry } from './registry.js';
import { type Replay, replayAfterCursor, replaySinceJoin } from './replay.js';
import { topicProblem } from './topic.js';

/**
 * The hub's `authorize` option: false → 403, throwing → 401.
 *
 * @example
 * const authorize: Authorize = (request, topics) => topics.every((t) => t.startsWith('public:'));
 */
export type Authorize = (
  request: HubRequest,
  topics: readonly string[],
) => boolean | Promise<boolean>;

const SHUTTING_DOWN = 'the server is shutting down; retry';
const UNREACHABLE = 'event storage is unreachable; retry';

const refuse = (status: number, message: string, retryAfter?: number): Joined => ({
  ok: false,
  status,
  message,
  retryAfter,
});

/**
 * The hub's side of a join, for the node and Web adapters. `opening` are the first frames of
 * every stream (the heartbeat announcement, then `retry:` when set); `retryAfterSeconds` goes
 * with every 503.
 *
 * @example
 * const core = createJoin(log, registry, [heartbeatFrame(15_000)], 2, undefined);
 * await handleNode(core, req, res, ['orders']);
 */
export function createJoin(
  log: Log,
  registry: Registry,
  opening: readonly Uint8Array[],
  retryAfterSeconds: number,
  authorize: Authorize | undefined,
): HubCore {
  const retryLater = (message: string): Joined => refuse(503, message, retryAfterSeconds);

  return {
    async join(request, wanted, cursorText) {
      // Admission: nothing is read or written for a stream that is refused.
      if (registry.closing) return retryLater(SHUTTING_DOWN);
      if (log.available === false) return retryLater(UNREACHABLE);
      if (!Array.isArray(wanted) || wanted.length === 0) {
        return refuse(400, 'no topic: pass at least one topic');
      }
      for (const topic of wanted) {
        const problem = topicProblem(topic);
        if (problem) return refuse(400, problem);
      }
      const topics = [...new Set(wanted)];
      if (authorize) {
        let allowed: boolean;
        try {
          allowed = await authorize(request, topics);
        } catch {
          return refuse(401, 'not authenticated');
        }
        if (!allowed) return refuse(403, 'not allowed to follow these topics');
      }
      // Read before registering: whatever is appended from here on is either in the replay
      // below or buffered live, never in neither.
      let joinedAt: LogCursor | undefined;
      if (!cursorText) {
        try {
          joinedAt = await log.head();
        } catch {
          return retryLater(UNREACHABLE);
        }
      }
      // close() may have run while authorize or the log was awaited: its drain would not see a
      // connection registered from here on, and the stream would outlive the hub.
      if (registry.closing) return retryLater(SHUTTING_DOWN);
      const connection = registry.open(topics);
      let replay: Replay;
      try {
        replay = cursorText
          ? await replayAfterCursor(log, topics, cursorText, opening)
          : await replaySinceJoin(log, topics, joinedAt!, opening);
      } catch {
        connection.close('refused');
        return retryLater(UNREACHABLE);
      }
      if (connection.closed) {
        return retryLater(
          connection.reason === 'overflow'
            ? 'the stream fell behind while its replay was read; retry'
            : SHUTTING_DOWN,
        );
      }
      return { ok: true, connection, ...replay };
    },
  };
}
