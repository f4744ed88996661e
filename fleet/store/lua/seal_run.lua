-- ARGV: P, run, total. `seen` is only needed while submitting.
local run, key = ARGV[2], K(ARGV[2])
local state = redis.call('HGET', key, 'state')
if not state then return '!unknown run ' .. run end
if state ~= 'submitting' then
  if redis.call('HGET', key, 'total') == ARGV[3] then return 1 end  -- sealed by this call, re-sent
  return '!run ' .. run .. ' is ' .. state .. ', not submitting'
end
local n = redis.call('SCARD', K(run, SEEN))
if n ~= tonumber(ARGV[3]) then return '!run ' .. run .. ' has ' .. n .. ' URLs, not ' .. ARGV[3] end
redis.call('HSET', key, 'state', 'queued', 'total', ARGV[3])
redis.call('DEL', K(run, SEEN))
if redis.call('LLEN', K(run, TODO)) > 0 then
  redis.call('ZADD', QUEUE, redis.call('HGET', key, 'queue_score'), run)
end
return 1
