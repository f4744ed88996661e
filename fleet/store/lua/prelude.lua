-- Functions every fleet/store script may use (RunStore's and ResultSink's); opens each
-- script, after the key names of fleet/store/keys.h (P, K(run, suffix), QUEUE, TODO, ...).

-- A run that is gone or being deleted takes no writes (RunStore::DeleteRun
-- marks it `deleting` first, so a late worker cannot bring keys back).
local function closed(run)
  local state = redis.call('HGET', K(run), 'state')
  return not state or state == 'deleting'
end
-- Forgets batch `bid` of `run`: its lease, its pending set and its owner.
local function forget(run, bid)
  redis.call('HDEL', K(run, BATCHES), bid)
  redis.call('DEL', K(run, PENDING .. bid))
  redis.call('ZREM', LEASES, run .. SEP .. bid)
  redis.call('HDEL', BATCH_RUN, bid)
end
-- A run with a ttl_s is deleted that long after it is done (RunStore::ExpiredRuns,
-- the coordinator's housekeeping). Redis's clock, so every coordinator agrees.
local function schedule_expiry(run)
  local ttl = tonumber(redis.call('HGET', K(run), 'ttl_s') or '0') or 0
  if ttl <= 0 then return end
  local now = redis.call('TIME')
  local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('ZADD', EXPIRY, now_ms + ttl * 1000, run)
end
-- Marks the run done when it is sealed and nothing is queued or in flight.
-- True when this call (token) marked it, also when re-sent after a lost reply.
-- When every index has a result, what is left in todo is stale (re-queued
-- from a lease that then finished after all) and is dropped.
local function finish(run, finished_at, token)
  local key, todo = K(run), K(run, TODO)
  local state, total, marked_by = unpack(redis.call('HMGET', key, 'state', 'total', 'finish_token'))
  if state == 'done' then return marked_by == token end
  if state ~= 'queued' or redis.call('HLEN', K(run, BATCHES)) > 0 then return false end
  if redis.call('HLEN', K(run, RESULTS)) >= tonumber(total) then redis.call('DEL', todo) end
  if redis.call('LLEN', todo) > 0 then return false end
  redis.call('HSET', key, 'state', 'done', 'finished_at', finished_at, 'finish_token', token)
  redis.call('ZREM', QUEUE, run)
  schedule_expiry(run)
  return true
end
