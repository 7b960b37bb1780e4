/**
 * Where a `redisLog` keeps things in Redis. Every key starts with `prefix`:
 * - `<prefix>:epoch`: the storage's epoch, created on first use; a wiped Redis makes a new one.
 * - `<prefix>:offset`: the global offset counter (one order across every topic).
 * - `<prefix>:seq:<topic>`: a hash: the per-topic sequence counter and the topic's last offset.
 * - `<prefix>:topic:<topic>`: one Stream per topic; entry id `<offset>-0`, fields seq, prev (the
 *   topic's previous offset, which makes trimming exact to detect), event, data.
 * - `<prefix>:live`: the pub/sub channel every append is announced on.
 */
import { randomBytes } from 'node:crypto';

/**
 * The keys and channel of one prefix.
 *
 * @example
 * const keys = redisKeys('ssekit');
 * keys.stream('orders'); // 'ssekit:topic:orders'
 */
export interface RedisKeys {
  readonly epoch: string;
  readonly offset: string;
  readonly live: string;
  stream(topic: string): string;
  seq(topic: string): string;
}

/**
 * The keys of the log that uses `prefix`.
 *
 * @example
 * redisKeys('ssekit').live; // 'ssekit:live'
 */
export function redisKeys(prefix: string): RedisKeys {
  return {
    epoch: `${prefix}:epoch`,
    offset: `${prefix}:offset`,
    live: `${prefix}:live`,
    stream: (topic) => `${prefix}:topic:${topic}`,
    seq: (topic) => `${prefix}:seq:${topic}`,
  };
}

/**
 * A new epoch token, sent with every script: only used when the epoch key is missing, and SET
 * runs inside the script, so one instance wins.
 *
 * @example
 * freshEpoch(); // 'k3x9q2Ab'
 */
export function freshEpoch(): string {
  return randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
}
