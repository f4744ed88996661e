// RedisClient: one synchronous hiredis connection to Redis, for one thread.
// Commands are argv vectors (binary-safe). A broken connection (Redis
// restarted, network cut) is re-opened and the command sent again, with
// backoff, until `reconnect_for` has passed: every caller's writes are
// therefore designed to be idempotent (see fleet/store/run_store.h and
// worker/scan/result_sink.h). An error reply from Redis is Status::Protocol with
// Redis's message; an unreachable Redis is Status::Unavailable.
// Not thread-safe: one client per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/loop.h"
#include "common/status.h"

struct redisContext;

namespace fleet {

// redis://[[user]:password@]host[:port][/db] or unix:///path/to.sock[?db=N&password=P&user=U]
struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_path;  // set: a unix socket, host/port unused
  std::string user, password;
  int db = 0;
};
common::Result<RedisAddress> ParseRedisUrl(std::string_view url);
std::string ToRedisUrl(const RedisAddress& address);  // password left out, for logs

struct RedisReply {
  enum class Kind { kNil, kInteger, kString, kStatus, kArray };
  Kind kind = Kind::kNil;
  int64_t integer = 0;
  std::string str;  // kString, kStatus
  std::vector<RedisReply> elements;
  bool nil() const { return kind == Kind::kNil; }
};

// A Lua script, sent with EVALSHA and loaded on NOSCRIPT (also after Redis restarts).
struct RedisScript {
  explicit RedisScript(std::string source);
  std::string source, sha1;
};

struct RedisOptions {
  common::Duration connect_timeout{5000};
  common::Duration command_timeout{10000};
  common::Duration reconnect_for{60000};  // how long a broken connection is retried before Unavailable
};

class RedisClient {
 public:
  static common::Result<std::unique_ptr<RedisClient>> Connect(const RedisAddress& address, RedisOptions options = {});
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  common::Result<RedisReply> Command(const std::vector<std::string>& argv);
  // Sends every command, then reads every reply (one round trip). A broken
  // connection re-sends the whole pipeline. Error replies are Protocol, in
  // their place: the outer Result fails only when Redis cannot be reached.
  common::Result<std::vector<common::Result<RedisReply>>> Pipeline(const std::vector<std::vector<std::string>>& commands);
  common::Result<RedisReply> Eval(const RedisScript& script, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args);

  uint64_t reconnects() const { return reconnects_; }

 private:
  RedisClient(RedisAddress address, RedisOptions options) : address_(std::move(address)), options_(options) {}
  common::Status Open();
  RedisAddress address_;
  RedisOptions options_;
  redisContext* context_ = nullptr;
  uint64_t reconnects_ = 0;
};

}  // namespace fleet
