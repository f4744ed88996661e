#include "worker/instrument/api_calls.h"

#include <catch2/catch.hpp>

#include "worker/instrument/hook_source.h"

namespace worker {
namespace {

TEST_CASE("api call batches decode entry by entry", "[fingerprint][api_calls]") {
  auto calls = ParseApiCallsPayload(
      "calls\x1fhttps://fp.test/\x1f"
      "CanvasRenderingContext2D.fillText\x1dhttps://fpjs.test/fp.js\x1d" "3\x1d" "1700000000123\x1dHello\x1c#f60"
      "\x1e" "WebGLRenderingContext.getSupportedExtensions\x1dhttps://fpjs.test/fp.js\x1d" "1\x1d" "5\x1d");
  REQUIRE(calls);
  REQUIRE(calls->size() == 2);
  const ApiCallRecord& text = (*calls)[0];
  CHECK(text.api == "CanvasRenderingContext2D.fillText");
  CHECK(text.script_url == "https://fpjs.test/fp.js");
  CHECK(text.frame_url == "https://fp.test/");
  CHECK(text.count == 3);
  CHECK(text.first_time == 1700000000123.0);
  CHECK(text.args == std::vector<std::string>{"Hello", "#f60"});
  CHECK((*calls)[1].args.empty());
}

TEST_CASE("malformed api call batches and cookie reports are refused", "[fingerprint][api_calls]") {
  for (const char* bad : {"", "calls", "calls\x1fu\x1f", "calls\x1fu\x1f" "a\x1ds\x1d" "0\x1d" "1\x1d",
                          "calls\x1fu\x1f" "a\x1ds\x1dx\x1d" "1\x1d", "calls\x1fu\x1f" "a\x1ds\x1d" "1\x1d",
                          "document.cookie\x1fu\x1f" "c\x1fs"}) {
    INFO(bad);
    CHECK(!ParseApiCallsPayload(bad));
  }
}

TEST_CASE("the log sums batches per frame, api, script and arguments", "[fingerprint][api_calls]") {
  ApiCallLog log(2);
  log.Add({{"A.f", "s", "u", 2, {"x"}, 10}, {"A.f", "s", "u", 1, {"y"}, 11}});
  log.Add({{"A.f", "s", "u", 5, {"x"}, 9}, {"A.f", "s", "v", 4, {"x"}, 12}});
  auto calls = log.Take();
  REQUIRE(calls.size() == 2);
  CHECK((calls[0].args == std::vector<std::string>{"x"}));
  CHECK(calls[0].count == 7);
  CHECK(calls[0].first_time == 9);
  CHECK(calls[1].count == 1);
  CHECK(log.dropped() == 4);  // the third key, over the cap of 2
  CHECK(log.Take().empty());
}

TEST_CASE("the instrumentation script names its binding once and keeps no placeholder", "[fingerprint][hook]") {
  std::string source = InstrumentSource("__ts0123456789ab");
  CHECK(source.find("\"__ts0123456789ab\"") != std::string::npos);
  CHECK(source.find("@BINDING@") == std::string::npos);
  CHECK(source.find("__ts0123456789ab", source.find("__ts0123456789ab") + 1) == std::string::npos);
}

}  // namespace
}  // namespace worker
