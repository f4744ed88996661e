#include "fleet/redis_client.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <optional>
#include <thread>

#include "common/strings.h"

namespace fleet {

using common::Code;
using common::Duration;
using common::Clock;
using common::TimePoint;
using common::Result;
using common::Status;
namespace {

constexpr Duration kFirstBackoff{100};
constexpr Duration kMaxBackoff{2000};

timeval ToTimeval(Duration d) {
  auto ms = d.count();
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

RedisReply Convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_INTEGER: out.kind = RedisReply::Kind::kInteger; out.integer = r.integer; break;
    case REDIS_REPLY_STRING: out.kind = RedisReply::Kind::kString; out.str.assign(r.str, r.len); break;
    case REDIS_REPLY_STATUS: out.kind = RedisReply::Kind::kStatus; out.str.assign(r.str, r.len); break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::kArray;
      out.elements.reserve(r.elements);
      for (size_t i = 0; i < r.elements; ++i) out.elements.push_back(Convert(*r.element[i]));
      break;
    default: break;  // nil
  }
  return out;
}

// Error replies Redis gives while it cannot serve yet (loading its AOF after a
// restart) or is blocked by a long script: the command did not run, so it is
// safe and right to send it again, like after a broken connection.
bool IsTransientError(std::string_view message) {
  return message.starts_with("LOADING") || message.starts_with("BUSY ") || message.starts_with("TRYAGAIN");
}

struct ReplyDeleter {
  void operator()(void* reply) const { if (reply) freeReplyObject(reply); }
};
using OwnedReply = std::unique_ptr<void, ReplyDeleter>;

std::optional<int> ParseInt(std::string_view s, int min, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || value < min || value > max) return std::nullopt;
  return value;
}

Status Bad(std::string_view url, std::string_view why) {
  return Status::InvalidArgument("redis URL '" + std::string(url) + "': " + std::string(why));
}

// unix:///path[?db=N&password=P&user=U]
Result<RedisAddress> ParseUnixUrl(std::string_view url, std::string_view rest) {
  RedisAddress a;
  size_t q = rest.find('?');
  a.unix_path = std::string(rest.substr(0, q));
  if (a.unix_path.empty() || a.unix_path[0] != '/') return Bad(url, "needs an absolute socket path (unix:///path)");
  std::string_view query = q == std::string_view::npos ? "" : rest.substr(q + 1);
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return Bad(url, "query parameter without '='");
    auto key = pair.substr(0, eq);
    auto value = common::PercentDecodeStrict(pair.substr(eq + 1));
    if (!value) return Bad(url, "malformed %-escape");
    if (key == "db") {
      auto db = ParseInt(*value, 0, 1 << 20);
      if (!db) return Bad(url, "db must be a number >= 0");
      a.db = *db;
    } else if (key == "password") {
      a.password = *value;
    } else if (key == "user") {
      a.user = *value;
    } else {
      return Bad(url, "unknown parameter '" + std::string(key) + "' (db, password, user)");
    }
  }
  return a;
}

// redis://[[user]:password@]host[:port][/db]
Result<RedisAddress> ParseTcpUrl(std::string_view url, std::string_view rest) {
  RedisAddress a;
  if (rest.find('?') != std::string_view::npos) return Bad(url, "query parameters are only for unix:// URLs");
  size_t at = rest.rfind('@');  // a password may hold '@' only %-encoded, but the host never does
  if (at != std::string_view::npos) {
    auto userinfo = rest.substr(0, at);
    size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) return Bad(url, "credentials must be user:password@ or :password@");
    auto user = common::PercentDecodeStrict(userinfo.substr(0, colon));
    auto password = common::PercentDecodeStrict(userinfo.substr(colon + 1));
    if (!user || !password) return Bad(url, "malformed %-escape");
    a.user = *user;
    a.password = *password;
    rest.remove_prefix(at + 1);
  }
  size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos && slash + 1 < rest.size()) {
    auto db = ParseInt(rest.substr(slash + 1), 0, 1 << 20);
    if (!db) return Bad(url, "db must be a number >= 0");
    a.db = *db;
  }
  size_t port_colon = hostport.rfind(':');
  if (!hostport.empty() && hostport[0] == '[') {  // [IPv6]:port
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return Bad(url, "unclosed '[' in host");
    a.host = std::string(hostport.substr(1, close - 1));
    port_colon = close + 1 < hostport.size() && hostport[close + 1] == ':' ? close + 1 : std::string_view::npos;
    if (port_colon == std::string_view::npos && close + 1 != hostport.size()) return Bad(url, "junk after ']'");
  } else {
    a.host = std::string(hostport.substr(0, port_colon));
  }
  if (a.host.empty()) return Bad(url, "no host");
  if (port_colon != std::string_view::npos) {
    auto port = ParseInt(hostport.substr(port_colon + 1), 1, 65535);
    if (!port) return Bad(url, "port must be 1-65535");
    a.port = *port;
  }
  return a;
}

}  // namespace

