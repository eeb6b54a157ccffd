/**
 * The Lua scripts of the Redis store: each multi-key step runs as one script, so it is atomic on the
 * server. Time is the server's (`TIME`), so processes with skewed clocks agree on leases and windows.
 * Budget key K uses four Redis keys: `K` (hash, field `spent`), `K:h` (sorted set: hold id -> expiry),
 * `K:a` (hash: hold id -> "amount|owner") and `K:held` (the live holds' total). Every script that
 * touches K first drops its expired holds (O(expired), not O(live)), so an expired hold stops counting
 * at once; the three hold keys always get the same expiry, that of their last hold, and vanish together.
 */
const PRELUDE = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- Drops the expired holds of one budget and takes their amounts off its running total.
local function purge(h, a, held)
  local ids = redis.call('ZRANGEBYSCORE', h, '-inf', now)
  if #ids == 0 then return end
  local gone = 0
  for i = 1, #ids, 500 do
    local chunk = {unpack(ids, i, math.min(i + 499, #ids))}
    local vals = redis.call('HMGET', a, unpack(chunk))
    for j = 1, #vals do
      if vals[j] then gone = gone + tonumber(string.match(vals[j], '^(%d+)')) end
    end
    redis.call('HDEL', a, unpack(chunk))
  end
  redis.call('ZREMRANGEBYSCORE', h, '-inf', now)
  if redis.call('DECRBY', held, gone) <= 0 then redis.call('DEL', held) end
end
-- The live holds' total and count (after purge).
local function heldOf(h, held)
  return tonumber(redis.call('GET', held) or '0'), redis.call('ZCARD', h)
end
local function keepUntil(key, at)
  local p = redis.call('PTTL', key)
  if p < 0 or now + p < at then redis.call('PEXPIREAT', key, at) end
end
`;

/** KEYS: finished marker, then (K, K:h, K:a, K:held) per item. ARGV: id, owner, leaseMs, then (amount, limit, ttlMs|'') per item. */
export const RESERVE_HOLD = `${PRELUDE}
local st = redis.call('GET', KEYS[1])
if st then return {'finished', st} end
local n = (#KEYS - 1) / 4
local spent, held = {}, {}
for i = 1, n do
  local b, h, a, t = KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i], KEYS[4 * i + 1]
  purge(h, a, t)
  spent[i] = tonumber(redis.call('HGET', b, 'spent') or '0')
  held[i] = heldOf(h, t)
end
local mine = redis.call('ZSCORE', KEYS[3], ARGV[1])
if mine then
  local v = redis.call('HGET', KEYS[4], ARGV[1]) or ''
  local out = {'existing', tonumber(mine), string.match(v, '|(.*)$') or ''}
  for i = 1, n do out[#out + 1] = spent[i] + held[i] end
  return out
end
for i = 1, n do
  local amount, limit = tonumber(ARGV[4 + 3 * (i - 1)]), tonumber(ARGV[5 + 3 * (i - 1)])
  if spent[i] + held[i] + amount > limit then
    local out = {'limit', i - 1, spent[i], held[i], limit}
    for j = 1, n do out[#out + 1] = spent[j] + held[j] end
    return out
  end
end
local exp = now + tonumber(ARGV[3])
local out = {'ok', exp, ARGV[2]}
for i = 1, n do
  local b, h, a, t = KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i], KEYS[4 * i + 1]
  local amount, ttl = tonumber(ARGV[4 + 3 * (i - 1)]), ARGV[6 + 3 * (i - 1)]
  redis.call('ZADD', h, exp, ARGV[1])
  redis.call('HSET', a, ARGV[1], ARGV[4 + 3 * (i - 1)] .. '|' .. ARGV[2])
  redis.call('INCRBY', t, amount)
  local until_ = exp
  if ttl ~= '' then
    redis.call('HSETNX', b, 'spent', 0)
    redis.call('PEXPIRE', b, ttl)
    until_ = math.max(exp, now + tonumber(ttl))
  end
  keepUntil(h, until_)
  redis.call('PEXPIREAT', a, math.max(until_, now + redis.call('PTTL', h)))
  redis.call('PEXPIREAT', t, math.max(until_, now + redis.call('PTTL', h)))
  out[#out + 1] = spent[i] + held[i] + amount
end
return out
`;

/** KEYS: finished marker, then (K, K:h, K:a, K:held) per key. ARGV: id, state, finishedTtlMs, then one charge per key (0 for release). */
export const FINISH_HOLD = `${PRELUDE}
local st = redis.call('GET', KEYS[1])
if st then return {'duplicate', st} end
local n = (#KEYS - 1) / 4
local expired = 0
local out = {ARGV[2], 0}
for i = 1, n do
  local b, h, a, t = KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i], KEYS[4 * i + 1]
  purge(h, a, t)
  if redis.call('ZREM', h, ARGV[1]) == 1 then
    local v = redis.call('HGET', a, ARGV[1])
    redis.call('HDEL', a, ARGV[1])
    if v and redis.call('DECRBY', t, tonumber(string.match(v, '^(%d+)'))) <= 0 then redis.call('DEL', t) end
  else
    expired = 1
  end
  out[#out + 1] = redis.call('HINCRBY', b, 'spent', ARGV[3 + i])
end
out[2] = expired
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return out
`;

/** KEYS: (K, K:h, K:a, K:held) per key. ARGV: id, leaseMs. */
export const RENEW_HOLD = `${PRELUDE}
local n = #KEYS / 4
for i = 1, n do
  local s = redis.call('ZSCORE', KEYS[4 * i - 2], ARGV[1])
  if not s or tonumber(s) <= now then return 0 end
end
local exp = now + tonumber(ARGV[2])
for i = 1, n do
  local h = KEYS[4 * i - 2]
  redis.call('ZADD', h, 'XX', exp, ARGV[1])
  keepUntil(h, exp)
  local at = now + redis.call('PTTL', h)
  redis.call('PEXPIREAT', KEYS[4 * i - 1], at)
  redis.call('PEXPIREAT', KEYS[4 * i], at)
end
return 1
`;

/** KEYS: (K, K:h, K:a, K:held) per key. Returns spent, held, holds per key. */
export const BUDGET_USAGE = `${PRELUDE}
local out = {}
for i = 1, #KEYS / 4 do
  purge(KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i])
  local held, count = heldOf(KEYS[4 * i - 2], KEYS[4 * i])
  out[#out + 1] = tonumber(redis.call('HGET', KEYS[4 * i - 3], 'spent') or '0')
  out[#out + 1] = held
  out[#out + 1] = count
end
return out
`;

/**
 * A rate-limited call's admission, all or nothing. KEYS: per window its sorted set ("id|weight" ->
 * time) and running total, then the slot set (id -> lease end) when there is a slot. ARGV: id, window
 * count, '1' with a slot, then limit, windowMs, weight per window, then the slot's limit and leaseMs.
 * Returns ok, by (1 window, 2 slot), index, retryAfterMs, slots in use, lease end, then each window's use.
 */
export const ADMIT_LIMITS = `${PRELUDE}
local id, n, hasSlot = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
local function arg(i, j) return tonumber(ARGV[3 + 3 * (i - 1) + j]) end
local used = {}
for i = 1, n do
  local z, total, window = KEYS[2 * i - 1], KEYS[2 * i], arg(i, 2)
  local old = redis.call('ZRANGEBYSCORE', z, '-inf', now - window)
  if #old > 0 then
    local gone = 0
    for j = 1, #old do gone = gone + tonumber(string.match(old[j], '|(%d+)$')) end
    redis.call('DECRBY', total, gone)
    redis.call('ZREMRANGEBYSCORE', z, '-inf', now - window)
  end
  used[i] = tonumber(redis.call('GET', total) or '0')
  if redis.call('EXISTS', z) == 0 then used[i] = 0 end
end
local function reply(ok, by, index, wait, inUse, exp)
  local out = {ok, by, index, wait, inUse, exp}
  for i = 1, n do out[#out + 1] = used[i] end
  return out
end
-- Each window that has no room: walk its oldest entries, 64 at a time, until enough weight has left.
local wait, index = 0, 0
for i = 1, n do
  local z, limit, window, weight = KEYS[2 * i - 1], arg(i, 1), arg(i, 2), arg(i, 3)
  if used[i] + weight > limit then
    local freed, at, start, ms = 0, now, 0, nil
    while ms == nil do
      local entries = redis.call('ZRANGE', z, start, start + 63, 'WITHSCORES')
      if #entries == 0 then break end
      for j = 1, #entries, 2 do
        freed = freed + tonumber(string.match(entries[j], '|(%d+)$'))
        at = tonumber(entries[j + 1])
        if used[i] - freed + weight <= limit then
          ms = math.max(1, at + window - now)
          break
        end
      end
      start = start + 64
    end
    ms = ms or math.max(1, at + window - now)
    if ms > wait then wait, index = ms, i - 1 end
  end
end
if wait > 0 then return reply(0, 1, index, wait, 0, 0) end
local sz, lease = KEYS[2 * n + 1], tonumber(ARGV[5 + 3 * n])
if hasSlot then
  redis.call('ZREMRANGEBYSCORE', sz, '-inf', now)
  local c = redis.call('ZCARD', sz)
  if not redis.call('ZSCORE', sz, id) and c >= tonumber(ARGV[4 + 3 * n]) then
    local first = redis.call('ZRANGE', sz, 0, 0, 'WITHSCORES')
    -- A limit of 0 with nothing held: no lease will free a slot; hint one lease length.
    if #first == 0 then return reply(0, 2, 0, lease, c, 0) end
    return reply(0, 2, 0, math.max(1, tonumber(first[2]) - now), c, 0)
  end
end
for i = 1, n do
  local z, total, window, weight = KEYS[2 * i - 1], KEYS[2 * i], arg(i, 2), arg(i, 3)
  redis.call('ZADD', z, now, id .. '|' .. weight)
  used[i] = used[i] + weight
  redis.call('SET', total, used[i], 'PX', window)
  redis.call('PEXPIRE', z, window)
end
if not hasSlot then return reply(1, 0, 0, 0, 0, 0) end
local exp = now + lease
redis.call('ZADD', sz, exp, id)
local last = redis.call('ZRANGE', sz, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', sz, tonumber(last[2]))
return reply(1, 0, 0, 0, redis.call('ZCARD', sz), exp)
`;

/** KEYS: register (hash v, d). ARGV: expected version, value, ttlMs|'', channel|'', key name for the message. */
export const COMPARE_AND_SET = `
local cur = redis.call('HMGET', KEYS[1], 'v', 'd')
local v = tonumber(cur[1] or '0')
if v ~= tonumber(ARGV[1]) then
  if cur[1] then return {0, v, cur[2]} end
  return {0, 0}
end
redis.call('HSET', KEYS[1], 'v', v + 1, 'd', ARGV[2])
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[4], cjson.encode({key = ARGV[5], version = v + 1})) end
return {1, v + 1}
`;

/** KEYS: counter hash. ARGV: ttlMs|'', then field, delta pairs. */
export const INCREMENT = `
local out = {}
for i = 2, #ARGV, 2 do out[#out + 1] = redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return out
`;

/** KEYS: one counter hash per item. ARGV: field, amount, limit per item. Returns {1, values...} or {0, index, current}. */
export const RESERVE = `
for i = 1, #KEYS do
  local cur = tonumber(redis.call('HGET', KEYS[i], ARGV[3 * i - 2]) or '0')
  if cur + tonumber(ARGV[3 * i - 1]) > tonumber(ARGV[3 * i]) then return {0, i - 1, cur} end
end
local out = {1}
for i = 1, #KEYS do out[#out + 1] = redis.call('HINCRBY', KEYS[i], ARGV[3 * i - 2], ARGV[3 * i - 1]) end
return out
`;

/** KEYS: value key. ARGV: value, ttlMs|''. */
export const SET_IF_ABSENT = `
local cur = redis.call('GET', KEYS[1])
if cur then return {0, cur} end
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('SET', KEYS[1], ARGV[1]) end
return {1, ARGV[1]}
`;

/** KEYS: log (sorted set of "seq:value"), its sequence counter. ARGV: score, value. Equal scores keep insertion order. */
export const APPEND = `
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], ARGV[1], string.format('%016d', seq) .. ':' .. ARGV[2])
return seq
`;

/**
 * Several writes in one step. KEYS: each write's keys in order (increment: the hash; addToSet: the set;
 * append: the log and its sequence counter). ARGV per write: `i`, ttlMs|'', field count, then field,
 * delta pairs; `s`, member count, then the members; `a`, score, value.
 */
export const WRITE = `
local k, a = 1, 1
while a <= #ARGV do
  local op = ARGV[a]
  if op == 'i' then
    local key, ttl, n = KEYS[k], ARGV[a + 1], tonumber(ARGV[a + 2])
    a = a + 3
    for j = 1, n do
      redis.call('HINCRBY', key, ARGV[a], ARGV[a + 1])
      a = a + 2
    end
    if ttl ~= '' then redis.call('PEXPIRE', key, ttl) end
    k = k + 1
  elseif op == 's' then
    local key, n = KEYS[k], tonumber(ARGV[a + 1])
    a = a + 2
    for j = 1, n do redis.call('SADD', key, ARGV[a + j - 1]) end
    a = a + n
    k = k + 1
  else
    local seq = redis.call('INCR', KEYS[k + 1])
    redis.call('ZADD', KEYS[k], ARGV[a + 1], string.format('%016d', seq) .. ':' .. ARGV[a + 2])
    a = a + 3
    k = k + 2
  end
end
return #KEYS
`;

/** KEYS: log, its meta hash. ARGV: maxCount|'', minScore|''. Returns how many went. */
export const PRUNE = `
local dropped, last = 0, nil
local function note(entries)
  for i = 2, #entries, 2 do
    local s = tonumber(entries[i])
    if last == nil or s > last then last = s end
  end
  dropped = dropped + #entries / 2
end
if ARGV[2] ~= '' then
  note(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'WITHSCORES'))
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
end
if ARGV[1] ~= '' then
  local excess = redis.call('ZCARD', KEYS[1]) - math.max(0, tonumber(ARGV[1]))
  if excess > 0 then
    note(redis.call('ZRANGE', KEYS[1], 0, excess - 1, 'WITHSCORES'))
    redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
  end
end
if last ~= nil then
  local prev = redis.call('HGET', KEYS[2], 'pt')
  if prev == false or tonumber(prev) < last then redis.call('HSET', KEYS[2], 'pt', tostring(last)) end
end
return dropped
`;
