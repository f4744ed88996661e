#include "common/log.h"

#include <unistd.h>

#include <ctime>
#include <string>

namespace common {
namespace {

std::string g_name = "trackscan";

void Write(std::string_view level, std::string_view message) {
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string line = std::string(stamp) + " " + g_name + " " + std::string(level) + ": ";
  line.append(message);
  line.push_back('\n');
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

void SetLogName(std::string_view name) { g_name = name; }
void LogInfo(std::string_view message) { Write("info", message); }
void LogWarn(std::string_view message) { Write("warn", message); }
void LogError(std::string_view message) { Write("error", message); }

}  // namespace common
