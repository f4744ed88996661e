// RequestIntake: on-demand scans from a Redis Stream. Another system XADDs
// an entry with fields request_id, urls (one a line), and optionally
// reply_stream, timeout_s, min_dwell_s, quiet_period_s, ttl_s (schemas/fleet/
// scan_request.schema.json); it becomes run "ondemand-<request_id>" with
// priority 1, ahead of nightly runs. When that run is done, a scan_done entry
// goes to reply_stream (schemas/fleet/scan_reply.schema.json). Entries are
// read through a consumer group and acknowledged only once their run is
// stored; entries a crashed coordinator left unacknowledged are claimed
// after kClaimIdle. Private targets are refused unless the coordinator
// allows them. Borrows the client and the store; one thread.
#pragma once

#include <string>

#include "coordinator/scan_request.h"
#include "fleet/redis_client.h"
#include "fleet/store/run_store.h"

namespace coordinator {

class RequestIntake {
 public:
  RequestIntake(fleet::RedisClient& redis, fleet::RunStore& store, std::string stream, std::string consumer,
                bool allow_private_targets)
      : redis_(redis), store_(store), stream_(std::move(stream)), consumer_(std::move(consumer)),
        allow_private_(allow_private_targets) {}

  common::Status Open();  // creates the consumer group (and the stream) if missing
  common::Status Poll();  // takes what is waiting, without blocking
  // Sends the completion message of `run` if it came from a request.
  void Reply(const std::string& run);

 private:
  common::Status Take(const fleet::RedisReply& entries);
  void Accept(const std::string& entry_id, const StreamFields& fields);  // ParseScanRequest, then store
  void SendReply(const std::string& reply_stream, const std::vector<std::string>& fields);

  fleet::RedisClient& redis_;
  fleet::RunStore& store_;
  std::string stream_, consumer_;
  bool allow_private_;
  static constexpr const char* kGroup = "coordinators";
};

}  // namespace coordinator
