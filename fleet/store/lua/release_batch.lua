-- ARGV: P, run, batch id, max attempts, error.
local run, bid, max, err = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local json = redis.call('HGET', K(run, BATCHES), bid)
if not json then return 0 end
local items, todo, results, requeued = cjson.decode(json).items, K(run, TODO), K(run, RESULTS), 0
for n = #items, 1, -1 do  -- LPUSH backwards keeps the batch's order at the head
  local it = items[n]
  local a = it.a + 1
  if redis.call('HEXISTS', results, it.i) == 1 then
    -- finished after all: nothing to do
  elseif a >= max then
    local failed = cjson.encode({index = it.i, url = it.u, site = '', visit_id = '', attempt = a,
                                 outcome = 'failed', error = err, requests = 0, cookies = 0,
                                 records_cut = 0, records_dropped = 0})
    if redis.call('HSETNX', results, it.i, failed) == 1 then redis.call('HINCRBY', K(run), 'failed', 1) end
  else
    redis.call('LPUSH', todo, cjson.encode({i = it.i, u = it.u, a = a, e = err}))
    requeued = requeued + 1
  end
end
redis.call('HINCRBY', K(run), 'in_flight', -redis.call('SCARD', K(run, PENDING .. bid)))
forget(run, bid)
local state, score = unpack(redis.call('HMGET', K(run), 'state', 'queue_score'))
if requeued > 0 and state == 'queued' then redis.call('ZADD', QUEUE, score, run) end
return 1
