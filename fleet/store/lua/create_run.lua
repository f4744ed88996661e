-- ARGV: P, run, priority, created_ms, created_at, settings, request_id, reply_stream, token, queue score, ttl_s
local key = K(ARGV[2])
if redis.call('EXISTS', key) == 1 then
  if redis.call('HGET', key, 'create_token') == ARGV[9] then return 1 end  -- our own write, re-sent
  return '!run ' .. ARGV[2] .. ' exists'
end
redis.call('HSET', key, 'name', ARGV[2], 'state', 'submitting', 'priority', ARGV[3], 'total', 0, 'done', 0,
  'failed', 0, 'created_at', ARGV[5], 'finished_at', '', 'settings', ARGV[6], 'request_id', ARGV[7],
  'reply_stream', ARGV[8], 'create_token', ARGV[9], 'queue_score', ARGV[10], 'ttl_s', ARGV[11])
redis.call('ZADD', RUNS, ARGV[4], ARGV[2])
return 1
