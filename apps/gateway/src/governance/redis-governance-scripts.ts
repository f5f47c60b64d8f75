/**
 * The Lua scripts behind client-key governance in Redis (issue #20, docs/governance.md "Shared
 * state"). Each runs atomically, so replicas admitting at once can never pass a limit together.
 *
 * Per client key K, under the configured prefix P (one hash slot per key: `{gov:K}`):
 * - `P{gov:K}:rpm`       sorted set, member = a request's ticket, score = its admission time (ms);
 * - `P{gov:K}:tpm`       hash, field = a second (s since epoch), value = tokens reserved or used in it;
 * - `P{gov:K}:slots`     sorted set, member = a ticket holding a concurrency slot, score = its lease
 *                        expiry (ms, Redis's clock), renewed while the request lives;
 * - `P{gov:K}:p:<id>`    hash of a budget period: `tokens`, `usd` (micro-dollars), reserved + used,
 *                        and per model `<model>\0r|i|o|c|u` (requests settled, input, output,
 *                        cached input tokens, micro-dollars); it expires a day after its period ends.
 * rpm and tpm windows use the caller's clock (`now`); leases use Redis's (`TIME`).
 */

/** Sweeps the windows and reads every counter of a key. ARGV[1] = now (ms). */
const READ_COUNTERS = `local now = tonumber(ARGV[1])
local t = redis.call('TIME')
local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
local rpmUsed = redis.call('ZCARD', KEYS[1])
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local rpmOldest = first[2] and tonumber(first[2]) or now
local sec = math.floor(now / 1000)
local tpmUsed = 0
local buckets = {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do
  local s = tonumber(flat[i])
  if s <= sec - 60 then
    redis.call('HDEL', KEYS[2], flat[i])
  else
    local v = tonumber(flat[i + 1])
    tpmUsed = tpmUsed + v
    buckets[#buckets + 1] = { s, v }
  end
end
table.sort(buckets, function(a, b) return a[1] < b[1] end)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', clock)
local slots = redis.call('ZCARD', KEYS[3])
local budget = redis.call('HMGET', KEYS[4], 'tokens', 'usd')
local budgetTokens = tonumber(budget[1] or '0')
local budgetUsd = tonumber(budget[2] or '0')
-- When the tpm window frees \`need\` tokens (ms): the end of the bucket that frees the last of them.
local function tpmFrees(need)
  local freed = 0
  for _, b in ipairs(buckets) do
    freed = freed + b[2]
    if freed >= need then return (b[1] + 60) * 1000 end
  end
  return (sec + 60) * 1000
end`;

/**
 * KEYS: rpm, tpm, slots, period. ARGV: now, ticket, rpm, tpm, max_concurrency, budget tokens,
 * budget micro-usd (each -1 when not configured), reserved tokens, reserved micro-usd, period
 * expiry (ms), lease ms. Checks every configured limit against used + reserved and, when
 * all pass, records the request. Returns { refused (0: admitted, 1..5: rpm, tpm, concurrency,
 * budget tokens, budget usd), rpm used, rpm reset, tpm used, tpm reset, slots, budget tokens,
 * budget micro-usd } — counts after the admission when admitted.
 */
