#include "fleet/store/run_store.h"
#include "fleet/store/keys.h"
#include "fleet/store/scripts.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>

#include "common/time.h"

namespace fleet {
namespace {

using fleet::RedisReply;
using common::Result;
using common::Status;

constexpr size_t kAppendChunk = 1000;  // items per script call: ~1 ms of Redis time each
constexpr size_t kDoneChunk = 2000;    // done items per script call: well under 1 ms each

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A per-call token that tells a re-sent write apart from someone else's.
std::string Token() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::to_string(random());
}


// A script's reply, with '!'-refusals (a reply string starting with '!') turned into InvalidArgument.
Result<RedisReply> Checked(Result<RedisReply> reply) {
  if (reply.ok() && reply->kind == RedisReply::Kind::kString && reply->str.starts_with('!')) {
    return Status::InvalidArgument(reply->str.substr(1));
  }
  return reply;
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
      auto settings = DecodeSettings(v);
      if (!settings.ok()) return settings.status();
      run.settings = *settings;
    }
  }
  return Status::Ok();
}

}  // namespace

Status RunStore::CreateRun(const RunInfo& run) {
  if (!keys::ValidRunName(run.name)) return Status::InvalidArgument("run name '" + run.name + "': use 1-200 of A-Z a-z 0-9 . _ -");
  if (run.priority < -100 || run.priority > 100) return Status::InvalidArgument("priority must be -100..100");
  if (run.ttl_s < 0 || run.ttl_s > kMaxRunTtlS) {
    return Status::InvalidArgument("ttl_s must be 0.." + std::to_string(kMaxRunTtlS));
  }
  int64_t created = NowMs();
  // ts:queue order: higher priority first, then the older run (lowest score first).
  int64_t queue_score = created - int64_t{run.priority} * 10'000'000'000'000;
  auto reply = Checked(redis_.Eval(scripts::CreateRun(), {},
                                   {prefix_, run.name, std::to_string(run.priority), std::to_string(created),
                                    run.created_at.empty() ? common::EpochMsToRfc3339(created) : run.created_at, EncodeSettings(run.settings), run.request_id, run.reply_stream,
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
    auto reply = Checked(redis_.Eval(scripts::AppendItems(), {}, args));
    if (!reply.ok()) return reply.status();
  }
  return Status::Ok();
}

Status RunStore::SealRun(const std::string& run, int64_t total) {
  auto reply = Checked(redis_.Eval(scripts::SealRun(), {}, {prefix_, run, std::to_string(total)}));
  return reply.ok() ? Status::Ok() : reply.status();
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
  auto reply = redis_.Eval(scripts::LeaseBatches(), {}, args);
  if (!reply.ok()) return reply.status();
  const auto& e = reply->elements;
  for (size_t i = 0; i < e.size();) {
    if (i + 4 > e.size()) return Status::Decode("unexpected LeaseBatches reply");
    size_t n = static_cast<size_t>(e[i + 3].integer);
    if (i + 4 + 4 * n > e.size()) return Status::Decode("unexpected LeaseBatches reply");
    auto settings = DecodeSettings(e[i + 2].str);
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
    auto reply = redis_.Eval(scripts::ItemsDone(), {}, args);
    if (!reply.ok()) return reply.status();
    for (auto& run : reply->elements) finished.push_back(std::move(run.str));
  }
  return finished;
}

Status RunStore::ReleaseBatch(const std::string& run, const std::string& batch_id, int max_attempts,
                              const std::string& error) {
  if (max_attempts < 1) return Status::InvalidArgument("max_attempts must be >= 1");
  auto reply = redis_.Eval(scripts::ReleaseBatch(), {}, {prefix_, run, batch_id, std::to_string(max_attempts), error});
  return reply.ok() ? Status::Ok() : reply.status();
}

Result<std::vector<std::pair<std::string, std::string>>> RunStore::Leases(int64_t expired_before_ms,
                                                                         const std::string& worker) {
  auto reply = redis_.Eval(scripts::Leases(), {}, {prefix_, std::to_string(expired_before_ms), worker});
  if (!reply.ok()) return reply.status();
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    out.emplace_back(reply->elements[i].str, reply->elements[i + 1].str);
  }
  return out;
}

Result<RunInfo> RunStore::GetRun(const std::string& run) {
  auto reply = redis_.Eval(scripts::GetRun(), {}, {prefix_, run});
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

Result<std::vector<std::string>> RunStore::SweepFinishedRuns() {
  auto reply = redis_.Eval(scripts::SweepFinishedRuns(), {}, {prefix_, common::EpochMsToRfc3339(NowMs()), Token()});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> finished;
  for (auto& run : reply->elements) finished.push_back(std::move(run.str));
  return finished;
}

Result<bool> RunStore::MaybeFinishRun(const std::string& run) {
  auto reply = Checked(redis_.Eval(scripts::FinishRun(), {}, {prefix_, run, common::EpochMsToRfc3339(NowMs()), Token()}));
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

}  // namespace fleet
