-- ARGV: P, run, budget. Reply: 1 when every key of the run is gone, 0 when
-- there is more to delete. Each call starts over from the first index
-- structure, so what a late writer (a worker still finishing a visit) added
-- since the last call is found too, and the run hash goes last, only once
-- this same call saw everything else gone. `budget` bounds the keys deleted
-- (and empty HSCAN replies) per call, not counting an index structure that
-- empties as its last entry is popped (a key per index, O(1) each); lists
-- are LPOPped and zsets ZPOPMINned, so their head is always what is left to do.
local run, left = ARGV[2], tonumber(ARGV[3])
local key = K(run)
local exists = redis.call('EXISTS', key) == 1  -- else HSET would create a hash for a run that is gone
if exists then redis.call('HSET', key, 'state', 'deleting') end
redis.call('ZREM', QUEUE, run)

local function unlink_all(keys)
  for n = 1, #keys, 500 do  -- unpack() has a stack limit
    redis.call('UNLINK', unpack(keys, n, math.min(n + 499, #keys)))
  end
  left = left - #keys
end
-- A list of names, each naming a key (visits -> visit:V).
local function drain_list(list, prefix)
  while left > 0 do
    local names = redis.call('LPOP', list, math.min(left, 500))
    if not names then return end
    local keys = {}
    for n, name in ipairs(names) do keys[n] = K(run, prefix .. name) end
    unlink_all(keys)
  end
end
-- A zset whose members name keys (third_parties -> tp:D).
local function drain_zset(zset, prefix)
  while left > 0 do
    local popped = redis.call('ZPOPMIN', zset, math.min(left, 500))
    if #popped == 0 then return end
    local keys = {}
    for n = 1, #popped, 2 do keys[#keys + 1] = K(run, prefix .. popped[n]) end
    unlink_all(keys)
  end
end
-- A hash whose fields name keys; `drop` deletes one field and what it names.
-- HSCAN from 0 on a hash emptied from the front can walk many empty buckets
-- and return nothing, so the cursor is kept in the run hash between calls,
-- and an HSCAN call that returns nothing costs one unit: every call either
-- deletes or moves the cursor on.
local function drain_hash(hash, cursor_field, drop)
  local cursor = exists and redis.call('HGET', key, cursor_field) or '0'
  while left > 0 and redis.call('HLEN', hash) > 0 do
    local scan = redis.call('HSCAN', hash, cursor, 'COUNT', math.min(left, 500))
    if #scan[2] == 0 then left = left - 1 end
    local fields, all = scan[2], true
    for n = 1, #fields, 2 do
      if left <= 0 then all = false; break end  -- the rest: scanned again next call
      drop(fields[n])
      left = left - 1
    end
    if all then cursor = scan[1] end
  end
  if exists then redis.call('HSET', key, cursor_field, cursor) end
end

-- Batches first: once they and their leases are gone, no coordinator
-- releases (re-queues or fails) URLs of this run any more.
drain_hash(K(run, BATCHES), 'delete_batches_cursor', function(bid) forget(run, bid) end)
drain_list(K(run, VISITS), VISIT)
drain_zset(K(run, THIRD_PARTIES), THIRD_PARTY_SITES)
drain_hash(K(run, SITES), 'delete_sites_cursor', function(site)
  redis.call('HDEL', K(run, SITES), site)
  redis.call('UNLINK', K(run, SITE_THIRD_PARTIES .. site))
end)
drain_zset(K(run, COOKIES), COOKIE_SITES)
-- Each of these is one key however big: UNLINK frees it off the main thread.
for _, suffix in ipairs({TODO, SEEN, RESULTS, VISITS, SITES, THIRD_PARTIES, COOKIES,
                         BATCHES}) do
  if left <= 0 then return 0 end
  left = left - redis.call('UNLINK', K(run, suffix))
end
if left <= 0 then return 0 end
redis.call('UNLINK', key)
redis.call('ZREM', RUNS, run)
redis.call('ZREM', EXPIRY, run)
return 1