export const GOV_ADMIT_SCRIPT = `${READ_COUNTERS}
local rpmMax, tpmMax, concMax = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tokMax, usdMax = tonumber(ARGV[6]), tonumber(ARGV[7])
local resTokens, resUsd = tonumber(ARGV[8]), tonumber(ARGV[9])
local refused = 0
if rpmMax >= 0 and rpmUsed + 1 > rpmMax then refused = 1
elseif tpmMax >= 0 and tpmUsed + resTokens > tpmMax then refused = 2
elseif concMax >= 0 and slots + 1 > concMax then refused = 3
elseif tokMax >= 0 and budgetTokens + resTokens > tokMax then refused = 4
elseif usdMax >= 0 and budgetUsd + resUsd > usdMax then refused = 5
end
if refused > 0 then
  local need = tpmMax >= 0 and (tpmUsed + resTokens - tpmMax) or 1
  return { refused, rpmUsed, rpmOldest + 60000, tpmUsed, tpmFrees(need), slots, budgetTokens, budgetUsd }
end
local ticket = ARGV[2]
if rpmMax >= 0 then
  redis.call('ZADD', KEYS[1], now, ticket)
  redis.call('PEXPIRE', KEYS[1], 61000)
  rpmUsed = rpmUsed + 1
  if rpmUsed == 1 then rpmOldest = now end
end
if tpmMax >= 0 then
  redis.call('HINCRBY', KEYS[2], sec, resTokens)
  redis.call('PEXPIRE', KEYS[2], 61000)
  if #buckets == 0 then buckets[1] = { sec, resTokens } end
  tpmUsed = tpmUsed + resTokens
end
if concMax >= 0 then
  redis.call('ZADD', KEYS[3], clock + tonumber(ARGV[11]), ticket)
  slots = slots + 1
end
budgetTokens = redis.call('HINCRBY', KEYS[4], 'tokens', resTokens)
budgetUsd = redis.call('HINCRBY', KEYS[4], 'usd', resUsd)
redis.call('PEXPIREAT', KEYS[4], ARGV[10])
return { 0, rpmUsed, rpmOldest + 60000, tpmUsed, tpmFrees(1), slots, budgetTokens, budgetUsd }`;

/**
 * KEYS: rpm, tpm, slots, period. ARGV: now. The counters as GOV_ADMIT_SCRIPT returns them for an
 * admission (refused = 0), then the period hash (flat field/value list) for the usage report.
 */
export const GOV_READ_SCRIPT = `${READ_COUNTERS}
return { 0, rpmUsed, rpmOldest + 60000, tpmUsed, tpmFrees(1), slots, budgetTokens, budgetUsd, redis.call('HGETALL', KEYS[4]) }`;

/**
 * KEYS: tpm, slots, period. ARGV: ticket, the admission's second, token delta (used − reserved),
 * micro-usd delta, model, input, output, cached input tokens, micro-usd, now (ms), period expiry
 * (ms). Replaces the reservation with what the request used, counts it for its model, and frees its slot; a tpm bucket that
 * has left the window is not touched. Returns the period's { tokens, micro-usd }.
 */
export const GOV_SETTLE_SCRIPT = `local sec = ARGV[2]
if tonumber(sec) > math.floor(tonumber(ARGV[10]) / 1000) - 60 and redis.call('HEXISTS', KEYS[1], sec) == 1 then
  redis.call('HINCRBY', KEYS[1], sec, ARGV[3])
end
redis.call('ZREM', KEYS[2], ARGV[1])
local m = ARGV[5] .. '\\0'
redis.call('HINCRBY', KEYS[3], m .. 'r', 1)
redis.call('HINCRBY', KEYS[3], m .. 'i', ARGV[6])
redis.call('HINCRBY', KEYS[3], m .. 'o', ARGV[7])
redis.call('HINCRBY', KEYS[3], m .. 'c', ARGV[8])
redis.call('HINCRBY', KEYS[3], m .. 'u', ARGV[9])
local tokens = redis.call('HINCRBY', KEYS[3], 'tokens', ARGV[3])
local usd = redis.call('HINCRBY', KEYS[3], 'usd', ARGV[4])
redis.call('PEXPIREAT', KEYS[3], ARGV[11])
return { tokens, usd }`;

/**
 * KEYS: period. ARGV: period expiry (ms), last known tokens, last known micro-usd, then field /
 * delta pairs. After an outage: a counter Redis lost (it restarted empty) is raised back to the
 * last balance this process read, then what this process spent meanwhile is added — so a budget
 * is never reset to zero by an outage. Returns the period's { tokens, micro-usd }.
 */
export const GOV_RECONCILE_SCRIPT = `for i, f in ipairs({ 'tokens', 'usd' }) do
  local known = tonumber(ARGV[1 + i])
  if tonumber(redis.call('HGET', KEYS[1], f) or '0') < known then redis.call('HSET', KEYS[1], f, known) end
end
for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return redis.call('HMGET', KEYS[1], 'tokens', 'usd')`;
