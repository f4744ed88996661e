-- ARGV: P, finished_at, token. Reply: the runs this call finished.
local runs, seen, finished = {}, {}, {}
for _, m in ipairs(redis.call('ZRANGE', LEASES, 0, -1)) do
  local run = string.sub(m, 1, string.find(m, SEP, 1, true) - 1)
  if not seen[run] then seen[run] = true; runs[#runs + 1] = run end
end
for _, run in ipairs(runs) do
  local state, total = unpack(redis.call('HMGET', K(run), 'state', 'total'))
  if state == 'queued' and redis.call('HLEN', K(run, RESULTS)) >= tonumber(total) then
    for _, bid in ipairs(redis.call('HKEYS', K(run, BATCHES))) do
      redis.call('HINCRBY', K(run), 'in_flight', -redis.call('SCARD', K(run, PENDING .. bid)))
      forget(run, bid)
    end
    if finish(run, ARGV[2], ARGV[3]) then finished[#finished + 1] = run end
  end
end
return finished
