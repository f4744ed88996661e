// `trackscan scan`: validates the entry URLs, visits them, writes the
// records as JSON Lines and prints a per-site summary. Runs the process's
// event loop; call from main only.
#pragma once

#include <string>
#include <vector>

#include "worker/scan/scanner.h"

namespace cli {

struct ScanCommandOptions {
  std::vector<std::string> urls;
  std::string input_file;          // a URL list (common/url_list.h); "-" for stdin
  std::string out = "-";           // JSON Lines destination; "-" for stdout
  worker::ScanOptions scan;
};

// Exit codes: 0 the scan ran (visits may have outcome error), 2 bad input,
// 1 the scan could not run (no Chromium, output not writable, interrupted).
int RunScanCommand(ScanCommandOptions options);

}  // namespace cli