Result<RedisAddress> ParseRedisUrl(std::string_view url) {
  if (url.starts_with("redis://")) return ParseTcpUrl(url, url.substr(8));
  if (url.starts_with("unix://")) return ParseUnixUrl(url, url.substr(7));
  if (url.starts_with("rediss://")) return Bad(url, "TLS (rediss://) is not supported");
  return Bad(url, "expected redis://[[user]:password@]host[:port][/db] or unix:///path[?db=N&password=P&user=U]");
}

std::string ToRedisUrl(const RedisAddress& a) {
  if (!a.unix_path.empty()) return "unix://" + a.unix_path + (a.db ? "?db=" + std::to_string(a.db) : "");
  bool v6 = a.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + a.host + "]" : a.host;
  return "redis://" + host + ":" + std::to_string(a.port) + (a.db ? "/" + std::to_string(a.db) : "");
}

namespace {

using Replies = std::vector<Result<RedisReply>>;

std::string Describe(const RedisAddress& address, std::string_view why) {
  return "redis " + ToRedisUrl(address) + ": " + std::string(why);
}

void Free(redisContext*& context) {
  if (context) redisFree(context);
  context = nullptr;
}

// Sends every command, then reads every reply, once. nullopt when the
// connection broke (`why` says how); the context is then unusable.
std::optional<Replies> RoundTrip(redisContext* c, const std::vector<std::vector<std::string>>& commands,
                                 std::string* why) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  auto broken = [&]() -> std::optional<Replies> {
    *why = c->err ? c->errstr : "connection lost";
    return std::nullopt;
  };
  for (const auto& command : commands) {
    argv.clear();
    lengths.clear();
    for (const auto& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
      return broken();
    }
  }
  Replies replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || !raw) return broken();
    OwnedReply owned(raw);
    const auto* r = static_cast<const redisReply*>(raw);
    if (r->type == REDIS_REPLY_ERROR) {
      replies.emplace_back(Status::Protocol(std::string(r->str, r->len)));
    } else {
      replies.emplace_back(Convert(*r));
    }
  }
  return replies;
}

// The first transient error reply among `replies`, if any.
std::optional<std::string> TransientError(const Replies& replies) {
  for (const auto& reply : replies) {
    if (!reply.ok() && IsTransientError(reply.status().message())) return reply.status().message();
  }
  return std::nullopt;
}

// One command of the opening handshake. An error reply is Protocol, since
// retrying cannot fix a wrong password; the message never holds the password.
Status Handshake(redisContext* c, const RedisAddress& address, const std::vector<std::string>& argv) {
  std::string why;
  auto replies = RoundTrip(c, {argv}, &why);
  if (!replies) return Status::Unavailable(Describe(address, why));
  const auto& reply = (*replies)[0];
  if (reply.ok()) return Status::Ok();
  const std::string& message = reply.status().message();
  if (IsTransientError(message)) return Status::Unavailable(Describe(address, message));
  return Status::Protocol(argv[0] + " refused by " + ToRedisUrl(address) + ": " + message);
}

// hiredis writes with write(2): a Redis that went away would kill the whole
// process with SIGPIPE instead of giving us EPIPE to reconnect on. Ignored
// process-wide, unless the program installed a handler of its own.
void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction old {};
    if (sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) signal(SIGPIPE, SIG_IGN);
  });
}

}  // namespace

RedisScript::RedisScript(std::string src) : source(std::move(src)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source.data()), source.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char byte : digest) {
    sha1 += kHex[byte >> 4];
    sha1 += kHex[byte & 0xF];
  }
}

