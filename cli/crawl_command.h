// `trackscan crawl`: a whole fleet on one machine, with no set-up. Starts a
// private redis-server when no --redis is given (unix socket, append-only
// file, data kept in --state-dir so a stopped crawl can be resumed), submits
// the URL list as a run, starts a coordinator and N workers as child
// processes (this binary), shows a live progress line, and when the run is
// done writes the export and prints the top third parties. Ctrl-C stops every
// child cleanly; `--resume RUN` goes on where it stopped. Children that die
// are restarted. Call from main only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleet/protocol.h"

namespace cli {

struct CrawlOptions {
  std::string urls_file;           // one URL a line or rank,domain; "-" for stdin
  std::string run;                 // default: crawl-YYYYMMDD-HHMMSS
  std::string resume;              // a run to go on with (no URL file then)
  std::string redis_url;           // empty: a private redis-server
  std::string state_dir;           // the private Redis's data; default ~/.local/state/trackscan
  int workers = 1, tabs = 4;
  size_t batch_size = 10;
  int max_attempts = 3;
  std::string out;                 // export path; default RUN.jsonl / RUN.csv
  std::string format = "jsonl";    // jsonl | csv
  fleet::VisitSettings settings;   // stored with the run
  int64_t ttl_s = 0;               // a new run is deleted this long after it is done; 0: kept
  std::vector<std::string> worker_args;  // passed on to each `trackscan worker` (--chrome, --chrome-flag=...)
};

// Exit codes: 0 the run is done and exported; 1 it could not run or was stopped; 2 bad input.
int RunCrawlCommand(CrawlOptions options);

}  // namespace cli
