-- ARGV: P, run, then (index, item JSON) pairs. SADD to `seen` guards each index.
local state = redis.call('HGET', K(ARGV[2]), 'state')
if not state then return '!unknown run ' .. ARGV[2] end
if state ~= 'submitting' then return '!run ' .. ARGV[2] .. ' is ' .. state .. ', not submitting' end
local seen, todo, fresh = K(ARGV[2], SEEN), K(ARGV[2], TODO), {}
for n = 3, #ARGV, 2 do
  if redis.call('SADD', seen, ARGV[n]) == 1 then fresh[#fresh + 1] = ARGV[n + 1] end
  if #fresh == 500 or (n + 2 > #ARGV and #fresh > 0) then  -- unpack() has a stack limit
    redis.call('RPUSH', todo, unpack(fresh))
    fresh = {}
  end
end
return 1
