#include "coordinator/request_intake.h"

#include "common/log.h"
#include "coordinator/submit.h"
#include "fleet/store/keys.h"

namespace coordinator {

using fleet::RedisReply;
using common::Status;

namespace {
constexpr const char* kClaimIdleMs = "30000";
}  // namespace

Status RequestIntake::Open() {
  auto r = redis_.Command({"XGROUP", "CREATE", stream_, kGroup, "0", "MKSTREAM"});
  if (!r.ok() && r.status().message().find("BUSYGROUP") == std::string::npos) return r.status();
  return Status::Ok();
}

Status RequestIntake::Poll() {
  // Entries another coordinator took and never acknowledged (it died).
  auto claimed = redis_.Command({"XAUTOCLAIM", stream_, kGroup, consumer_, kClaimIdleMs, "0-0", "COUNT", "10"});
  if (claimed.ok() && claimed->elements.size() >= 2) {
    if (Status s = Take(claimed->elements[1]); !s.ok()) return s;
  }
  auto fresh = redis_.Command({"XREADGROUP", "GROUP", kGroup, consumer_, "COUNT", "10", "STREAMS", stream_, ">"});
  if (!fresh.ok()) return fresh.status();
  for (const auto& stream : fresh->elements) {
    if (stream.elements.size() == 2) {
      if (Status s = Take(stream.elements[1]); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status RequestIntake::Take(const RedisReply& entries) {
  for (const auto& entry : entries.elements) {
    if (entry.elements.size() != 2) continue;
    StreamFields fields;
    const auto& flat = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < flat.size(); i += 2) fields.emplace_back(flat[i].str, flat[i + 1].str);
    Accept(entry.elements[0].str, fields);
  }
  return Status::Ok();
}

void RequestIntake::Accept(const std::string& entry_id, const StreamFields& fields) {
  ScanRequest request = ParseScanRequest(fields, allow_private_);
  const std::string& request_id = request.request_id;
  const std::string& reply_stream = request.reply_stream;
  std::string error = request.error;
  if (error.empty()) {
    fleet::RunInfo& run = request.run;
    if (auto existing = store_.GetRun(run.name); existing.ok() && existing->state != "submitting") {
      (void)redis_.Command({"XACK", stream_, kGroup, entry_id});  // delivered again after a crash
      return;
    }
    auto submitted = SubmitRun(store_, run, request.lines);
    if (!submitted.ok()) {
      if (submitted.status().code() != common::Code::kInvalidArgument) {
        common::LogWarn("request " + request_id + " not stored yet: " + submitted.status().ToString());
        return;  // not acknowledged: read again after kClaimIdle
      }
      error = submitted.status().message();
    } else {
      common::LogInfo("request " + request_id + ": run " + run.name + " with " +
                      std::to_string(submitted->accepted) + " URLs");
    }
  }
  if (!error.empty()) {
    common::LogWarn("request " + (request_id.empty() ? entry_id : request_id) + " rejected: " + error);
    if (!reply_stream.empty()) {
      SendReply(reply_stream, {"type", "scan_rejected", "v", "1", "request_id", request_id, "error", error});
    }
  }
  (void)redis_.Command({"XACK", stream_, kGroup, entry_id});
}

void RequestIntake::Reply(const std::string& run_name) {
  auto run = store_.GetRun(run_name);
  if (!run.ok() || run->reply_stream.empty()) return;
  std::string results_key = fleet::keys::RunKey(fleet::keys::kDefaultPrefix, run->name, fleet::keys::kResults);
  SendReply(run->reply_stream,
            {"type", "scan_done", "v", "1", "request_id", run->request_id, "run", run->name, "total",
             std::to_string(run->total), "done", std::to_string(run->done), "failed", std::to_string(run->failed),
             "results_key", results_key, "finished_at", run->finished_at});
}

void RequestIntake::SendReply(const std::string& reply_stream, const std::vector<std::string>& fields) {
  std::vector<std::string> argv{"XADD", reply_stream, "MAXLEN", "~", "100000", "*"};
  argv.insert(argv.end(), fields.begin(), fields.end());
  auto r = redis_.Command(argv);
  if (!r.ok()) common::LogWarn("reply to " + reply_stream + " failed: " + r.status().ToString());
}

}  // namespace coordinator
