#include "fleet/store/run_store.h"
#include "fleet/store/run_store_lua.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <random>

#include "common/time.h"

namespace fleet {
namespace {

using fleet::RedisReply;
using fleet::RedisScript;
using common::Result;
using common::Status;

constexpr size_t kAppendChunk = 1000;  // items per script call: ~1 ms of Redis time each
constexpr size_t kDoneChunk = 2000;    // done items per script call: well under 1 ms each
// Twelve digits, as an on-demand request may give: ~31,700 years. Keeps the
// expiry score (ms) well inside the integers a double holds exactly.
constexpr int64_t kMaxTtlS = 999'999'999'999;

}  // namespace

// Every script gets the key prefix as ARGV[1] and builds its keys from it,
// because LeaseBatches picks its run inside the script (one Redis, no cluster).
// A reply string starting with '!' is a refusal, mapped to InvalidArgument.
const char* const kRunStorePrelude = R"lua(
local P = ARGV[1]
local function K(run, suffix) return P .. 'run:' .. run .. suffix end
local function forget(run, bid)
  redis.call('HDEL', K(run, ':batches'), bid)
  redis.call('DEL', K(run, ':pending:' .. bid))
  redis.call('ZREM', P .. 'leases', run .. '\031' .. bid)
  redis.call('HDEL', P .. 'batch_run', bid)
end
-- A run with a ttl_s is deleted that long after it is done (RunStore::ExpiredRuns,
-- the coordinator's housekeeping). Redis's clock, so every coordinator agrees.
local function schedule_expiry(run)
  local ttl = tonumber(redis.call('HGET', K(run, ''), 'ttl_s') or '0') or 0
  if ttl <= 0 then return end
  local now = redis.call('TIME')
  local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('ZADD', P .. 'expiry', now_ms + ttl * 1000, run)
end
-- Marks the run done when it is sealed and nothing is queued or in flight.
-- True when this call (token) marked it, also when re-sent after a lost reply.
-- When every index has a result, what is left in todo is stale (re-queued
-- from a lease that then finished after all) and is dropped.
local function finish(run, finished_at, token)
  local key, todo = K(run, ''), K(run, ':todo')
  local state, total, marked_by = unpack(redis.call('HMGET', key, 'state', 'total', 'finish_token'))
  if state == 'done' then return marked_by == token end
  if state ~= 'queued' or redis.call('HLEN', K(run, ':batches')) > 0 then return false end
  if redis.call('HLEN', K(run, ':results')) >= tonumber(total) then redis.call('DEL', todo) end
  if redis.call('LLEN', todo) > 0 then return false end
  redis.call('HSET', key, 'state', 'done', 'finished_at', finished_at, 'finish_token', token)
  redis.call('ZREM', P .. 'queue', run)
  schedule_expiry(run)
  return true
end
)lua";

namespace {

const char* const kPrelude = kRunStorePrelude;

// ARGV: P, run, priority, created_ms, created_at, settings, request_id, reply_stream, token, queue score, ttl_s
const RedisScript& CreateScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local key = K(ARGV[2], '')
if redis.call('EXISTS', key) == 1 then
  if redis.call('HGET', key, 'create_token') == ARGV[9] then return 1 end  -- our own write, re-sent
  return '!run ' .. ARGV[2] .. ' exists'
end
redis.call('HSET', key, 'name', ARGV[2], 'state', 'submitting', 'priority', ARGV[3], 'total', 0, 'done', 0,
  'failed', 0, 'created_at', ARGV[5], 'finished_at', '', 'settings', ARGV[6], 'request_id', ARGV[7],
  'reply_stream', ARGV[8], 'create_token', ARGV[9], 'queue_score', ARGV[10], 'ttl_s', ARGV[11])
redis.call('ZADD', P .. 'runs', ARGV[4], ARGV[2])
return 1
)lua");
  return s;
}