Result<std::unique_ptr<RedisClient>> RedisClient::Connect(const RedisAddress& address, RedisOptions options) {
  // One attempt only: a wrong URL, or a Redis that is not up at start, is
  // reported at once; retrying is for connections that worked and broke.
  IgnoreSigpipe();
  std::unique_ptr<RedisClient> client(new RedisClient(address, options));
  Status s = client->Open();
  if (!s.ok()) return s;
  return client;
}

RedisClient::~RedisClient() { Free(context_); }

Status RedisClient::Open() {
  Free(context_);
  timeval tv = ToTimeval(options_.connect_timeout);
  redisContext* c = address_.unix_path.empty() ? redisConnectWithTimeout(address_.host.c_str(), address_.port, tv)
                                               : redisConnectUnixWithTimeout(address_.unix_path.c_str(), tv);
  if (!c || c->err) {
    std::string why = c ? c->errstr : "out of memory";
    Free(c);
    return Status::Unavailable(Describe(address_, why));
  }
  redisSetTimeout(c, ToTimeval(options_.command_timeout));
  if (address_.unix_path.empty()) redisEnableKeepAlive(c);
  Status s;
  if (!address_.password.empty()) {
    s = address_.user.empty() ? Handshake(c, address_, {"AUTH", address_.password})
                              : Handshake(c, address_, {"AUTH", address_.user, address_.password});
  }
  if (s.ok() && address_.db != 0) s = Handshake(c, address_, {"SELECT", std::to_string(address_.db)});
  if (!s.ok()) {
    Free(c);
    return s;
  }
  context_ = c;
  return s;
}

// The retry loop: the first failure starts the `reconnect_for` clock; the
// connection is re-opened with backoff and the whole pipeline sent again,
// which callers make safe by writing idempotently.
Result<std::vector<Result<RedisReply>>> RedisClient::Pipeline(const std::vector<std::vector<std::string>>& commands) {
  if (commands.empty()) return Replies{};
  std::optional<TimePoint> give_up;
  Duration backoff = kFirstBackoff;
  std::string why = Describe(address_, "not connected");  // the last failure, for the final Unavailable
  for (;;) {
    if (context_) {
      std::string broke;
      auto replies = RoundTrip(context_, commands, &broke);
      if (!replies) {
        why = Describe(address_, broke);
        Free(context_);
      } else if (auto transient = TransientError(*replies)) {
        why = Describe(address_, *transient);  // the connection is fine; Redis asked us to come back
      } else {
        return std::move(*replies);
      }
    }
    TimePoint now = Clock::now();
    if (!give_up) give_up = now + options_.reconnect_for;
    if (now >= *give_up) {
      return Status::Unavailable(why + " (gave up after " +
                                 std::to_string(options_.reconnect_for.count()) + " ms)");
    }
    std::this_thread::sleep_for(std::min(backoff, std::chrono::duration_cast<Duration>(*give_up - now)));
    backoff = std::min(backoff * 2, kMaxBackoff);
    if (context_) continue;
    Status s = Open();
    if (s.ok()) {
      ++reconnects_;
    } else if (s.code() == Code::kUnavailable) {
      why = s.message();
    } else {
      return s;  // AUTH or SELECT refused: waiting will not help
    }
  }
}

Result<RedisReply> RedisClient::Command(const std::vector<std::string>& argv) {
  auto replies = Pipeline({argv});
  if (!replies.ok()) return replies.status();
  return std::move((*replies)[0]);
}

Result<RedisReply> RedisClient::Eval(const RedisScript& script, const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> argv{"EVALSHA", script.sha1, std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  // A Redis restarted between SCRIPT LOAD and EVALSHA forgets the script
  // again, hence a few rounds rather than one.
  for (int round = 0;; ++round) {
    auto reply = Command(argv);
    if (reply.ok() || round == 3 || reply.status().code() != Code::kProtocol ||
        !reply.status().message().starts_with("NOSCRIPT")) {
      return reply;
    }
    auto loaded = Command({"SCRIPT", "LOAD", script.source});
    if (!loaded.ok()) return loaded.status();
  }
}

}  // namespace fleet
