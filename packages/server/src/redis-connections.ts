/**
 * The two Redis connections of a `redisLog`, whatever its number of clients: one for commands and
 * one subscriber. While Redis is down, calls fail at once with a clear error instead of queueing
 * (publishes included) in memory; node-redis reconnects both by itself.
 */
import { createClient } from 'redis';
import type { RedisScript } from './redis-scripts.js';

/**
 * The part of a node-redis (v5 or v6) client that `redisLog` uses.
 *
 * @example
 * import { createClient } from 'redis';
 * const client: RedisClientLike = await createClient({ url }).connect();
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): RedisClientLike;
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => void,
  ): Promise<unknown>;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  close(): Promise<unknown>;
  destroy(): void;
}

/**
 * A Redis error reply (wrong type, script error) rather than a connection that is down. Checked by
 * class name along the prototype chain: an app's client may come from another copy of node-redis.
 */
const redisReplyError = (error: unknown): boolean => {
  for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'ErrorReply') return true;
  }
  return false;
};

/** Drops or closes one connection, whatever state it is in. */
async function end(client: RedisClientLike): Promise<void> {
  if (client.isReady) await client.close().catch(() => client.destroy());
  else if (client.isOpen) client.destroy();
}

/**
 * Both connections of one log, and what is known about Redis being reachable: to `url` (the log
 * owns them), or an app's `client` for commands and a duplicate of it for the subscriber (the
 * app's client stays the app's).
 *
 * @example
 * const redis = new RedisConnections({ url: 'redis://127.0.0.1:6379' });
 * await redis.start(async () => {}, 'ssekit:live', onMessage);
 */
export class RedisConnections {
  /** Appends, reads and the head. */
  readonly cmd: RedisClientLike;
  /** Subscribed to the live channel once `start` has run. */
  readonly sub: RedisClientLike;
  /** True once the first `start` completed: both connected and subscribed. */
  ready = false;
  /** True once `close` was called. */
  closed = false;
  /** The newest connection error, the cause of the next "unreachable" error. */
  lastError: Error | undefined;
  private readonly owned: boolean;
  private subscribed = false;
  private started: Promise<void> | undefined;
  private readonly readyListeners: Array<() => void> = [];
  private readonly errorWaiters = new Set<(error: Error) => void>();
  private readonly onError = (error: Error): void => {
    this.lastError = error;
    for (const waiter of this.errorWaiters) waiter(error);
  };

  constructor(options: {
    readonly url?: string | undefined;
    readonly client?: RedisClientLike | undefined;
  }) {
    this.owned = options.client === undefined;
    this.cmd =
      options.client ??
      (createClient({
        ...(options.url === undefined ? {} : { url: options.url }),
        // Fail fast while Redis is down instead of queueing commands (and publishes) in memory.
        disableOfflineQueue: true,
        socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
      }) as unknown as RedisClientLike);
    this.sub = this.cmd.duplicate();
    // node-redis throws an 'error' event without a listener; the app's own client is the app's.
    if (this.owned) this.cmd.on('error', this.onError);
    this.sub.on('error', this.onError);
  }

  /** The log's `available`: false while Redis is unreachable or once closed. */
  get available(): boolean {
    if (this.closed) return false;
    // While the first connection is being made, calls wait for it: unavailable only once
    // Redis has refused it.
    if (!this.ready) return this.lastError === undefined;
    return this.cmd.isReady && this.sub.isReady;
  }

  /** Connects the commands, runs `prepare`, then subscribes `onMessage` to `channel`. Call once. */
  start(
    prepare: () => Promise<void>,
    channel: string,
    onMessage: (message: string) => void,
  ): Promise<void> {
    const started = (async (): Promise<void> => {
      if (!this.cmd.isOpen) await this.cmd.connect();
      await prepare();
      await this.sub.connect();
      await this.sub.subscribe(channel, onMessage);
      this.subscribed = true;
    })();
    this.started = started;
    started.then(
      () => {
        this.ready = true;
      },
      () => {},
    );
    return started;
  }

  /** Calls `listener` whenever either connection is ready again, once subscribed. */
  onReconnect(listener: () => void): void {
    const onReady = (): void => {
      if (this.subscribed) listener();
    };
    this.readyListeners.push(onReady);
    this.sub.on('ready', onReady);
    this.cmd.on('ready', onReady);
  }

  /** Runs a Lua script by its SHA, sending its source when Redis does not know it yet. */
  async run(script: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.cmd.sendCommand(['EVALSHA', script.sha, ...tail]);
    } catch (error) {
      if (!(redisReplyError(error) && String((error as Error).message).startsWith('NOSCRIPT'))) {
        throw error;
      }
      return await this.cmd.sendCommand(['EVAL', script.source, ...tail]);
    }
  }

  /** Runs `task` once Redis is usable, turning a dropped connection into the clear error. */
  async guarded<T>(what: string, task: () => Promise<T>): Promise<T> {
    await this.usable(what);
    try {
      return await task();
    } catch (error) {
      if (redisReplyError(error)) {
        throw new Error(`redisLog: Redis refused the command, so ${what}: ${String(error)}`, {
          cause: error,
        });
      }
      throw this.unavailable(what, error);
    }
  }

  /** Closes the subscriber, and the command connection when the log opened it. */
  async close(): Promise<void> {
    this.closed = true;
    for (const onReady of this.readyListeners) {
      this.sub.off('ready', onReady);
      this.cmd.off('ready', onReady);
    }
    this.errorWaiters.clear();
    await end(this.sub);
    if (this.owned) {
      await end(this.cmd);
      this.cmd.off('error', this.onError);
    }
    this.sub.off('error', this.onError);
  }

  /** Resolves once the log can serve `what`; rejects at once while Redis is down. */
  private async usable(what: string): Promise<void> {
    if (this.closed) throw new Error(`redisLog: the log is closed, so ${what}.`);
    if (!this.ready) {
      // First connection: wait for it, unless Redis already refused it.
      if (this.lastError !== undefined) throw this.unavailable(what);
      let fail: ((error: Error) => void) | undefined;
      const failed = new Promise<never>((_, reject) => {
        fail = reject;
        this.errorWaiters.add(reject);
      });
      try {
        await Promise.race([this.started, failed]);
      } catch (error) {
        throw this.unavailable(what, error);
      } finally {
        if (fail !== undefined) this.errorWaiters.delete(fail);
      }
    }
    if (!this.cmd.isReady) throw this.unavailable(what);
  }

  private unavailable(what: string, cause?: unknown): Error {
    return new Error(
      `redisLog: Redis is unreachable, so ${what}. The hub answers 503 until it is back; retry then.`,
      { cause: cause ?? this.lastError },
    );
  }
}
