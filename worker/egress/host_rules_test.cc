#include "worker/egress/host_rules.h"

#include <catch2/catch.hpp>

namespace worker::egress {
namespace {

TEST_CASE("HostRules maps as Chromium's --host-resolver-rules does", "[egress]") {
  auto rules = HostRules::Parse("EXCLUDE keep.test, MAP api.test [::1]:9000,MAP *.test 127.0.0.1:8443, MAP gone.example ~NOTFOUND");
  REQUIRE(rules.ok());
  auto mapped = rules->Map({"WWW.Site.test", 443});
  REQUIRE(mapped);
  CHECK(mapped->host == "127.0.0.1");
  CHECK(mapped->port == 8443);
  CHECK(rules->Map({"api.test", 80})->host == "::1");
  CHECK(rules->Map({"api.test", 80})->port == 9000);
  CHECK(rules->Map({"keep.test", 80})->host == "keep.test");
  CHECK(rules->Map({"other.example", 80})->port == 80);
  CHECK(!rules->Map({"gone.example", 80}));
}

TEST_CASE("HostRules: the last --host-resolver-rules counts, a bad rule is an error", "[egress]") {
  auto rules = HostRules::FromChromeFlags({"--host-resolver-rules=MAP * 10.0.0.1", "--other",
                                           "--host-resolver-rules=MAP a.test 127.0.0.1"});
  REQUIRE(rules.ok());
  CHECK(rules->Map({"b.test", 1})->host == "b.test");
  CHECK(rules->Map({"a.test", 1})->host == "127.0.0.1");
  CHECK(!HostRules::Parse("REWRITE a b").ok());
  CHECK(!HostRules::Parse("MAP a b:99999").ok());
}

}  // namespace
}  // namespace worker::egress