// ARGV: P, run, then (index, item JSON) pairs. SADD to `seen` guards each index.
const RedisScript& AppendScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local state = redis.call('HGET', K(ARGV[2], ''), 'state')
if not state then return '!unknown run ' .. ARGV[2] end
if state ~= 'submitting' then return '!run ' .. ARGV[2] .. ' is ' .. state .. ', not submitting' end
local seen, todo, fresh = K(ARGV[2], ':seen'), K(ARGV[2], ':todo'), {}
for n = 3, #ARGV, 2 do
  if redis.call('SADD', seen, ARGV[n]) == 1 then fresh[#fresh + 1] = ARGV[n + 1] end
  if #fresh == 500 or (n + 2 > #ARGV and #fresh > 0) then  -- unpack() has a stack limit
    redis.call('RPUSH', todo, unpack(fresh))
    fresh = {}
  end
end
return 1
)lua");
  return s;
}

// ARGV: P, run, total. `seen` is only needed while submitting.
const RedisScript& SealScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local run, key = ARGV[2], K(ARGV[2], '')
local state = redis.call('HGET', key, 'state')
if not state then return '!unknown run ' .. run end
if state ~= 'submitting' then
  if redis.call('HGET', key, 'total') == ARGV[3] then return 1 end  -- sealed by this call, re-sent
  return '!run ' .. run .. ' is ' .. state .. ', not submitting'
end
local n = redis.call('SCARD', K(run, ':seen'))
if n ~= tonumber(ARGV[3]) then return '!run ' .. run .. ' has ' .. n .. ' URLs, not ' .. ARGV[3] end
redis.call('HSET', key, 'state', 'queued', 'total', ARGV[3])
redis.call('DEL', K(run, ':seen'))
if redis.call('LLEN', K(run, ':todo')) > 0 then
  redis.call('ZADD', P .. 'queue', redis.call('HGET', key, 'queue_score'), run)
end
return 1
)lua");
  return s;
}

