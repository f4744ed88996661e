#include "common/time.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace common {
namespace {

std::string Format(std::time_t whole_seconds, int millis) {
  std::tm tm{};
  gmtime_r(&whole_seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

}  // namespace

std::string EpochToRfc3339(double seconds) {
  auto whole = static_cast<std::time_t>(std::floor(seconds));
  return Format(whole, static_cast<int>((seconds - static_cast<double>(whole)) * 1000.0));
}

std::string EpochMsToRfc3339(int64_t ms) {
  return Format(static_cast<std::time_t>(ms / 1000), static_cast<int>(ms % 1000));
}

std::string NowRfc3339() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return EpochToRfc3339(std::chrono::duration<double>(now).count());
}

}  // namespace common
