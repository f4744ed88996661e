-- ARGV: P, expired before ms, worker. Reply: {run1, batch1, run2, batch2, ...}.
local out, listed = {}, {}
local function split(m)
  local sep = string.find(m, SEP, 1, true)
  return string.sub(m, 1, sep - 1), string.sub(m, sep + 1)
end
local function add(m)
  if listed[m] then return end
  listed[m] = true
  local run, bid = split(m)
  out[#out + 1] = run; out[#out + 1] = bid
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', '(' .. ARGV[2])) do add(m) end
if ARGV[3] ~= '' then
  for _, m in ipairs(redis.call('ZRANGE', LEASES, 0, -1)) do
    local run, bid = split(m)
    local json = not listed[m] and redis.call('HGET', K(run, BATCHES), bid)
    if json and cjson.decode(json).w == ARGV[3] then add(m) end
  end
end
return out
