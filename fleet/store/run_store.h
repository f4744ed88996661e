// RunStore: the durable state of every run, in Redis (layout: docs/fleet.md).
// Everything the coordinator knows is here, so a coordinator killed and
// restarted resumes every run, and two coordinators at once never lease the
// same URL: each operation is one Lua script (atomic in Redis) and is
// idempotent, because RedisClient re-sends a command whose reply was lost.
// Borrows the RedisClient (one thread). Errors: RedisClient's, plus
// InvalidArgument for an unknown or existing run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleet/protocol.h"
#include "fleet/redis_client.h"
#include "fleet/store/keys.h"

namespace fleet {

struct RunInfo {
  std::string name;
  std::string state;  // submitting | queued | done | deleting
  int priority = 0;   // 0 nightly; higher goes first (on-demand requests: 1)
  int64_t total = 0, queued = 0, in_flight = 0, done = 0, failed = 0;
  std::string created_at, finished_at;  // RFC 3339; finished_at empty until done
  fleet::VisitSettings settings;
  std::string request_id, reply_stream;  // on-demand runs: where the completion message goes
  int64_t ttl_s = 0;  // deleted this long after it is done (by the coordinator); 0: kept until deleted by hand
};

// The longest ttl_s CreateRun takes: twelve digits, as an on-demand request may
// give (~31,700 years), keeping the expiry score (ms) well inside the integers a
// double holds exactly.
inline constexpr int64_t kMaxRunTtlS = 999'999'999'999;

struct WorkItem {
  int64_t index = 0;
  std::string url;
  int attempts = 0;  // dispatches that ended without a result
  std::string last_error;
};

struct Lease {
  std::string run, batch_id;
  fleet::VisitSettings settings;
  std::vector<WorkItem> items;
};

class RunStore {
 public:
  explicit RunStore(fleet::RedisClient& redis, std::string prefix = std::string(keys::kDefaultPrefix))
      : redis_(redis), prefix_(std::move(prefix)) {}

  // A new run in state `submitting` (not yet dispatched). InvalidArgument if it exists.
  common::Status CreateRun(const RunInfo& run);
  // Appends URLs; items[i].index must continue the run's numbering from 0.
  // Idempotent per index (re-appending after a lost reply adds nothing).
  common::Status AppendItems(const std::string& run, const std::vector<WorkItem>& items);
  // Submission complete: the run becomes `queued`, dispatchable, with `total` URLs.
  common::Status SealRun(const std::string& run, int64_t total);

  // Leases queued URLs into batches, one round trip for all: fills
  // `batch_ids` in order, each with up to `max_items` URLs of the
  // highest-priority run (oldest first), until `max_total` URLs are leased or
  // nothing is queued. Each batch is held by `worker` until `lease_until_ms`
  // (Unix ms). Returns the batches filled (fewer than the ids when the queue
  // ran dry). An id that is already a batch returns that batch again.
  common::Result<std::vector<Lease>> LeaseBatches(const std::vector<std::string>& batch_ids,
                                                  const std::string& worker, size_t max_items, size_t max_total,
                                                  int64_t lease_until_ms);
  // Records that each item has its final result (a repeat changes nothing);
  // a batch is forgotten when its last item is done. Then checks each run
  // named for completion, as MaybeFinishRun does, and returns the runs this
  // call finished. One script per 2000 items: a burst of `done`s is stored
  // in one round trip.
  struct ItemRef {
    std::string run, batch_id;
    int64_t index = 0;
  };
  common::Result<std::vector<std::string>> ItemsDone(const std::vector<ItemRef>& done);
  // Puts the batch's unfinished URLs back at the head of the queue with
  // attempts+1 and `error`; a URL that reached `max_attempts` gets a failed
  // result instead (outcome failed, last error). A second call does nothing.
  common::Status ReleaseBatch(const std::string& run, const std::string& batch_id, int max_attempts,
                              const std::string& error);
  // (run, batch_id) of leases that ended before now_ms, and of `worker`'s (when given).
  common::Result<std::vector<std::pair<std::string, std::string>>> Leases(int64_t expired_before_ms,
                                                                         const std::string& worker = "");

  common::Result<RunInfo> GetRun(const std::string& run);
  // Marks the run done when it is sealed and nothing is queued or in flight.
  // True only for the call that marked it (so one completion message is sent).
  common::Result<bool> MaybeFinishRun(const std::string& run);
  // For each run with a batch in flight whose every URL has a result: the
  // batches are forgotten (a `done` for them was lost: their items have
  // results, so nothing is re-queued) and the run is finished. Returns the
  // runs this call finished. Reads every lease (one ZRANGE), so call it
  // seldom: the coordinator does every 15 s and after a worker (re)joins.
  common::Result<std::vector<std::string>> SweepFinishedRuns();

  // One step of deleting every key of `run`: at most `budget` keys per call
  // (plus the few index keys it empties), so deleting a 1M-URL run never
  // holds Redis for long; each call makes progress. True when the run is
  // completely gone (also for a run that does not exist, so a call re-sent
  // after a lost reply succeeds); false: call again. The first step makes the
  // run `deleting`: it is never leased again and cannot finish. Resumable
  // after a crash at any point; calls from two processes at once are fine.
  common::Result<bool> DeleteRun(const std::string& run, int64_t budget = 1000);
  // Runs whose ttl_s has passed since they were done (Unix ms), longest-due first.
  common::Result<std::vector<std::string>> ExpiredRuns(int64_t now_ms, size_t limit = 100);

 private:
  fleet::RedisClient& redis_;
  std::string prefix_;
};

}  // namespace fleet
