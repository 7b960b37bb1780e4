/**
 * The Lua scripts `redisLog` runs. Each one is atomic in Redis: no other command (another
 * instance's append, a trim) can land between its steps.
 */

import { createHash } from 'node:crypto';

/** A script's text and the SHA-1 that `EVALSHA` knows it by. */
export interface RedisScript {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): RedisScript => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});

// The epoch is created here, in the same atomic step as any read or write, so every instance
// agrees on it, and a wiped Redis (no epoch key) starts a new one that clients see as a reset.
const EPOCH = `
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[1], epoch)
end
`;

/**
 * Appends one entry. KEYS: epoch, offset counter, topic seq hash, topic stream.
 * ARGV: fresh epoch, maxLen, live channel, topic, has event ('1' | '0'), event, data.
 * The stream id is the global offset (`<offset>-0`), so `XRANGE key (<offset>-0 +` is the
 * exclusive read after a cursor. Each entry also records `prev`, the offset of the topic's entry
 * before it: once trimming has removed that one, the oldest entry left says exactly where the
 * trimmed part ends. Returns { epoch, offset, seq }.
 */
export const APPEND_SCRIPT: RedisScript = script(`${EPOCH}
local offset = redis.call('INCR', KEYS[2])
local seq = redis.call('HINCRBY', KEYS[3], 'seq', 1)
local prev = redis.call('HGET', KEYS[3], 'last') or '0'
redis.call('HSET', KEYS[3], 'last', offset)
local id = offset .. '-0'
if ARGV[5] == '1' then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], id, 'seq', seq, 'prev', prev, 'event', ARGV[6], 'data', ARGV[7])
else
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], id, 'seq', seq, 'prev', prev, 'data', ARGV[7])
end
local event = false
if ARGV[5] == '1' then event = ARGV[6] end
-- Offsets travel as strings: cjson would print large numbers in exponent form.
redis.call('PUBLISH', ARGV[3], cjson.encode({epoch, tostring(offset), tostring(seq), ARGV[4], event, ARGV[7]}))
return {epoch, offset, seq}
`);

/**
 * Reads one page of one topic after a cursor. KEYS: epoch, topic stream.
 * ARGV: fresh epoch, expected epoch, after offset, count, up to offset (inclusive).
 * Returns { epoch, trimmed (1 | 0), entries }; entries are left out when the epoch differs or
 * an entry after the cursor was trimmed (Redis 7: XINFO STREAM's first-entry and
 * max-deleted-entry-id). Trimming is checked in the same atomic step as the
 * range, so an entry can never vanish between the check and the read.
 */
export const READ_SCRIPT: RedisScript = script(`${EPOCH}
if epoch ~= ARGV[2] then
  return {epoch, 0, {}}
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  local after = tonumber(ARGV[3])
  local info = redis.call('XINFO', 'STREAM', KEYS[2])
  for i = 1, #info, 2 do
    local key, value = info[i], info[i + 1]
    if key == 'max-deleted-entry-id' then
      -- XDEL: an entry after the cursor was deleted by hand.
      if tonumber(string.match(value, '^(%d+)')) > after then return {epoch, 1, {}} end
    elseif key == 'first-entry' and value then
      -- MAXLEN trimming: everything before the oldest entry left is gone, up to its prev.
      local fields = value[2]
      for j = 1, #fields, 2 do
        if fields[j] == 'prev' and tonumber(fields[j + 1]) > after then return {epoch, 1, {}} end
      end
    end
  end
end
return {epoch, 0, redis.call('XRANGE', KEYS[2], '(' .. ARGV[3] .. '-0', ARGV[5] .. '-0', 'COUNT', ARGV[4])}
`);

/** The newest position. KEYS: epoch, offset counter. ARGV: fresh epoch. Returns { epoch, offset }. */
export const HEAD_SCRIPT: RedisScript = script(`${EPOCH}
return {epoch, tonumber(redis.call('GET', KEYS[2]) or '0')}
`);
