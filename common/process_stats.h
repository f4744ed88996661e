// Resource use of this process and of the children it reaped (Chromium and
// its helpers), printed for bench/scan_bench.py when TRACKSCAN_RUSAGE is set.
// Thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace common {

// Resident memory of every process in process group `pgid` (Chromium runs
// in its own group: the browser, zygotes, renderers, GPU and utility
// processes), from /proc. 0 when none is found.
uint64_t ProcessGroupRssBytes(pid_t pgid);

// Prints "rusage <who> self_cpu_s=.. self_maxrss_kb=.. children_cpu_s=.."
// to stderr if the environment variable TRACKSCAN_RUSAGE is set.
void MaybePrintRusage(const char* who);

}  // namespace common
