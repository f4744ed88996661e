#include "common/process_stats.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

namespace common {

uint64_t ProcessGroupRssBytes(pid_t pgid) {
  uint64_t total = 0;
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  for (const auto& entry : std::filesystem::directory_iterator("/proc", std::filesystem::directory_options::skip_permission_denied)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] < '0' || name[0] > '9') continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // Fields after the command name, which may hold spaces: state ppid pgrp ... rss (24th field).
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    long long value = 0, group = -1, rss = 0;
    for (int i = 3; rest >> field && i <= 24; ++i) {
      if (i == 5 || i == 24) value = std::atoll(field.c_str());
      if (i == 5) group = value;
      if (i == 24) rss = value;
    }
    if (group == pgid && rss > 0) total += static_cast<uint64_t>(rss) * page;
  }
  return total;
}
namespace {

double Seconds(const timeval& user, const timeval& sys) {
  return static_cast<double>(user.tv_sec + sys.tv_sec) + static_cast<double>(user.tv_usec + sys.tv_usec) / 1e6;
}

}  // namespace

void MaybePrintRusage(const char* who) {
  if (std::getenv("TRACKSCAN_RUSAGE") == nullptr) return;
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  std::fprintf(stderr, "rusage %s self_cpu_s=%.3f self_maxrss_kb=%ld children_cpu_s=%.3f children_maxrss_kb=%ld\n",
               who, Seconds(self.ru_utime, self.ru_stime), self.ru_maxrss,
               Seconds(children.ru_utime, children.ru_stime), children.ru_maxrss);
}

}  // namespace common
