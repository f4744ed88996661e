// Log lines for long-running processes (coordinator, worker): one line per
// event on stderr, "2026-11-29T04:40:00Z coordinator warn: message". Lines
// are written whole (one write each), so processes sharing a terminal do not
// interleave mid-line. Thread-safe.
#pragma once

#include <string_view>

namespace common {

void SetLogName(std::string_view name);  // "coordinator", "worker w1"; once, at start
void LogInfo(std::string_view message);
void LogWarn(std::string_view message);
void LogError(std::string_view message);

}  // namespace common
