// ResultSink: writes a visit's records into Redis for the fleet (layout:
// docs/fleet.md), in one atomic, idempotent Lua script: the visit's records,
// one zstd frame of JSON lines (common/zstd_frame.h), replace any earlier
// write of the same visit_id (a retried write never
// duplicates), and a final result is recorded for its URL only if the URL has
// none yet (a URL's result names exactly one attempt), updating the run's
// counters and aggregates in the same step. Borrows the RedisClient.
#pragma once

#include <cstdint>
#include <string>

#include "fleet/redis_client.h"
#include "worker/record/visit_result.h"

namespace worker {

struct SinkLimits {
  size_t max_record_bytes = 256 << 10;  // a longer record line is cut, its long strings first
};

class ResultSink {
 public:
  explicit ResultSink(fleet::RedisClient& redis, std::string prefix = "ts:", SinkLimits limits = {})
      : redis_(redis), prefix_(std::move(prefix)), limits_(limits) {}

  // Stores `result` under run `run`, URL `index`. `final`: this attempt is
  // the URL's result (false for a browser-lost attempt that will be retried).
  // Returns whether this call recorded the URL's result (false: already had one).
  // InvalidArgument when the run is gone or being deleted (nothing is
  // written; retrying will not help); RedisClient's errors otherwise.
  common::Result<bool> Commit(const std::string& run, int64_t index, const VisitResult& result, bool final);

 private:
  fleet::RedisClient& redis_;
  std::string prefix_;
  SinkLimits limits_;
};

}  // namespace worker
