// Reading a run back out of Redis: its status line, its export (JSON Lines
// of every visit's records, or CSV of one row per URL) and its top third
// parties. Reads in chunks, so a 1M-URL run exports with flat memory.
// Borrows the client; one thread.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "fleet/redis_client.h"
#include "fleet/store/run_store.h"

namespace fleet {

std::string DescribeRun(const RunInfo& run);  // "nightly-1: done, 100 URLs: 98 done, 2 failed, ..."

// JSON Lines: every stored visit's records (all attempts, as `trackscan scan`
// writes them). CSV: index,url,site,outcome,error,attempt,visit_id,requests,cookies
// in URL order. Returns the number of lines written (without the CSV header).
common::Result<int64_t> ExportJsonl(fleet::RedisClient& redis, const std::string& run, std::ostream& out);
common::Result<int64_t> ExportCsv(fleet::RedisClient& redis, const RunInfo& run, std::ostream& out);

// Third-party registrable domains by number of sites that sent them data, most first.
common::Result<std::vector<std::pair<std::string, int64_t>>> TopThirdParties(fleet::RedisClient& redis,
                                                                            const std::string& run, int n);

}  // namespace fleet