// ARGV: P, worker, max items per batch, max items in all, lease end ms, then
// the batch ids to fill, in order. Stops at the first id it cannot fill
// (nothing queued). An id that is already a batch returns that batch as stored.
// Reply: {batch id, run, settings, item count, then index, url, attempts,
// error per item} per batch leased.
const RedisScript& LeaseScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local worker, max, left, until_ms = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local out, settings = {}, {}
local function emit(bid, run, items)
  settings[run] = settings[run] or redis.call('HGET', K(run, ''), 'settings') or '{}'
  out[#out + 1] = bid; out[#out + 1] = run; out[#out + 1] = settings[run]; out[#out + 1] = #items
  for _, it in ipairs(items) do
    out[#out + 1] = it.i; out[#out + 1] = it.u; out[#out + 1] = it.a; out[#out + 1] = it.e or ''
  end
  left = left - #items
end
-- Takes up to `want` queued URLs that have no result yet: run and items, or nil.
local function take(want)
  while true do
    local run = redis.call('ZRANGE', P .. 'queue', 0, 0)[1]
    if not run then return nil end
    local todo, results, items = K(run, ':todo'), K(run, ':results'), {}
    while #items < want do
      local popped = redis.call('LPOP', todo, want - #items)
      if not popped then break end
      for _, json in ipairs(popped) do
        local it = cjson.decode(json)
        if redis.call('HEXISTS', results, it.i) == 0 then items[#items + 1] = it end  -- else done already
      end
    end
    if redis.call('LLEN', todo) == 0 then redis.call('ZREM', P .. 'queue', run) end
    if #items > 0 then return run, items end
  end
end
for n = 6, #ARGV do
  if left <= 0 then break end
  local bid = ARGV[n]
  local held = redis.call('HGET', P .. 'batch_run', bid)
  local existing = held and redis.call('HGET', K(held, ':batches'), bid)
  if existing then
    emit(bid, held, cjson.decode(existing).items)
  else
    local run, items = take(math.min(max, left))
    if not run then break end
    redis.call('HSET', K(run, ':batches'), bid, cjson.encode({w = worker, ['until'] = tonumber(until_ms), items = items}))
    for m = 1, #items, 500 do  -- unpack() has a stack limit
      local indexes = {}
      for k = m, math.min(m + 499, #items) do indexes[#indexes + 1] = items[k].i end
      redis.call('SADD', K(run, ':pending:' .. bid), unpack(indexes))
    end
    redis.call('HINCRBY', K(run, ''), 'in_flight', #items)
    redis.call('ZADD', P .. 'leases', until_ms, run .. '\031' .. bid)
    redis.call('HSET', P .. 'batch_run', bid, run)
    emit(bid, run, items)
  end
end
return out
)lua");
  return s;
}

// ARGV: P, finished_at, token, then (run, batch id, index) triples.
// Reply: the runs this call finished. A batch whose last pending index is
// done is forgotten; each run named is checked for completion once.
const RedisScript& ItemsDoneScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local runs, seen = {}, {}
for n = 4, #ARGV, 3 do
  local run, bid = ARGV[n], ARGV[n + 1]
  if not seen[run] then seen[run] = true; runs[#runs + 1] = run end
  local pending = K(run, ':pending:' .. bid)
  if redis.call('SREM', pending, ARGV[n + 2]) == 1 then
    redis.call('HINCRBY', K(run, ''), 'in_flight', -1)
    if redis.call('SCARD', pending) == 0 then forget(run, bid) end
  end
end
local finished = {}
for _, run in ipairs(runs) do
  if finish(run, ARGV[2], ARGV[3]) then finished[#finished + 1] = run end
end
return finished
)lua");
  return s;
}

// ARGV: P, run, batch id, max attempts, error.
const RedisScript& ReleaseScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local run, bid, max, err = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local json = redis.call('HGET', K(run, ':batches'), bid)
if not json then return 0 end
local items, todo, results, requeued = cjson.decode(json).items, K(run, ':todo'), K(run, ':results'), 0
for n = #items, 1, -1 do  -- LPUSH backwards keeps the batch's order at the head
  local it = items[n]
  local a = it.a + 1
  if redis.call('HEXISTS', results, it.i) == 1 then
    -- finished after all: nothing to do
  elseif a >= max then
    local failed = cjson.encode({index = it.i, url = it.u, site = '', visit_id = '', attempt = a,
                                 outcome = 'failed', error = err, requests = 0, cookies = 0,
                                 records_cut = 0, records_dropped = 0})
    if redis.call('HSETNX', results, it.i, failed) == 1 then redis.call('HINCRBY', K(run, ''), 'failed', 1) end
  else
    redis.call('LPUSH', todo, cjson.encode({i = it.i, u = it.u, a = a, e = err}))
    requeued = requeued + 1
  end
end
redis.call('HINCRBY', K(run, ''), 'in_flight', -redis.call('SCARD', K(run, ':pending:' .. bid)))
forget(run, bid)
local state, score = unpack(redis.call('HMGET', K(run, ''), 'state', 'queue_score'))
if requeued > 0 and state == 'queued' then redis.call('ZADD', P .. 'queue', score, run) end
return 1
)lua");
  return s;
}

// ARGV: P, finished_at, token. Reply: the runs this call finished.
const RedisScript& SweepScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local runs, seen, finished = {}, {}, {}
for _, m in ipairs(redis.call('ZRANGE', P .. 'leases', 0, -1)) do
  local run = string.sub(m, 1, string.find(m, '\031', 1, true) - 1)
  if not seen[run] then seen[run] = true; runs[#runs + 1] = run end
end
for _, run in ipairs(runs) do
  local state, total = unpack(redis.call('HMGET', K(run, ''), 'state', 'total'))
  if state == 'queued' and redis.call('HLEN', K(run, ':results')) >= tonumber(total) then
    for _, bid in ipairs(redis.call('HKEYS', K(run, ':batches'))) do
      redis.call('HINCRBY', K(run, ''), 'in_flight', -redis.call('SCARD', K(run, ':pending:' .. bid)))
      forget(run, bid)
    end
    if finish(run, ARGV[2], ARGV[3]) then finished[#finished + 1] = run end
  end
end
return finished
)lua");
  return s;
}

// ARGV: P, expired before ms, worker. Reply: {run1, batch1, run2, batch2, ...}.
const RedisScript& LeasesScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local out, listed = {}, {}
local function split(m)
  local sep = string.find(m, '\031', 1, true)
  return string.sub(m, 1, sep - 1), string.sub(m, sep + 1)
end
local function add(m)
  if listed[m] then return end
  listed[m] = true
  local run, bid = split(m)
  out[#out + 1] = run; out[#out + 1] = bid
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', '(' .. ARGV[2])) do add(m) end
if ARGV[3] ~= '' then
  for _, m in ipairs(redis.call('ZRANGE', P .. 'leases', 0, -1)) do
    local run, bid = split(m)
    local json = not listed[m] and redis.call('HGET', K(run, ':batches'), bid)
    if json and cjson.decode(json).w == ARGV[3] then add(m) end
  end
end
return out
)lua");
  return s;
}

// ARGV: P, run. Reply: false, or {HGETALL of the run, LLEN todo}.
const RedisScript& GetRunScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
local h = redis.call('HGETALL', K(ARGV[2], ''))
if #h == 0 then return false end
return {h, redis.call('LLEN', K(ARGV[2], ':todo'))}
)lua");
  return s;
}

