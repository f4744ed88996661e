// Wall-clock timestamps for records and run state: RFC 3339, UTC, always
// with milliseconds ("2026-01-02T03:04:05.678Z"). The one formatter of
// timestamps in trackscan. Pure but for NowRfc3339's clock; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace common {

std::string NowRfc3339();
// Seconds since the epoch (CDP wallTime) to RFC 3339; the fraction is truncated to ms.
std::string EpochToRfc3339(double seconds);
// Milliseconds since the epoch to RFC 3339 (run state timestamps).
std::string EpochMsToRfc3339(int64_t ms);

}  // namespace common
