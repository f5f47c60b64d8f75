/**
 * The Lua scripts behind shared backend limits (issue #18). Each runs atomically in Redis and
 * reads the time from Redis itself (`TIME`), so replicas' clocks never disagree about expiry.
 *
 * Per limited backend B, under the configured prefix P:
 * - `P{B}:leases`   sorted set, member = a slot's token, score = when it expires (ms);
 * - `P{B}:queue`    sorted set, member = a waiter's token, score = its ticket (FIFO order);
 * - `P{B}:waiting`  sorted set, member = a waiter's token, score = when it expires (ms);
 * - `P{B}:seq`      the ticket counter.
 * Holders and waiters renew their scores while they live; the dead ones expire and are swept
 * by the next script that touches the backend.
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const SWEEP = `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, token in ipairs(dead) do
  redis.call('ZREM', KEYS[2], token)
  redis.call('ZREM', KEYS[3], token)
end`;

/**
 * KEYS: leases, queue, waiting, seq. ARGV: token, max_concurrency, max_queue, ttl ms.
 * Returns 1 (slot taken), 0 (queued, or still queued) or -1 (the queue is full). A free slot
 * goes to the first waiters in ticket order; a newcomer takes one only when nobody is ahead.
 */
export const ACQUIRE_SCRIPT = `${NOW}
${SWEEP}
local token = ARGV[1]
local max = tonumber(ARGV[2])
local ttl = tonumber(ARGV[4])
local free = max - redis.call('ZCARD', KEYS[1])
local queued = redis.call('ZSCORE', KEYS[2], token)
if free > 0 then
  local ahead = queued and redis.call('ZRANK', KEYS[2], token) or redis.call('ZCARD', KEYS[2])
  if ahead < free then
    redis.call('ZADD', KEYS[1], now + ttl, token)
    if queued then
      redis.call('ZREM', KEYS[2], token)
      redis.call('ZREM', KEYS[3], token)
    end
    return 1
  end
end
if queued then
  redis.call('ZADD', KEYS[3], now + ttl, token)
  return 0
end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), token)
redis.call('ZADD', KEYS[3], now + ttl, token)
return 0`;

/**
 * KEYS: leases, queue, waiting. ARGV: token, then the release channel and the backend id. Frees a
 * slot or leaves the queue; when a slot was freed and someone waits, tells the waiters (pub/sub),
 * all in one round trip. Returns 1 if a slot was freed.
 */
export const RELEASE_SCRIPT = `redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local freed = redis.call('ZREM', KEYS[1], ARGV[1])
if freed == 1 and ARGV[2] and redis.call('ZCARD', KEYS[2]) > 0 then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return freed`;

/**
 * KEYS: leases, waiting. ARGV: ttl ms, the number of held slots n, their n tokens, then queued
 * tokens. Pushes every expiry `ttl` ahead. A held slot Redis no longer has (it restarted empty, or
 * this process stalled past the lease) is registered again, so the requests still running count;
 * returns how many. A queued token Redis dropped is not re-added here: its next acquire re-queues it.
 */
export const RENEW_SCRIPT = `${NOW}
local ttl = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local restored = 0
for i = 3, 2 + n do
  restored = restored + redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
end
for i = 3 + n, #ARGV do
  redis.call('ZADD', KEYS[2], 'XX', now + ttl, ARGV[i])
end
return restored`;
