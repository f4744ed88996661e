// Resource use of this process and of the children it reaped (Chromium and
// its helpers), printed for bench/scan_bench.py when TRACKSCAN_RUSAGE is set.
// Thread-safe.
#pragma once

namespace worker {

// Prints "rusage <who> self_cpu_s=.. self_maxrss_kb=.. children_cpu_s=.."
// to stderr if the environment variable TRACKSCAN_RUSAGE is set.
void MaybePrintRusage(const char* who);

}  // namespace worker
