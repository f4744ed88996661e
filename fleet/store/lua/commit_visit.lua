-- ARGV: P, run, index, visit_id, final (1/0), result JSON, site, site summary
-- JSON, #domains, #cookies, the third-party domains, the cookie keys
-- (name \x1f domain), and last the visit's records: one zstd frame of JSON
-- lines. The frame replaces any earlier write of the visit (SET); the visit
-- id joins `visits` only when its key is new. A run that is gone or being
-- deleted takes nothing (reply -1). HSETNX decides whether this is the URL's
-- result, and only then are the counters and aggregates touched, each
-- guarded by a SADD so a site counts once per domain or cookie.
local run, index, vid, site = ARGV[2], ARGV[3], ARGV[4], ARGV[7]
if closed(run) then return -1 end
local ntp, nck = tonumber(ARGV[9]), tonumber(ARGV[10])
local visit = K(run, VISIT .. vid)
if redis.call('EXISTS', visit) == 0 then redis.call('RPUSH', K(run, VISITS), vid) end
redis.call('SET', visit, ARGV[#ARGV])
if ARGV[5] ~= '1' or redis.call('HSETNX', K(run, RESULTS), index, ARGV[6]) == 0 then return 0 end
redis.call('HINCRBY', K(run), 'done', 1)
if site == '' then return 1 end
redis.call('HSET', K(run, SITES), site, ARGV[8])
for n = 11, 10 + ntp do
  local d = ARGV[n]
  if redis.call('SADD', K(run, THIRD_PARTY_SITES .. d), site) == 1 then
    redis.call('ZINCRBY', K(run, THIRD_PARTIES), 1, d)
  end
  redis.call('SADD', K(run, SITE_THIRD_PARTIES .. site), d)
end
for n = 11 + ntp, 10 + ntp + nck do
  local c = ARGV[n]
  if redis.call('SADD', K(run, COOKIE_SITES .. c), site) == 1 then redis.call('ZINCRBY', K(run, COOKIES), 1, c) end
end
return 1
