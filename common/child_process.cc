#include "common/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace common {

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                                          bool stdout_to_stderr) {
  if (argv.empty()) return Status::InvalidArgument("no command");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Status::Internal(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    if (stdout_to_stderr) dup2(STDERR_FILENO, STDOUT_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    execvp(args[0], args.data());
    const char msg[] = "trackscan: cannot start a child process\n";
    (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
    _exit(127);
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

ChildProcess::~ChildProcess() {
  if (!exited_) Stop(5000);
}

bool ChildProcess::Exited(int* status) {
  if (!exited_) {
    int st = 0;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      exited_ = true;
      status_ = st;
    }
  }
  if (exited_ && status) *status = status_;
  return exited_;
}

void ChildProcess::Signal(int signal) {
  if (!exited_) kill(pid_, signal);
}

int ChildProcess::Stop(int grace_ms) {
  Signal(SIGTERM);
  for (int waited = 0; waited < grace_ms && !Exited(); waited += 20) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!Exited()) {
    Signal(SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    exited_ = true;
    status_ = st;
  }
  return status_;
}

}  // namespace common
