#include "fleet/store/keys.h"

#include <catch2/catch.hpp>

#include "tests/support/redis_server.h"

namespace fleet::keys {
namespace {

TEST_CASE("RunKey and GlobalKey spell the layout of docs/fleet.md", "[keys]") {
  CHECK(RunKey(kDefaultPrefix, "r") == "ts:run:r");
  CHECK(RunKey(kDefaultPrefix, "r", kResults) == "ts:run:r:results");
  CHECK(RunKey("bench:", "r", kVisit, "r-1-a1") == "bench:run:r:visit:r-1-a1");
  CHECK(RunKey(kDefaultPrefix, "r", kCookieSites, "_id\x1f.t.com") == "ts:run:r:ck:_id\x1f.t.com");
  CHECK(GlobalKey(kDefaultPrefix, kLeases) == "ts:leases");
  CHECK(GlobalKey(kDefaultPrefix, kRequests) == "ts:requests");
}

TEST_CASE("ValidRunName keeps run names inside their own keys", "[keys]") {
  CHECK(ValidRunName("nightly-2026.11_29"));
  CHECK(ValidRunName(std::string(200, 'a')));
  CHECK_FALSE(ValidRunName(""));
  CHECK_FALSE(ValidRunName(std::string(201, 'a')));
  CHECK_FALSE(ValidRunName("a:todo"));
  CHECK_FALSE(ValidRunName("a b"));
}

// The Lua side of the layout is generated from the same constants; this
// holds the two to each other in a real Redis.
TEST_CASE("the scripts' key names are the C++ ones", "[redis][keys]") {
  testing_support::RedisServer server;
  REQUIRE(server.running());
  auto redis = RedisClient::Connect(server.address());
  REQUIRE(redis.ok());
  RedisScript names(LuaKeyPrelude() +
                    "return {K('r'), K('r', TODO), K('r', PENDING .. 'b1'), K('r', THIRD_PARTY_SITES .. 'd.com'),"
                    " LEASES, BATCH_RUN, SEP}");
  auto reply = (*redis)->Eval(names, {}, {"p:"});
  INFO(reply.status().ToString());
  REQUIRE(reply.ok());
  std::vector<std::string> got;
  for (const auto& e : reply->elements) got.push_back(e.str);
  CHECK(got == std::vector<std::string>{RunKey("p:", "r"), RunKey("p:", "r", kTodo), RunKey("p:", "r", kPending, "b1"),
                                        RunKey("p:", "r", kThirdPartySites, "d.com"), GlobalKey("p:", kLeases),
                                        GlobalKey("p:", kBatchRun), std::string(1, kSeparator)});
}

}  // namespace
}  // namespace fleet::keys
