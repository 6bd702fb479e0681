import type { RevocationRecord } from '../revocation-record.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Lua scripts, each run atomically by Redis. A write never weakens what Redis holds (a later
 * expiry, a later cutoff win), so instances can write, and re-write after an outage, in any
 * order; the record key expires by TTL (`PXAT`) at the record's own end. A write that
 * strengthened the record also takes the next sequence number, enters the revocation log under
 * it and is published, in the same script: a write Redis runs late (after a hang) is still
 * published and logged, and an instance that missed the message finds it in the log by number.
 * Values are kept as the strings received, never re-formatted by Lua's number printing.
 */

/** Reads the feed position; `epoch` changes when Redis lost the feed (a restart without persistence). KEYS[1] sequence hash. */
const POSITION = `
local function position(hash)
  local epoch = redis.call('HGET', hash, 'epoch')
  if not epoch then
    local now = redis.call('TIME')
    epoch = now[1] .. '.' .. now[2]
    redis.call('HSET', hash, 'epoch', epoch, 'n', 0)
  end
  return epoch
end
`;

/** KEYS[2] sequence hash, KEYS[3] log; ARGV[1] channel, ARGV[2] log length. */
const APPEND = `${POSITION}
local function append(fields)
  local epoch = position(KEYS[2])
  local seq = redis.call('HINCRBY', KEYS[2], 'n', 1)
  local message = '{' .. fields .. ',"seq":' .. seq .. ',"e":"' .. epoch .. '"}'
  redis.call('ZADD', KEYS[3], seq, message)
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -1 - tonumber(ARGV[2]))
  redis.call('PUBLISH', ARGV[1], message)
end
`;

/** KEYS[1] session key; ARGV[3] until (epoch ms), ARGV[4] the session id as a JSON string. Value: the until. */
const MERGE_SESSION = `${APPEND}
local untilMs = ARGV[3]
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(untilMs) <= current then return 0 end
redis.call('SET', KEYS[1], untilMs, 'PXAT', untilMs)
append('"t":"s","id":' .. ARGV[4] .. ',"until":' .. untilMs)
return 1
`;

/** KEYS[1] user key; ARGV[3] cutoff (epoch s), ARGV[4] until (epoch ms), ARGV[5] the user id as a JSON string. Value: "cutoff:until". */
const MERGE_USER = `${APPEND}
local cutoff, untilMs = ARGV[3], ARGV[4]
local current = redis.call('GET', KEYS[1])
if current then
  local c, u = string.match(current, '^(%d+):(%d+)$')
  if c and tonumber(c) > tonumber(cutoff) then cutoff = c end
  if u and tonumber(u) > tonumber(untilMs) then untilMs = u end
  if cutoff .. ':' .. untilMs == current then return 0 end
end
redis.call('SET', KEYS[1], cutoff .. ':' .. untilMs, 'PXAT', untilMs)
append('"t":"u","id":' .. ARGV[5] .. ',"cutoff":' .. cutoff .. ',"until":' .. untilMs)
return 1
`;

/**
 * Returns [epoch, n, the log entry numbered ARGV[1] (n when empty), '' when there is none],
 * creating the feed when Redis has none. KEYS[1] sequence hash, KEYS[2] log.
 */
const READ_POSITION = `${POSITION}
local epoch = position(KEYS[1])
local n = redis.call('HGET', KEYS[1], 'n')
local at = ARGV[1]
if at == '' then at = n end
local entry = redis.call('ZRANGE', KEYS[2], at, at, 'BYSCORE')[1] or ''
return { epoch, n, entry }
`;

/**
 * The command that merges `record` into Redis (and logs and publishes it when it strengthened it).
 * The id enters the message as JS wrote it in JSON (a lone surrogate stays an escape), never
 * re-encoded by Lua, so every instance reads back exactly the id that was revoked.
 */
export function mergeCommand(keys: RedisKeys, record: RevocationRecord, logLength: number): string[] {
  const id = JSON.stringify(record.id);
  const common = ['3', keys.record(record), keys.sequence, keys.log, keys.channel, String(logLength)];
  return record.kind === 'session'
    ? ['EVAL', MERGE_SESSION, ...common, String(record.until), id]
    : ['EVAL', MERGE_USER, ...common, String(record.cutoff), String(record.until), id];
}

/** The feed position, with the log entry numbered `at` (default: the latest). */
export function readPositionCommand(keys: RedisKeys, at?: number): string[] {
  return ['EVAL', READ_POSITION, '2', keys.sequence, keys.log, at === undefined ? '' : String(at)];
}
