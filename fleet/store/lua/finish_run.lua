-- ARGV: P, run, finished_at, token.
if not redis.call('HGET', K(ARGV[2]), 'state') then return '!unknown run ' .. ARGV[2] end
return finish(ARGV[2], ARGV[3], ARGV[4]) and 1 or 0
