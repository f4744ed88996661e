// ChildProcess: a helper process this one starts and supervises (crawl's
// redis-server, coordinator and workers). The child gets SIGTERM if this
// process dies (PR_SET_PDEATHSIG), so none outlives it. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace common {

class ChildProcess {
 public:
  // argv[0] is a path or a name looked up on PATH. stdout goes to stderr when
  // `stdout_to_stderr` (a child's output must not mix with records on stdout).
  static Result<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                     bool stdout_to_stderr = true);
  ~ChildProcess();  // Stop(5 s) if still running

  pid_t pid() const { return pid_; }
  // Non-blocking: true (and the exit status in *status) once the child has exited.
  bool Exited(int* status = nullptr);
  void Signal(int signal);
  // SIGTERM, then SIGKILL after `grace_ms`; reaps it. Returns the wait status.
  int Stop(int grace_ms);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool exited_ = false;
  int status_ = 0;
};

}  // namespace common