// ARGV: P, run, finished_at, token.
const RedisScript& FinishScript() {
  static const RedisScript s(std::string(kPrelude) + R"lua(
if not redis.call('HGET', K(ARGV[2], ''), 'state') then return '!unknown run ' .. ARGV[2] end
return finish(ARGV[2], ARGV[3], ARGV[4]) and 1 or 0
)lua");
  return s;
}


int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A per-call token that tells a re-sent write apart from someone else's.
std::string Token() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::to_string(random());
}


// A script's reply, with '!'-refusals turned into InvalidArgument.
Result<RedisReply> Checked(Result<RedisReply> reply) {
  if (reply.ok() && reply->kind == RedisReply::Kind::kString && reply->str.starts_with('!')) {
    return Status::InvalidArgument(reply->str.substr(1));
  }
  return reply;
}

std::string SettingsJson(const fleet::VisitSettings& s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("timeout_s"); w.Double(s.timeout_s);
  w.Key("min_dwell_s"); w.Double(s.min_dwell_s);
  w.Key("quiet_period_s"); w.Double(s.quiet_period_s);
  w.Key("post_data_cap"); w.Int64(s.post_data_cap);
  w.Key("allow_private_targets"); w.Bool(s.allow_private_targets);
  w.EndObject();
  return buffer.GetString();
}

// Missing keys keep their defaults, so settings written by an older version still load.
Result<fleet::VisitSettings> ParseSettings(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(json).get(o) != simdjson::SUCCESS) return Status::Decode("run settings are not a JSON object");
  fleet::VisitSettings s;
  auto number = [&](const char* key, double& out) {
    double v = 0;
    if (o[key].get(v) == simdjson::SUCCESS) out = v;
  };
  number("timeout_s", s.timeout_s);
  number("min_dwell_s", s.min_dwell_s);
  number("quiet_period_s", s.quiet_period_s);
  int64_t cap = 0;
  if (o["post_data_cap"].get(cap) == simdjson::SUCCESS) s.post_data_cap = cap;
  bool allow = false;
  if (o["allow_private_targets"].get(allow) == simdjson::SUCCESS) s.allow_private_targets = allow;
  return s;
}

std::string ItemJson(const WorkItem& item) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("i"); w.Int64(item.index);
  w.Key("u"); w.String(item.url.data(), static_cast<rapidjson::SizeType>(item.url.size()));
  w.Key("a"); w.Int(item.attempts);
  w.Key("e"); w.String(item.last_error.data(), static_cast<rapidjson::SizeType>(item.last_error.size()));
  w.EndObject();
  return buffer.GetString();
}

int64_t ToInt(const std::string& s) { return std::strtoll(s.c_str(), nullptr, 10); }

