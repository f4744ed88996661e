// The shared JSON readers: lone-surrogate repair and the release of buffers
// grown by a big message.
#include "cdp/protocol/internal/json_reader.h"

#include <catch2/catch.hpp>

#include <string>

namespace cdp::protocol::internal {
namespace {

std::string Repaired(std::string_view json) { return RepairLoneSurrogates(json).value_or("(unchanged)"); }

TEST_CASE("RepairLoneSurrogates replaces unpaired surrogate escapes only", "[cdp]") {
  CHECK(Repaired(R"({"u":"a\ud800b"})") == R"({"u":"a\ufffdb"})");
  CHECK(Repaired(R"({"u":"\uDBFF"})") == R"({"u":"\ufffd"})");         // upper case, at the end
  CHECK(Repaired(R"({"u":"\udc00x"})") == R"({"u":"\ufffdx"})");       // a lone low one
  CHECK(Repaired(R"({"u":"\ud800\ud800\udc00"})") == R"({"u":"\ufffd\ud800\udc00"})");  // lone, then a pair
  CHECK(Repaired(R"(["\ud800","\udfff"])") == R"(["\ufffd","\ufffd"])");
  CHECK(Repaired(R"({"u":"\ud800\u0041"})") == R"({"u":"\ufffd\u0041"})");
  // Nothing to repair: nullopt, so the caller knows a retry would not help.
  CHECK_FALSE(RepairLoneSurrogates(R"({"u":"\ud83d\ude00 \u00e9 plain"})").has_value());
  CHECK_FALSE(RepairLoneSurrogates(R"({"u":"\\ud800"})").has_value());  // an escaped backslash, then text
  CHECK_FALSE(RepairLoneSurrogates(R"({"u":"\ud8"})").has_value());     // malformed: left for the parser
  CHECK(Repaired(R"({"u":"\\\ud800"})") == R"({"u":"\\\ufffd"})");     // a backslash, then a lone surrogate
}

TEST_CASE("a parser's buffers go back to small after a big message", "[cdp]") {
  Parser parser;
  const std::string big = "[\"" + std::string(4 << 20, 'x') + "\"]";
  od::document doc;
  REQUIRE(Iterate(parser, big, doc) == SUCCESS);
  std::string_view value;
  REQUIRE(doc.get_array().at(0).get_string().get(value) == SUCCESS);
  CHECK(value.size() == size_t{4} << 20);
  CHECK(parser.buffer.capacity() > kRetainedParserBytes);
  CHECK(parser.parser.capacity() > kRetainedParserBytes);
  ReleaseIfLarge(parser);
  CHECK(parser.buffer.capacity() <= kRetainedParserBytes);
  CHECK(parser.parser.capacity() <= kRetainedParserBytes);
  // Still usable, and a small message keeps its buffers.
  REQUIRE(Iterate(parser, R"({"a":1})", doc) == SUCCESS);
  int64_t a = 0;
  REQUIRE(doc["a"].get_int64().get(a) == SUCCESS);
  CHECK(a == 1);
  const size_t small_capacity = parser.buffer.capacity();
  ReleaseIfLarge(parser);
  CHECK(parser.buffer.capacity() == small_capacity);

  // The decoders' own parser is released by ParseAndRun.
  common::Status status = ParseAndRun(big, "big", [](od::value root) {
    size_t count = 0;
    return root.count_elements().get(count);
  });
  CHECK(status.ok());
  CHECK(LocalParser().buffer.capacity() <= kRetainedParserBytes);
  CHECK(LocalParser().parser.capacity() <= kRetainedParserBytes);
}

}  // namespace
}  // namespace cdp::protocol::internal
