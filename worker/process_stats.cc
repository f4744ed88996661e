#include "worker/process_stats.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

namespace worker {
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

}  // namespace worker
