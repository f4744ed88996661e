// Submitting a run: reads URLs (one a line, '#' comments; or Tranco-style
// "rank,domain" lines, a domain meaning https://domain/), validates each,
// and streams them into Redis in chunks, so a 1M-URL list needs flat memory.
// The run is dispatchable only once every URL is stored (SealRun): what is
// acknowledged is durable. Lines that are not URLs are skipped and reported.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <istream>
#include <string>
#include <vector>

#include "fleet/store/run_store.h"

namespace coordinator {

struct SubmitReport {
  int64_t accepted = 0;
  std::vector<std::string> rejected;  // "line 12: not http(s): ftp://x" (first 20 kept)
  int64_t rejected_count = 0;
};

// The entry URL a line names, or InvalidArgument why not.
common::Result<std::string> UrlOfLine(const std::string& line);

// Creates `run` and submits every URL of `in`; a run left `submitting` by an
// interrupted submission is completed. InvalidArgument when the run exists
// (and was sealed) or no line is a URL.
common::Result<SubmitReport> SubmitRun(fleet::RunStore& store, fleet::RunInfo run, std::istream& in);
// The same for a list in memory (on-demand requests).
common::Result<SubmitReport> SubmitRun(fleet::RunStore& store, fleet::RunInfo run, const std::vector<std::string>& lines);

}  // namespace coordinator
