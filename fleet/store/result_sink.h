// ResultSink: commits one visit of a run into Redis (layout: fleet/store/keys.h,
// docs/fleet.md) in one atomic, idempotent Lua script (lua/commit_visit.lua):
// the visit's records, one zstd frame of JSON lines (common/zstd_frame.h),
// replace any earlier write of the same visit_id (a retried write never
// duplicates), and a final result is recorded for its URL only if the URL has
// none yet (a URL's result names exactly one attempt), updating the run's
// counters and aggregates in the same step. Borrows the RedisClient; one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "fleet/redis_client.h"
#include "fleet/store/keys.h"

namespace fleet {

// One visit as the store keeps it; the worker builds it from what it recorded
// (worker/scan/visit_commit.h). The fields are those of the URL result and
// the site summary (schemas/fleet/url_result, site_summary) plus the records.
struct VisitCommit {
  std::string run;
  int64_t index = 0;  // the URL's index in the run
  bool final = true;  // this attempt is the URL's result (false: browser lost, retried)
  std::string visit_id;  // never empty
  std::string url, final_url, site, outcome;
  int attempt = 1;
  std::optional<std::string> error;
  uint64_t requests = 0, cookies = 0;  // record counts
  std::string records;  // JSON lines, each ending in '\n'
  int64_t records_cut = 0, records_dropped = 0;  // lines cut to, or dropped over, the size limit
  std::set<std::string> third_party_domains;  // registrable domains of third-party requests
  std::set<std::string> jar_cookies;  // name \x1f domain of every cookie in the final jar
};

// The values the commit stores: a `results` value (url_result) and a `sites`
// value (site_summary), one line of JSON, keys in the schema's order.
std::string UrlResultJson(const VisitCommit& visit);
std::string SiteSummaryJson(const VisitCommit& visit);

class ResultSink {
 public:
  explicit ResultSink(RedisClient& redis, std::string prefix = std::string(keys::kDefaultPrefix))
      : redis_(redis), prefix_(std::move(prefix)) {}

  // Stores `visit`. Returns whether this call recorded the URL's result
  // (false: not final, or the URL already had one). InvalidArgument for a
  // visit without a visit_id, or when the run is gone or being deleted
  // (nothing is written; retrying will not help); RedisClient's errors otherwise.
  common::Result<bool> Commit(const VisitCommit& visit);

 private:
  RedisClient& redis_;
  std::string prefix_;
};

}  // namespace fleet