// Fills `run` from the flat HGETALL reply of its hash.
Status FillRun(const std::vector<RedisReply>& fields, RunInfo& run) {
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& k = fields[i].str;
    const std::string& v = fields[i + 1].str;
    if (k == "name") run.name = v;
    else if (k == "state") run.state = v;
    else if (k == "priority") run.priority = static_cast<int>(ToInt(v));
    else if (k == "total") run.total = ToInt(v);
    else if (k == "done") run.done = ToInt(v);
    else if (k == "failed") run.failed = ToInt(v);
    else if (k == "in_flight") run.in_flight = ToInt(v);
    else if (k == "created_at") run.created_at = v;
    else if (k == "finished_at") run.finished_at = v;
    else if (k == "request_id") run.request_id = v;
    else if (k == "reply_stream") run.reply_stream = v;
    else if (k == "ttl_s") run.ttl_s = ToInt(v);
    else if (k == "settings") {
      auto settings = ParseSettings(v);
      if (!settings.ok()) return settings.status();
      run.settings = *settings;
    }
  }
  return Status::Ok();
}

}  // namespace

bool ValidRunName(const std::string& name) {
  if (name.empty() || name.size() > 200) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

Status RunStore::CreateRun(const RunInfo& run) {
  if (!ValidRunName(run.name)) return Status::InvalidArgument("run name '" + run.name + "': use 1-200 of A-Z a-z 0-9 . _ -");
  if (run.priority < -100 || run.priority > 100) return Status::InvalidArgument("priority must be -100..100");
  if (run.ttl_s < 0 || run.ttl_s > kMaxTtlS) {
    return Status::InvalidArgument("ttl_s must be 0.." + std::to_string(kMaxTtlS));
  }
  int64_t created = NowMs();
  // ts:queue order: higher priority first, then the older run (lowest score first).
  int64_t queue_score = created - int64_t{run.priority} * 10'000'000'000'000;
  auto reply = Checked(redis_.Eval(CreateScript(), {},
                                   {prefix_, run.name, std::to_string(run.priority), std::to_string(created),
                                    run.created_at.empty() ? common::EpochMsToRfc3339(created) : run.created_at, SettingsJson(run.settings), run.request_id, run.reply_stream,
                                    Token(), std::to_string(queue_score), std::to_string(run.ttl_s)}));
  return reply.ok() ? Status::Ok() : reply.status();
}

Status RunStore::AppendItems(const std::string& run, const std::vector<WorkItem>& items) {
  for (size_t start = 0; start < items.size(); start += kAppendChunk) {
    std::vector<std::string> args{prefix_, run};
    size_t end = std::min(items.size(), start + kAppendChunk);
    args.reserve(2 + 2 * (end - start));
    for (size_t i = start; i < end; ++i) {
      if (items[i].index < 0) return Status::InvalidArgument("negative item index");
      args.push_back(std::to_string(items[i].index));
      args.push_back(ItemJson(items[i]));
    }
    auto reply = Checked(redis_.Eval(AppendScript(), {}, args));
    if (!reply.ok()) return reply.status();
  }
  return Status::Ok();
}

Status RunStore::SealRun(const std::string& run, int64_t total) {
  auto reply = Checked(redis_.Eval(SealScript(), {}, {prefix_, run, std::to_string(total)}));
  return reply.ok() ? Status::Ok() : reply.status();
}

Result<std::optional<Lease>> RunStore::LeaseBatch(const std::string& batch_id, const std::string& worker,
                                                  size_t max_items, int64_t lease_until_ms) {
  auto leases = LeaseBatches({batch_id}, worker, max_items, max_items, lease_until_ms);
  if (!leases.ok()) return leases.status();
  if (leases->empty()) return std::optional<Lease>();
  return std::optional<Lease>(std::move(leases->front()));
}

Result<std::vector<Lease>> RunStore::LeaseBatches(const std::vector<std::string>& batch_ids, const std::string& worker,
                                                  size_t max_items, size_t max_total, int64_t lease_until_ms) {
  for (const auto& id : batch_ids) {
    if (id.empty() || id.find('\x1f') != std::string::npos) {
      return Status::InvalidArgument("batch id must be non-empty, without \\x1f");
    }
  }
  std::vector<Lease> leases;
  if (max_items == 0 || max_total == 0 || batch_ids.empty()) return leases;
  std::vector<std::string> args{prefix_, worker, std::to_string(max_items), std::to_string(max_total),
                                std::to_string(lease_until_ms)};
  args.insert(args.end(), batch_ids.begin(), batch_ids.end());
  auto reply = redis_.Eval(LeaseScript(), {}, args);
  if (!reply.ok()) return reply.status();
  const auto& e = reply->elements;
  for (size_t i = 0; i < e.size();) {
    if (i + 4 > e.size()) return Status::Decode("unexpected LeaseBatches reply");
    size_t n = static_cast<size_t>(e[i + 3].integer);
    if (i + 4 + 4 * n > e.size()) return Status::Decode("unexpected LeaseBatches reply");
    auto settings = ParseSettings(e[i + 2].str);
    if (!settings.ok()) return settings.status();
    Lease lease{e[i + 1].str, e[i].str, *settings, {}};
    for (size_t k = i + 4; k < i + 4 + 4 * n; k += 4) {
      lease.items.push_back({e[k].integer, e[k + 1].str, static_cast<int>(e[k + 2].integer), e[k + 3].str});
    }
    leases.push_back(std::move(lease));
    i += 4 + 4 * n;
  }
  return leases;
}

Result<std::vector<std::string>> RunStore::ItemsDone(const std::vector<ItemRef>& done) {
  std::vector<std::string> finished;
  std::string finished_at = common::EpochMsToRfc3339(NowMs()), token = Token();
  for (size_t start = 0; start < done.size(); start += kDoneChunk) {
    size_t end = std::min(done.size(), start + kDoneChunk);
    std::vector<std::string> args{prefix_, finished_at, token};
    args.reserve(3 + 3 * (end - start));
    for (size_t i = start; i < end; ++i) {
      args.push_back(done[i].run);
      args.push_back(done[i].batch_id);
      args.push_back(std::to_string(done[i].index));
    }
    auto reply = redis_.Eval(ItemsDoneScript(), {}, args);
    if (!reply.ok()) return reply.status();
    for (auto& run : reply->elements) finished.push_back(std::move(run.str));
  }
  return finished;
}

Status RunStore::ReleaseBatch(const std::string& run, const std::string& batch_id, int max_attempts,
                              const std::string& error) {
  if (max_attempts < 1) return Status::InvalidArgument("max_attempts must be >= 1");
  auto reply = redis_.Eval(ReleaseScript(), {}, {prefix_, run, batch_id, std::to_string(max_attempts), error});
  return reply.ok() ? Status::Ok() : reply.status();
}

Result<std::vector<std::pair<std::string, std::string>>> RunStore::Leases(int64_t expired_before_ms,
                                                                         const std::string& worker) {
  auto reply = redis_.Eval(LeasesScript(), {}, {prefix_, std::to_string(expired_before_ms), worker});
  if (!reply.ok()) return reply.status();
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    out.emplace_back(reply->elements[i].str, reply->elements[i + 1].str);
  }
  return out;
}

