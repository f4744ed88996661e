// RunStore's deletion of a run and its TTL (run_store.h): bounded steps of
// one script each, so a 1M-URL run never holds Redis for long.
#include "fleet/store/run_store.h"
#include "fleet/store/keys.h"
#include "fleet/store/scripts.h"

namespace fleet {

using common::Result;
using common::Status;

Result<bool> RunStore::DeleteRun(const std::string& run, int64_t budget) {
  // The name becomes part of every key deleted: no pattern, no other run's keys.
  if (!keys::ValidRunName(run)) return Status::InvalidArgument("run name '" + run + "': use 1-200 of A-Z a-z 0-9 . _ -");
  if (budget < 1) return Status::InvalidArgument("budget must be >= 1");
  auto reply = redis_.Eval(scripts::DeleteRun(), {}, {prefix_, run, std::to_string(budget)});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

Result<std::vector<std::string>> RunStore::ExpiredRuns(int64_t now_ms, size_t limit) {
  auto reply = redis_.Command({"ZRANGE", keys::GlobalKey(prefix_, keys::kExpiry), "-inf", std::to_string(now_ms),
                               "BYSCORE", "LIMIT", "0", std::to_string(limit)});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> names;
  for (auto& e : reply->elements) names.push_back(std::move(e.str));
  return names;
}

}  // namespace fleet
