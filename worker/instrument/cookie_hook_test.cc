#include "worker/instrument/cookie_hook.h"

#include <catch2/catch.hpp>

namespace worker {
namespace {

TEST_CASE("cookie hook payloads decode into cookie_write records", "[worker][cookie_hook]") {
  auto write = ParseCookieHookPayload(
      "document.cookie\x1fhttps://www.clinic.test/p\x1f" "uid=1; Path=/\x1f"
      "https://cdn.tracker.test/t.js\x1ehttps://www.clinic.test/p");
  REQUIRE(write);
  CHECK(write->api == "document.cookie");
  CHECK(write->frame_url == "https://www.clinic.test/p");
  CHECK(write->cookie == "uid=1; Path=/");
  CHECK(write->script_url == "https://cdn.tracker.test/t.js");
  CHECK(write->stack_urls == std::vector<std::string>{"https://cdn.tracker.test/t.js", "https://www.clinic.test/p"});

  auto no_stack = ParseCookieHookPayload("cookieStore\x1fhttps://a.test/\x1f" "a=b\x1f");
  REQUIRE(no_stack);
  CHECK(!no_stack->script_url);
  CHECK(no_stack->stack_urls.empty());
}

TEST_CASE("malformed cookie hook payloads are refused", "[worker][cookie_hook]") {
  for (const char* bad : {"", "document.cookie", "eval\x1fu\x1f" "c\x1f", "document.cookie\x1fu\x1f" "c"}) {
    INFO(bad);
    CHECK(!ParseCookieHookPayload(bad));
  }
}

}  // namespace
}  // namespace worker