Result<RunInfo> RunStore::GetRun(const std::string& run) {
  auto reply = redis_.Eval(GetRunScript(), {}, {prefix_, run});
  if (!reply.ok()) return reply.status();
  if (reply->nil()) return Status::InvalidArgument("unknown run " + run);
  const auto& e = reply->elements;
  if (e.size() != 2) return Status::Decode("unexpected GetRun reply");
  RunInfo info;
  Status s = FillRun(e[0].elements, info);
  if (!s.ok()) return s;
  info.queued = e[1].integer;
  return info;
}

Result<std::vector<std::string>> RunStore::Runs() {
  auto reply = redis_.Command({"ZRANGE", prefix_ + "runs", "0", "-1"});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> names;
  for (auto& e : reply->elements) names.push_back(std::move(e.str));
  return names;
}

Result<std::vector<std::string>> RunStore::SweepFinishedRuns() {
  auto reply = redis_.Eval(SweepScript(), {}, {prefix_, common::EpochMsToRfc3339(NowMs()), Token()});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> finished;
  for (auto& run : reply->elements) finished.push_back(std::move(run.str));
  return finished;
}

Result<bool> RunStore::MaybeFinishRun(const std::string& run) {
  auto reply = Checked(redis_.Eval(FinishScript(), {}, {prefix_, run, common::EpochMsToRfc3339(NowMs()), Token()}));
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

}  // namespace fleet
