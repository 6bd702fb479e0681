/**
 * Merge scripts: a write never weakens what Redis holds (a later expiry, a later cutoff win),
 * so instances can write, and re-write after an outage, in any order. The key expires by TTL
 * (`PXAT`) at the record's own expiry. Values are kept as the strings received, never
 * re-formatted by Lua's number printing.
 */

/** KEYS[1] session key; ARGV[1] until (epoch ms). Value: the until. */
export const MERGE_SESSION = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
  return 1
end
return 0
`;

/** KEYS[1] user key; ARGV[1] cutoff (epoch s), ARGV[2] until (epoch ms). Value: "cutoff:until". */
export const MERGE_USER = `
local cutoff, untilMs = ARGV[1], ARGV[2]
local current = redis.call('GET', KEYS[1])
if current then
  local c, u = string.match(current, '^(%d+):(%d+)$')
  if c and tonumber(c) > tonumber(cutoff) then cutoff = c end
  if u and tonumber(u) > tonumber(untilMs) then untilMs = u end
  if cutoff .. ':' .. untilMs == current then return 0 end
end
redis.call('SET', KEYS[1], cutoff .. ':' .. untilMs, 'PXAT', untilMs)
return 1
`;
