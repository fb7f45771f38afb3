"""The Lua scripts ``RedisRateLimiter`` runs in Redis: each runs atomically, so that workers on
many hosts book, move and release slots of one key's sliding window without races."""

from __future__ import annotations

__all__ = ["BOOK_SLOT", "MOVE_SLOT_TO_NOW", "RELEASE_SLOT"]

# KEYS[1]: sorted set of booked start times (microseconds, Redis clock) for one API key.
# ARGV[1]: limit; ARGV[2]: window in microseconds (margin included); ARGV[3]: a unique member;
# ARGV[4]: 1 when the caller lost Redis since its last booking: an empty set may then be a Redis
# that restarted and forgot the last window's bookings, so it is counted as full (as a new
# process counts the window before it).
# Returns the microseconds the caller must wait before starting.
BOOK_SLOT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if ARGV[4] == '1' and count == 0 then
  for i = 1, limit do
    redis.call('ZADD', KEYS[1], now, 'forgotten:' .. ARGV[3] .. ':' .. i)
  end
  count = limit
end
local start = now
if count >= limit then
  local kth = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  start = math.max(now, tonumber(kth[2]) + window)
end
redis.call('ZADD', KEYS[1], start, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.floor((start - now + window) / 1000) + 1000)
return start - now
"""

# KEYS[1]: the sorted set; ARGV[1]: the member of a booking its request missed (never sent on it).
RELEASE_SLOT = "return redis.call('ZREM', KEYS[1], ARGV[1])"

# KEYS[1]: the sorted set; ARGV[1]: the member of a booking its request woke too late for;
# ARGV[2]: limit; ARGV[3]: window in microseconds (margin included).
# Moves the booking to now when every run of limit + 1 bookings that would then hold it still
# spans a window (the rule BOOK_SLOT keeps); returns 1 if moved, 0 if that would crowd a window,
# -1 if the booking is gone.
MOVE_SLOT_TO_NOW = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local near = redis.call('ZRANGEBYSCORE', KEYS[1], now - window, now + window, 'WITHSCORES')
local starts = {}
for i = 1, #near, 2 do
  if near[i] ~= ARGV[1] then table.insert(starts, tonumber(near[i + 1])) end
end
table.insert(starts, now)
table.sort(starts)
local at = 1
for i = 1, #starts do
  if starts[i] == now then at = i end
end
for first = math.max(1, at - limit), at do
  local last = first + limit
  if last <= #starts and starts[last] - starts[first] < window then return 0 end
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
return 1
"""
