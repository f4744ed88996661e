// RedisServer: a real redis-server for tests, on a unix socket in its own
// temp dir (no TCP port), killed and its dir removed on destruction.
#pragma once

#include <string>
#include <sys/types.h>

#include "fleet/redis_client.h"

namespace testing_support {

class RedisServer {
 public:
  // append_only: AOF on (fsync always), so Restart() keeps what was acknowledged.
  explicit RedisServer(bool append_only = false);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool running() const { return pid_ > 0; }
  fleet::RedisAddress address() const;
  std::string url() const { return "unix://" + socket_; }
  void Stop();     // SIGKILL, as a crash
  void Start();    // again, on the same socket and data dir
  void Restart() { Stop(); Start(); }

 private:
  std::string dir_, socket_;
  bool append_only_;
  pid_t pid_ = -1;
};

}  // namespace testing_support
