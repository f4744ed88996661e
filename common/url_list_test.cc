#include "common/url_list.h"

#include <catch2/catch.hpp>

namespace common {
namespace {

TEST_CASE("UrlOfListLine: URLs as written, Tranco rank,domain as https, comments out", "[url_list]") {
  CHECK(UrlOfListLine("  https://example.com/a?b \r") == "https://example.com/a?b");
  CHECK(UrlOfListLine("1,example.com") == "https://example.com/");
  CHECK(UrlOfListLine("12, www.example.org \r") == "https://www.example.org/");
  CHECK(UrlOfListLine("x1,example.com") == "x1,example.com");      // not a rank: left for the check
  CHECK(UrlOfListLine("1,example.com/path") == "1,example.com/path");  // not a bare domain
  CHECK(UrlOfListLine("# a comment").empty());
  CHECK(UrlOfListLine(" \t\r").empty());
}

TEST_CASE("CheckEntryUrl: form first, then private addresses unless allowed", "[url_list]") {
  CHECK(CheckEntryUrl("https://93.184.216.34/", AddressPolicy{}).ok());
  CHECK(CheckEntryUrl("http://127.0.0.1:9/", AddressPolicy{true, {}}).ok());
  auto private_refused = CheckEntryUrl("http://10.1.2.3/", AddressPolicy{}, " (hint)");
  REQUIRE_FALSE(private_refused.ok());
  CHECK(private_refused.status().code() == Code::kInvalidArgument);
  CHECK(private_refused.status().message().ends_with(" (hint)"));
  auto bad_scheme = CheckEntryUrl("ftp://example.com/", AddressPolicy{true, {}}, " (hint)");
  REQUIRE_FALSE(bad_scheme.ok());
  CHECK(bad_scheme.status().message().find("(hint)") == std::string::npos);
}

}  // namespace
}  // namespace common
