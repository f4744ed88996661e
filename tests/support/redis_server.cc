#include "tests/support/redis_server.h"

#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

namespace testing_support {
namespace {

// redis-server from PATH, else Debian's.
std::string FindRedisServer() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/redis-server";
    if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "/usr/bin/redis-server";
}

// A unix socket path must fit sockaddr_un (108 bytes): a deep $TMPDIR falls back to /tmp.
std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && *tmp && std::string(tmp).size() < 60 ? tmp : "/tmp";
  std::string pattern = base + "/trackscan-redis-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) return "";
  return buf.data();
}

bool Pings(const std::string& socket) {
  redisContext* c = redisConnectUnixWithTimeout(socket.c_str(), timeval{0, 200000});
  bool pong = false;
  if (c && !c->err) {
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    pong = reply && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
    if (reply) freeReplyObject(reply);
  }
  if (c) redisFree(c);
  return pong;
}

}  // namespace

RedisServer::RedisServer(bool append_only) : append_only_(append_only) {
  dir_ = MakeTempDir();
  if (dir_.empty()) {
    std::perror("RedisServer: mkdtemp");
    return;
  }
  socket_ = dir_ + "/redis.sock";
  Start();
}

RedisServer::~RedisServer() {
  Stop();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

fleet::RedisAddress RedisServer::address() const {
  fleet::RedisAddress a;
  a.unix_path = socket_;
  return a;
}

// Leaves running() false when redis-server does not answer PING within 5 s;
// tests check running() first.
void RedisServer::Start() {
  if (pid_ > 0 || dir_.empty()) return;
  // Everything the child needs is built before fork: between fork and exec
  // only async-signal-safe calls are allowed (the test process has threads).
  std::vector<std::string> args{FindRedisServer(), "--port", "0", "--unixsocket", socket_, "--unixsocketperm", "700",
                                "--dir", dir_, "--save", "", "--daemonize", "no"};
  if (append_only_) {
    for (const char* a : {"--appendonly", "yes", "--appendfsync", "always"}) args.push_back(a);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log = dir_ + "/redis.log";
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return;
  if (pid == 0) {
    setpgid(0, 0);                     // its own group: killed as one, apart from the test runner
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test process takes its Redis with it
    if (getppid() != parent) _exit(1);  // the parent died before prctl
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so Stop() never races the child's own setpgid
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Pings(socket_)) return;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: see redis.log
      pid_ = -1;
      std::fprintf(stderr, "RedisServer: redis-server exited at start; log in %s\n", log.c_str());
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::fprintf(stderr, "RedisServer: no PONG within 5 s; log in %s\n", log.c_str());
  Stop();
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  int status;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  std::error_code ignored;
  std::filesystem::remove(socket_, ignored);
}

}  // namespace testing_support
