#include "worker/normalize/set_cookie.h"

#include <catch2/catch.hpp>

namespace worker::normalize {
namespace {

TEST_CASE("ParseSetCookie reads name, value and attributes", "[worker][set_cookie]") {
  auto c = ParseSetCookie(
      " _ga = GA1.2.3 ; Domain=.Example.COM; path=/app; Max-Age=63072000; "
      "expires=Wed, 01 Jan 2031 00:00:00 GMT; SECURE; httponly; SameSite=None; Partitioned");
  REQUIRE(c);
  CHECK(c->name == "_ga");
  CHECK(c->value == "GA1.2.3");
  CHECK(c->domain == "example.com");
  CHECK(c->path == "/app");
  CHECK(c->max_age == 63072000);
  CHECK(c->expires == "Wed, 01 Jan 2031 00:00:00 GMT");
  CHECK(c->secure);
  CHECK(c->http_only);
  CHECK(c->same_site == "None");
  CHECK(c->partitioned);
}

TEST_CASE("ParseSetCookie edge cases", "[worker][set_cookie]") {
  SECTION("host-only, no attributes") {
    auto c = ParseSetCookie("id=42");
    REQUIRE(c);
    CHECK(c->domain.empty());
    CHECK_FALSE(c->expires);
    CHECK_FALSE(c->max_age);
  }
  SECTION("value may contain '='") {
    auto c = ParseSetCookie("tok=a=b==; Path=/");
    REQUIRE(c);
    CHECK(c->name == "tok");
    CHECK(c->value == "a=b==");
  }
  SECTION("no '=': a nameless cookie, as Chrome stores it") {
    auto c = ParseSetCookie("justavalue; Secure");
    REQUIRE(c);
    CHECK(c->name.empty());
    CHECK(c->value == "justavalue");
    CHECK(c->secure);
  }
  SECTION("nothing at all") {
    CHECK_FALSE(ParseSetCookie(""));
    CHECK_FALSE(ParseSetCookie("  ; Path=/"));
    CHECK_FALSE(ParseSetCookie("="));
  }
  SECTION("bad Max-Age and relative Path are ignored; last Domain wins") {
    auto c = ParseSetCookie("a=b; Max-Age=soon; Path=relative; Domain=x.com; Domain=.Y.com");
    REQUIRE(c);
    CHECK_FALSE(c->max_age);
    CHECK(c->path.empty());
    CHECK(c->domain == "y.com");
  }
  SECTION("negative and huge Max-Age") {
    CHECK(ParseSetCookie("a=b; Max-Age=-1")->max_age == -1);
    CHECK(ParseSetCookie("a=b; Max-Age=99999999999999999999999")->max_age > 0);
  }
}

TEST_CASE("SplitHeaderLines splits CDP's joined Set-Cookie value", "[worker][set_cookie]") {
  auto lines = SplitHeaderLines("a=1; Path=/\n\nb=2\r\nc=3\n");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "a=1; Path=/");
  CHECK(lines[1] == "b=2");
  CHECK(lines[2] == "c=3");
  CHECK(SplitHeaderLines("").empty());
}

}  // namespace
}  // namespace worker::normalize
