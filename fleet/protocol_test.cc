// The coordinator-worker codec: round trips, the examples in
// schemas/fleet/examples/ (which must be exactly what Encode sends), every
// rejection with its reason, and garbage that must neither crash nor pass.
#include "fleet/protocol.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fleet {
namespace {

using common::Code;

Batch SampleBatch() {
  Batch b;
  b.run = "nightly-2026-11-29";
  b.batch_id = "7f3a9c21-17";
  b.lease_ms = 600000;
  b.settings = {30.0, 2.5, 1.0, 1048576, false};
  b.items = {{0, "https://www.example.com/", 1}, {41, "https://news.example.org/world?page=2", 2}};
  return b;
}

// One representative message per type, in Message's order. Their encodings
// are schemas/fleet/examples/<type>.json.
std::vector<Message> Samples() {
  return {Ready{"w-host1-4121", 4}, Heartbeat{"w-host1-4121"}, SampleBatch(),
          Done{"w-host1-4121", "nightly-2026-11-29", "7f3a9c21-17", 41, "nightly-2026-11-29-41-a2", "ok", 2},
          Disconnect{"w-host1-4121"}};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `frame` with its first `from` replaced by `to` (which must be there).
std::string With(std::string frame, std::string_view from, std::string_view to) {
  size_t at = frame.find(from);
  INFO(frame << " has no " << from);
  REQUIRE(at != std::string::npos);
  return frame.replace(at, from.size(), to);
}

Message MustDecode(const std::string& frame) {
  auto result = Decode(frame);
  INFO(frame.substr(0, 300) << "\n-> " << result.status().ToString());
  REQUIRE(result.ok());
  return std::move(result).value();
}

// Why Decode rejects `frame` (the test fails if it accepts it).
std::string Rejection(const std::string& frame) {
  auto result = Decode(frame);
  INFO(frame.substr(0, 300));
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Code::kDecode);
  return result.status().message();
}

const std::string kReady = R"({"v":1,"type":"ready","worker_id":"w1","capacity":4})";
const std::string kHeartbeat = R"({"v":1,"type":"heartbeat","worker_id":"w1"})";
const std::string kDone = Encode(Samples()[3]);
const std::string kBatch = Encode(SampleBatch());

TEST_CASE("fleet: every type survives Encode then Decode", "[fleet_protocol]") {
  for (const Message& sample : Samples()) {
    INFO(TypeName(sample));
    Message decoded = MustDecode(Encode(sample));
    CHECK(decoded.index() == sample.index());
    CHECK(Encode(decoded) == Encode(sample));  // Encode writes every member
  }
  Batch batch = std::get<Batch>(MustDecode(kBatch));
  CHECK(batch.run == "nightly-2026-11-29");
  CHECK(batch.lease_ms == 600000);
  CHECK(batch.settings.timeout_s == 30.0);
  CHECK(batch.settings.min_dwell_s == 2.5);
  CHECK(batch.settings.post_data_cap == 1048576);
  REQUIRE(batch.items.size() == 2);
  CHECK(batch.items[1].index == 41);
  CHECK(batch.items[1].url == "https://news.example.org/world?page=2");
  CHECK(batch.items[1].attempt == 2);
  Done done = std::get<Done>(MustDecode(kDone));
  CHECK(done.visit_id == "nightly-2026-11-29-41-a2");
  CHECK(done.outcome == "ok");
  CHECK(done.attempt == 2);
}

TEST_CASE("fleet: the schema examples are exactly what Encode sends", "[fleet_protocol]") {
  for (const Message& sample : Samples()) {
    std::string path =
        std::string(TRACKSCAN_SOURCE_DIR) + "/schemas/fleet/examples/" + TypeName(sample) + ".json";
    CHECK(ReadFile(path) == Encode(sample) + "\n");
  }
}

TEST_CASE("fleet: wire format is v, type, then the members in declaration order", "[fleet_protocol]") {
  CHECK(Encode(Ready{"w1", 4}) == kReady);
  CHECK(Encode(Heartbeat{}) == R"({"v":1,"type":"heartbeat","worker_id":""})");
  CHECK(Encode(Disconnect{"w1"}) == R"({"v":1,"type":"disconnect","worker_id":"w1"})");
  CHECK(kBatch.rfind(R"({"v":1,"type":"batch","run":"nightly-2026-11-29","batch_id":"7f3a9c21-17",)"
                     R"("lease_ms":600000,"settings":{"timeout_s":30.0,)", 0) == 0);
  CHECK(std::string(TypeName(Message(Done{}))) == "done");
}

TEST_CASE("fleet: Decode takes keys in any order and skips unknown ones", "[fleet_protocol]") {
  Ready ready = std::get<Ready>(MustDecode(
      R"({"capacity":2,"later":{"x":[1,{"y":null}]},"worker_id":"w\u00e9","type":"ready","v":1})"));
  CHECK(ready.worker_id == "w\xC3\xA9");
  CHECK(ready.capacity == 2);
  // A field another type has, with a type that would be wrong there, is just unknown here.
  CHECK(std::holds_alternative<Heartbeat>(MustDecode(With(kHeartbeat, "}", R"(,"capacity":"many"})"))));
  std::string batch = With(kBatch, R"(false})", R"(false,"x":1})");  // in settings
  batch = With(batch, R"("attempt":2)", R"("attempt":2,"priority":"high")");
  CHECK(std::get<Batch>(MustDecode(batch)).items.size() == 2);
  Batch whole = std::get<Batch>(MustDecode(With(kBatch, "\"timeout_s\":30.0", "\"timeout_s\":30")));
  CHECK(whole.settings.timeout_s == 30);  // a whole number is a number too
  std::string nested = std::string(60, '[') + R"({"a":null,"b":-1.5e3,"c":"\u20ac"})" + std::string(60, ']');
  CHECK(std::holds_alternative<Heartbeat>(MustDecode(With(kHeartbeat, "}", R"(,"later":)" + nested + "}"))));
}

TEST_CASE("fleet: Decode rejects bad frames and names the problem", "[fleet_protocol]") {
  const std::pair<std::string, std::string> cases[] = {
      {"", "invalid JSON"},
      {"not json", "not a JSON object"},
      {With(kReady, "4}", "4,}"), "ready: invalid JSON"},
      {With(kHeartbeat, "}", R"(,"later":[1,{"x":tru}]})"), R"(heartbeat: invalid JSON at "later")"},
      {With(kHeartbeat, "}", R"(,"later":"\q"})"), R"(heartbeat: invalid JSON at "later")"},
      {With(kHeartbeat, "}", R"(,"later":)" + std::string(100, '[') + std::string(100, ']') + "}"),
       R"(heartbeat: invalid JSON at "later")"},
      {R"({"v":1,"type":"heartbeat","worker_id":"w1")", "invalid JSON"},
      {kHeartbeat + " {}", "heartbeat: invalid JSON: content after the object"},
      {"{\"v\":1,\"type\":\"heartbeat\",\"worker_id\":\"w\xFF\"}", "invalid JSON"},
      {"[1,2]", "not a JSON object"},
      {"42", "not a JSON object"},
      {R"({"type":"heartbeat","worker_id":"w1"})", R"(missing "v")"},
      {With(kHeartbeat, R"("v":1)", R"("v":"1")"), R"("v" is not an integer)"},
      {With(kHeartbeat, R"("v":1)", R"("v":1.0)"), R"("v" is not an integer)"},
      {With(kHeartbeat, R"("v":1)", R"("v":2)"), "protocol version 2, expected 1"},
      {R"({"worker_id":5,"capacity":"x","type":"ready","v":2})", "protocol version 2, expected 1"},
      {R"({"v":1,"worker_id":"w1"})", R"(missing "type")"},
      {With(kHeartbeat, R"("heartbeat")", "7"), R"("type" is not a string)"},
      {With(kHeartbeat, "heartbeat", "result"), R"(unknown type "result")"},
      {With(kReady, R"(,"capacity":4)", ""), R"(ready: missing "capacity")"},
      {With(kReady, "4", R"("4")"), R"(ready: "capacity" is not an integer)"},
      {With(kReady, "4", "1.5"), R"(ready: "capacity" is not an integer)"},
      {With(kReady, "4", "-1"), R"(ready: "capacity" is -1, must be >= 0)"},
      {With(kReady, "4", "3000000000"), R"("capacity" is 3000000000, must be <= 2147483647)"},
      {With(kReady, R"("w1")", "5"), R"(ready: "worker_id" is not a string)"},
      {R"({"v":1,"type":"heartbeat"})", R"(heartbeat: missing "worker_id")"},
      {R"({"v":1,"type":"disconnect","worker_id":null})", R"(disconnect: "worker_id" is not a string)"},
      {With(kHeartbeat, R"("w1")", R"("w\u0000x")"), R"(heartbeat: "worker_id" contains a NUL character)"},
      {With(kBatch, R"("lease_ms":600000)", R"("lease_ms":-5)"), R"(batch: "lease_ms" is -5, must be >= 0)"},
      {With(kBatch, R"("run")", R"("rum")"), R"(batch: missing "run")"},
      {With(kBatch, R"("settings")", R"("setting")"), R"(batch: missing "settings")"},
      {With(kBatch, R"({"timeout_s")", R"([],"x":{"timeout_s")"), R"(batch: "settings" is not an object)"},
      {With(kBatch, R"(,"allow_private_targets":false)", ""), R"(missing "settings.allow_private_targets")"},
      {With(kBatch, "30.0", R"("30")"), R"(batch: "settings.timeout_s" is not a number)"},
      {With(kBatch, "2.5", "-2.5"), R"(batch: "settings.min_dwell_s" is -2.500000, must be >= -1)"},
      {With(kBatch, "false", R"("no")"), R"("settings.allow_private_targets" is not a boolean)"},
      {With(kBatch, R"("items":[)", R"("items":7,"x":[)"), R"(batch: "items" is not an array)"},
      {With(kBatch, R"("items":[)", R"("items":[1,)"), R"(batch: "items[0]" is not an object)"},
      {With(kBatch, R"("index":0)", R"("index":-1)"), R"(batch: "items[0].index" is -1, must be >= 0)"},
      {With(kBatch, R"("attempt":1)", R"("attempt":0)"), R"(batch: "items[0].attempt" is 0, must be >= 1)"},
      {With(kBatch, R"(,"url":"https://news)", R"(,"uri":"https://news)"), R"(batch: missing "items[1].url")"},
      {With(kDone, R"("visit_id")", R"("visitid")"), R"(done: missing "visit_id")"},
      {With(kDone, R"("index":41)", R"("index":-3)"), R"(done: "index" is -3, must be >= 0)"},
      {With(kDone, R"("attempt":2)", R"("attempt":0)"), R"(done: "attempt" is 0, must be >= 1)"},
      {With(kDone, R"("outcome":"ok")", R"("outcome":true)"), R"(done: "outcome" is not a string)"},
  };
  for (const auto& [frame, reason] : cases) {
    INFO(frame);
    CHECK_THAT(Rejection(frame), Catch::Contains(reason));
  }
}

TEST_CASE("fleet: frame size and batch length limits", "[fleet_protocol]") {
  CHECK(Rejection(std::string(kMaxMessageBytes + 1, ' ')) ==
        "message of 4194305 bytes, more than the limit of 4194304");
  std::string padded = kHeartbeat + std::string(kMaxMessageBytes - kHeartbeat.size(), ' ');
  CHECK(std::holds_alternative<Heartbeat>(MustDecode(padded)));

  Batch big = SampleBatch();
  big.items.assign(10000, BatchItem{7, "https://www.example.com/", 1});
  CHECK(std::get<Batch>(MustDecode(Encode(big))).items.size() == 10000);
  big.items.push_back(BatchItem{8, "https://www.example.com/", 1});
  CHECK(Rejection(Encode(big)) == "batch: more than 10000 items");
}

TEST_CASE("fleet: Encode always sends valid JSON", "[fleet_protocol]") {
  // Invalid UTF-8 would make the peer drop the whole frame: each bad byte becomes U+FFFD.
  Heartbeat h = std::get<Heartbeat>(MustDecode(Encode(Heartbeat{"w\xFF" "1\xE2\x82"})));
  CHECK(h.worker_id == "w\xEF\xBF\xBD" "1\xEF\xBF\xBD\xEF\xBF\xBD");
  const std::string escaped = "\xE2\x82\xAC\"\\\n\t";
  CHECK(std::get<Heartbeat>(MustDecode(Encode(Heartbeat{escaped}))).worker_id == escaped);
  Batch b = SampleBatch();
  b.settings.timeout_s = std::nan("");
  b.settings.quiet_period_s = INFINITY;
  Batch decoded = std::get<Batch>(MustDecode(Encode(b)));
  CHECK(decoded.settings.timeout_s == -1);  // JSON has no NaN: -1 = the worker's default
  CHECK(decoded.settings.quiet_period_s == -1);
}

TEST_CASE("fleet: a setting of 0 stays 0, apart from the worker's default (-1)", "[fleet_protocol]") {
  Batch b = SampleBatch();
  b.settings.min_dwell_s = 0;  // `crawl --min-dwell 0 --quiet-period 0` means exactly that
  b.settings.quiet_period_s = 0;
  b.settings.post_data_cap = 0;
  Batch zero = std::get<Batch>(MustDecode(Encode(b)));
  CHECK(zero.settings.min_dwell_s == 0);
  CHECK(zero.settings.quiet_period_s == 0);
  CHECK(zero.settings.post_data_cap == 0);
  VisitSettings unset;
  CHECK(unset.min_dwell_s == -1);
  CHECK(unset.quiet_period_s == -1);
  CHECK(unset.post_data_cap == -1);
}

TEST_CASE("fleet: every truncation of a valid frame is rejected", "[fleet_protocol]") {
  for (const Message& sample : Samples()) {
    std::string frame = Encode(sample);
    for (size_t n = 0; n < frame.size(); ++n) {
      auto result = Decode(frame.substr(0, n));
      INFO(frame.substr(0, n));
      REQUIRE_FALSE(result.ok());
      REQUIRE(result.status().code() == Code::kDecode);
    }
  }
}

TEST_CASE("fleet: random bytes and mutated frames never crash Decode", "[fleet_protocol]") {
  std::mt19937 random(20261129);
  auto below = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); };
  const std::string tokens[] = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\"v\"", "1", "-0", "1e999",
                                "\"type\"", "\"batch\"", "\"items\"", "null", "true", "\xFF", " "};
  std::vector<std::string> seeds;
  for (const Message& sample : Samples()) seeds.push_back(Encode(sample));
  int accepted = 0, reencode_failures = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string frame;
    if (i % 3 == 0) {  // random bytes
      frame.resize(below(200));
      for (char& c : frame) c = static_cast<char>(below(256));
    } else if (i % 3 == 1) {  // random JSON-ish tokens
      for (size_t k = below(40); k > 0; --k) frame += tokens[below(std::size(tokens))];
    } else {  // a valid frame with a few bytes changed, dropped or a token inserted
      frame = seeds[below(seeds.size())];
      for (size_t k = 1 + below(3); k > 0; --k) {
        size_t at = below(frame.size());
        switch (below(3)) {
          case 0: frame[at] = static_cast<char>(below(256)); break;
          case 1: frame.erase(at, 1); break;
          default: frame.insert(at, tokens[below(std::size(tokens))]);
        }
      }
    }
    auto result = Decode(frame);
    if (!result.ok()) {
      REQUIRE(result.status().code() == Code::kDecode);
      REQUIRE_FALSE(result.status().message().empty());
      continue;
    }
    ++accepted;  // whatever Decode accepts must encode to a frame it accepts again
    if (!Decode(Encode(result.value())).ok()) ++reencode_failures;
  }
  CHECK(reencode_failures == 0);
  CHECK(accepted > 0);  // some mutations (e.g. inside a string) are still valid messages
}

}  // namespace
}  // namespace fleet
