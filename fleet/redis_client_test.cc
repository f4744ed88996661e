#include "fleet/redis_client.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <thread>

#include "tests/support/redis_server.h"

namespace fleet {
namespace {

using common::Code;
using common::Duration;
using common::Clock;
using common::Result;
using common::Status;

using testing_support::RedisServer;

std::unique_ptr<RedisClient> ConnectTo(const RedisAddress& address, RedisOptions options = {}) {
  auto client = RedisClient::Connect(address, options);
  INFO(client.status().ToString());
  REQUIRE(client.ok());
  return std::move(client).value();
}

RedisReply Ok(Result<RedisReply> reply) {
  INFO(reply.status().ToString());
  REQUIRE(reply.ok());
  return std::move(reply).value();
}

TEST_CASE("ParseRedisUrl accepts tcp and unix forms", "[redis][redis_client]") {
  auto a = ParseRedisUrl("redis://cache.internal");
  REQUIRE(a.ok());
  CHECK(a->host == "cache.internal");
  CHECK(a->port == 6379);
  CHECK(a->db == 0);
  CHECK(a->password.empty());

  a = ParseRedisUrl("redis://:p%40ss@10.0.0.5:6380/3");
  REQUIRE(a.ok());
  CHECK(a->host == "10.0.0.5");
  CHECK(a->port == 6380);
  CHECK(a->db == 3);
  CHECK(a->user.empty());
  CHECK(a->password == "p@ss");

  a = ParseRedisUrl("redis://alice:secret@[::1]:7000/");
  REQUIRE(a.ok());
  CHECK(a->host == "::1");
  CHECK(a->port == 7000);
  CHECK(a->user == "alice");
  CHECK(a->password == "secret");

  a = ParseRedisUrl("unix:///run/redis/redis.sock?db=2&password=pw&user=bob");
  REQUIRE(a.ok());
  CHECK(a->unix_path == "/run/redis/redis.sock");
  CHECK(a->db == 2);
  CHECK(a->password == "pw");
  CHECK(a->user == "bob");

  CHECK(ToRedisUrl(*a) == "unix:///run/redis/redis.sock?db=2");
  CHECK(ToRedisUrl(*ParseRedisUrl("redis://:pw@h:1/4")) == "redis://h:1/4");
}

TEST_CASE("ParseRedisUrl rejects anything else with InvalidArgument", "[redis][redis_client]") {
  for (const char* bad : {"", "localhost:6379", "http://h", "rediss://h", "redis://", "redis://h:0",
                          "redis://h:99999", "redis://h:port", "redis://h/x", "redis://h/-1", "redis://pw@h",
                          "redis://h?db=1", "redis://[::1", "unix://relative.sock", "unix:///s?db=x",
                          "unix:///s?color=red", "unix:///s?db", "redis://:%zz@h"}) {
    INFO(bad);
    auto a = ParseRedisUrl(bad);
    REQUIRE_FALSE(a.ok());
    CHECK(a.status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("RedisScript's sha1 is Redis's", "[redis][redis_client]") {
  CHECK(RedisScript("").sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  RedisServer server;
  REQUIRE(server.running());
  auto redis = ConnectTo(server.address());
  RedisScript script("return 42");
  CHECK(Ok(redis->Command({"SCRIPT", "LOAD", script.source})).str == script.sha1);
}

TEST_CASE("Command returns each reply kind, error replies are Protocol", "[redis][redis_client]") {
  RedisServer server;
  REQUIRE(server.running());
  auto redis = ConnectTo(server.address());
  std::string binary("a\0b\r\nc", 6);
  CHECK(Ok(redis->Command({"SET", "k", binary})).kind == RedisReply::Kind::kStatus);
  auto got = Ok(redis->Command({"GET", "k"}));
  CHECK(got.kind == RedisReply::Kind::kString);
  CHECK(got.str == binary);
  CHECK(Ok(redis->Command({"GET", "missing"})).nil());
  CHECK(Ok(redis->Command({"INCRBY", "n", "5"})).integer == 5);
  Ok(redis->Command({"RPUSH", "l", "x", "y"}));
  auto list = Ok(redis->Command({"LRANGE", "l", "0", "-1"}));
  REQUIRE(list.kind == RedisReply::Kind::kArray);
  REQUIRE(list.elements.size() == 2);
  CHECK(list.elements[1].str == "y");

  auto wrong = redis->Command({"INCR", "l"});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == Code::kProtocol);
  CHECK(wrong.status().message().starts_with("WRONGTYPE"));
  CHECK(Ok(redis->Command({"PING"})).str == "PONG");  // the connection is still good
}

TEST_CASE("Pipeline answers in order, with error replies in their place", "[redis][redis_client]") {
  RedisServer server;
  REQUIRE(server.running());
  auto redis = ConnectTo(server.address());
  auto replies = redis->Pipeline({{"SET", "a", "1"}, {"NOSUCHCOMMAND"}, {"INCR", "a"}, {"GET", "nothing"}});
  REQUIRE(replies.ok());
  REQUIRE(replies->size() == 4);
  CHECK((*replies)[0].ok());
  REQUIRE_FALSE((*replies)[1].ok());
  CHECK((*replies)[1].status().code() == Code::kProtocol);
  CHECK((*replies)[2]->integer == 2);
  CHECK((*replies)[3]->nil());
}

TEST_CASE("Eval loads the script on NOSCRIPT, also after SCRIPT FLUSH", "[redis][redis_client]") {
  RedisServer server;
  REQUIRE(server.running());
  auto redis = ConnectTo(server.address());
  RedisScript script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  CHECK(Ok(redis->Eval(script, {"counter"}, {"2"})).integer == 2);
  Ok(redis->Command({"SCRIPT", "FLUSH"}));
  CHECK(Ok(redis->Eval(script, {"counter"}, {"3"})).integer == 5);
  auto failing = redis->Eval(RedisScript("return redis.call('INCR', 'x', 'y')"), {}, {});
  REQUIRE_FALSE(failing.ok());
  CHECK(failing.status().code() == Code::kProtocol);
}

TEST_CASE("a restarted Redis is reconnected and keeps acknowledged writes (AOF)", "[redis][redis_client]") {
  RedisServer server(/*append_only=*/true);
  REQUIRE(server.running());
  auto redis = ConnectTo(server.address());
  Ok(redis->Command({"SET", "kept", "yes"}));
  RedisScript script("return redis.call('GET', KEYS[1])");
  CHECK(Ok(redis->Eval(script, {"kept"}, {})).str == "yes");
  server.Restart();
  REQUIRE(server.running());
  CHECK(Ok(redis->Command({"GET", "kept"})).str == "yes");
  CHECK(redis->reconnects() == 1);
  CHECK(Ok(redis->Eval(script, {"kept"}, {})).str == "yes");  // reloaded after NOSCRIPT
}

TEST_CASE("a command waits for a Redis that comes back within reconnect_for", "[redis][redis_client]") {
  RedisServer server(/*append_only=*/true);
  REQUIRE(server.running());
  RedisOptions options;
  options.reconnect_for = Duration(10000);
  auto redis = ConnectTo(server.address(), options);
  Ok(redis->Command({"SET", "k", "1"}));
  server.Stop();
  // The command runs on another thread while this one restarts Redis: the
  // forking thread must outlive redis-server (PR_SET_PDEATHSIG).
  std::optional<Result<RedisReply>> reply;
  std::thread client([&] { reply.emplace(redis->Command({"INCR", "k"})); });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  server.Start();
  client.join();
  REQUIRE(server.running());
  REQUIRE(reply);
  INFO(reply->status().ToString());
  REQUIRE(reply->ok());
  CHECK((*reply)->integer == 2);
  CHECK(redis->reconnects() >= 1);
}

TEST_CASE("Unavailable once reconnect_for has passed, naming the address, not the password",
          "[redis][redis_client]") {
  RedisServer server;
  REQUIRE(server.running());
  auto admin = ConnectTo(server.address());
  Ok(admin->Command({"ACL", "SETUSER", "alice", "on", ">hunter2", "~*", "&*", "+@all"}));
  RedisAddress address = server.address();
  address.user = "alice";
  address.password = "hunter2";
  RedisOptions options;
  options.reconnect_for = Duration(300);
  auto redis = ConnectTo(address, options);
  CHECK(Ok(redis->Command({"ACL", "WHOAMI"})).str == "alice");

  server.Stop();
  auto start = Clock::now();
  auto reply = redis->Command({"PING"});
  auto waited = Clock::now() - start;
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.status().code() == Code::kUnavailable);
  CHECK(reply.status().message().find(address.unix_path) != std::string::npos);
  CHECK(reply.status().message().find("hunter2") == std::string::npos);
  CHECK(waited >= Duration(300));
  CHECK(waited < Duration(3000));
}

TEST_CASE("a wrong password is Protocol at once, db selects the database", "[redis][redis_client]") {
  RedisServer server;
  REQUIRE(server.running());
  auto admin = ConnectTo(server.address());
  Ok(admin->Command({"SELECT", "2"}));
  Ok(admin->Command({"SET", "where", "db2"}));
  Ok(admin->Command({"CONFIG", "SET", "requirepass", "right"}));

  auto url = ParseRedisUrl(server.url() + "?password=badpass42");
  REQUIRE(url.ok());
  auto refused = RedisClient::Connect(*url);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kProtocol);
  CHECK(refused.status().message().find("badpass42") == std::string::npos);

  url = ParseRedisUrl(server.url() + "?password=right&db=2");
  REQUIRE(url.ok());
  auto redis = ConnectTo(*url);
  CHECK(Ok(redis->Command({"GET", "where"})).str == "db2");

  auto nowhere = RedisClient::Connect(*ParseRedisUrl("unix:///nonexistent/redis.sock"));
  REQUIRE_FALSE(nowhere.ok());
  CHECK(nowhere.status().code() == Code::kUnavailable);
}

}  // namespace
}  // namespace fleet
