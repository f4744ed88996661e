#include "common/strings.h"

#include <catch2/catch.hpp>

namespace common {
namespace {

TEST_CASE("AsciiLower folds only A-Z", "[strings]") {
  CHECK(AsciiLower("HeLLo-World_09") == "hello-world_09");
  CHECK(AsciiLower("\xC3\x89T\xC3\x89") == "\xC3\x89t\xC3\x89");  // UTF-8 bytes untouched
  CHECK(AsciiLower('Q') == 'q');
  CHECK(AsciiLower('@') == '@');
}

TEST_CASE("Trim and TrimRight take the given characters from the ends only", "[strings]") {
  CHECK(Trim("  \t a b \r\n") == "a b");
  CHECK(Trim(" \r\n\t").empty());
  CHECK(Trim("").empty());
  CHECK(Trim("\ra\r", " \t") == "\ra\r");  // RFC 6265 trims SP and HTAB only
  CHECK(TrimRight(" 1.2 \r\n") == " 1.2");
  CHECK(TrimRight("\n\n").empty());
}

TEST_CASE("PercentDecode keeps '+' and bad escapes; FormDecode turns '+' into a space", "[strings]") {
  CHECK(PercentDecode("a%20b+c") == "a b+c");
  CHECK(PercentDecode("%2540x%4") == "%40x%4");
  CHECK(PercentDecode("%zz%4a") == "%zzJ");
  CHECK(PercentDecode("100%") == "100%");
  CHECK(FormDecode("a+b%2Bc") == "a b+c");
  CHECK(FormDecode("%e2%82%AC") == "\xE2\x82\xAC");
}

TEST_CASE("PercentDecodeStrict refuses a malformed escape", "[strings]") {
  CHECK(PercentDecodeStrict("p%40ss+w") == "p@ss+w");
  CHECK_FALSE(PercentDecodeStrict("100%").has_value());
  CHECK_FALSE(PercentDecodeStrict("%4").has_value());
  CHECK_FALSE(PercentDecodeStrict("%g0").has_value());
  CHECK_FALSE(PercentDecodeStrict("%+1").has_value());
}

}  // namespace
}  // namespace common
