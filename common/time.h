// Wall-clock timestamps for records: RFC 3339, UTC, milliseconds.
// Thread-safe.
#pragma once

#include <string>

namespace common {

std::string NowRfc3339();
// Seconds since the epoch (CDP wallTime) to RFC 3339.
std::string EpochToRfc3339(double seconds);

}  // namespace common
