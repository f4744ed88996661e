-- ARGV: P, finished_at, token, then (run, batch id, index) triples.
-- Reply: the runs this call finished. A batch whose last pending index is
-- done is forgotten; each run named is checked for completion once.
local runs, seen = {}, {}
for n = 4, #ARGV, 3 do
  local run, bid = ARGV[n], ARGV[n + 1]
  if not seen[run] then seen[run] = true; runs[#runs + 1] = run end
  local pending = K(run, PENDING .. bid)
  if redis.call('SREM', pending, ARGV[n + 2]) == 1 then
    redis.call('HINCRBY', K(run), 'in_flight', -1)
    if redis.call('SCARD', pending) == 0 then forget(run, bid) end
  end
end
local finished = {}
for _, run in ipairs(runs) do
  if finish(run, ARGV[2], ARGV[3]) then finished[#finished + 1] = run end
end
return finished
