-- ARGV: P, worker, max items per batch, max items in all, lease end ms, then
-- the batch ids to fill, in order. Stops at the first id it cannot fill
-- (nothing queued). An id that is already a batch returns that batch as stored.
-- Reply: {batch id, run, settings, item count, then index, url, attempts,
-- error per item} per batch leased.
local worker, max, left, until_ms = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local out, settings = {}, {}
local function emit(bid, run, items)
  settings[run] = settings[run] or redis.call('HGET', K(run), 'settings') or '{}'
  out[#out + 1] = bid; out[#out + 1] = run; out[#out + 1] = settings[run]; out[#out + 1] = #items
  for _, it in ipairs(items) do
    out[#out + 1] = it.i; out[#out + 1] = it.u; out[#out + 1] = it.a; out[#out + 1] = it.e or ''
  end
  left = left - #items
end
-- Takes up to `want` queued URLs that have no result yet: run and items, or nil.
local function take(want)
  while true do
    local run = redis.call('ZRANGE', QUEUE, 0, 0)[1]
    if not run then return nil end
    local todo, results, items = K(run, TODO), K(run, RESULTS), {}
    while #items < want do
      local popped = redis.call('LPOP', todo, want - #items)
      if not popped then break end
      for _, json in ipairs(popped) do
        local it = cjson.decode(json)
        if redis.call('HEXISTS', results, it.i) == 0 then items[#items + 1] = it end  -- else done already
      end
    end
    if redis.call('LLEN', todo) == 0 then redis.call('ZREM', QUEUE, run) end
    if #items > 0 then return run, items end
  end
end
for n = 6, #ARGV do
  if left <= 0 then break end
  local bid = ARGV[n]
  local held = redis.call('HGET', BATCH_RUN, bid)
  local existing = held and redis.call('HGET', K(held, BATCHES), bid)
  if existing then
    emit(bid, held, cjson.decode(existing).items)
  else
    local run, items = take(math.min(max, left))
    if not run then break end
    redis.call('HSET', K(run, BATCHES), bid, cjson.encode({w = worker, ['until'] = tonumber(until_ms), items = items}))
    for m = 1, #items, 500 do  -- unpack() has a stack limit
      local indexes = {}
      for k = m, math.min(m + 499, #items) do indexes[#indexes + 1] = items[k].i end
      redis.call('SADD', K(run, PENDING .. bid), unpack(indexes))
    end
    redis.call('HINCRBY', K(run), 'in_flight', #items)
    redis.call('ZADD', LEASES, until_ms, run .. SEP .. bid)
    redis.call('HSET', BATCH_RUN, bid, run)
    emit(bid, run, items)
  end
end
return out
