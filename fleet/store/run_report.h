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

// What an export wrote, and what it could not.
struct ExportCount {
  int64_t lines = 0;  // written, without the CSV header
  // One "visit ID: why" (JSON Lines) or "result INDEX: why" (CSV) per stored
  // value that could not be read: skipped (JSON Lines) or written as an
  // "unreadable result" row (CSV). The caller must report them.
  std::vector<std::string> damaged;
};

// JSON Lines: every stored visit's records (all attempts, as `trackscan scan`
// writes them). CSV: index,url,site,outcome,error,attempt,visit_id,requests,cookies
// in URL order. A damaged value costs its visit or row, not the export.
common::Result<ExportCount> ExportJsonl(fleet::RedisClient& redis, const std::string& run, std::ostream& out);
common::Result<ExportCount> ExportCsv(fleet::RedisClient& redis, const RunInfo& run, std::ostream& out);

// The export of `run` in `format` ("jsonl" or "csv") to `path` ("-":
// stdout), written under a temporary name and renamed into place
// (common::OutputFile), with every write, the flush and the close checked.
// A damaged stored value does not stop it: the file is completed and
// renamed, then kDecode names every damaged visit (the caller exits
// non-zero). Other failures: kUnavailable (Redis), kInternal (the file).
common::Status ExportToFile(fleet::RedisClient& redis, const RunInfo& run, const std::string& format,
                            const std::string& path);

// Third-party registrable domains by number of sites that sent them data, most first.
common::Result<std::vector<std::pair<std::string, int64_t>>> TopThirdParties(fleet::RedisClient& redis,
                                                                            const std::string& run, int n);

}  // namespace fleet
