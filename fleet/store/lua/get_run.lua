-- ARGV: P, run. Reply: false, or {HGETALL of the run, LLEN todo}.
local h = redis.call('HGETALL', K(ARGV[2]))
if #h == 0 then return false end
return {h, redis.call('LLEN', K(ARGV[2], TODO))}
