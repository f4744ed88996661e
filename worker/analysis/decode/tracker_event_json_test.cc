#include "worker/analysis/decode/tracker_event.h"
#include "worker/record/record_json.h"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace worker {
namespace {

std::vector<TrackerEventRecord> Decode(const std::string& url, const std::string& body = "",
                                       const std::string& content_type = "") {
  OutgoingRequest request;
  request.request_id = "1000.5";
  request.url = url;
  request.method = body.empty() ? "GET" : "POST";
  if (!body.empty()) request.post_data = body;
  if (!content_type.empty()) request.content_type = content_type;
  auto events = DecodeTrackerEvents(request);
  for (TrackerEventRecord& e : events) e.visit_id = "s1a2b3-1-a1";
  return events;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("tracker_event JSON: type and schema_version first, optionals null, pairs as arrays", "[decode]") {
  TrackerEventRecord e;
  e.visit_id = "v";
  e.request_id = "r";
  e.platform = "meta";
  e.event_name = "Lead";
  e.custom_parameters = {{"cd[a]", "1"}};
  e.identity_fields.push_back({"ud[em]", "email", "x\xff", false, std::nullopt, false});
  e.encoding = "query";
  CHECK(ToJson(e) ==
        R"({"type":"tracker_event","schema_version":1,"visit_id":"v","request_id":"r","platform":"meta",)"
        R"("endpoint":"","account_id":null,"event_name":"Lead","standard_event":false,"event_id":null,)"
        R"("timestamp":null,"page_url":null,"referrer_url":null,"page_title":null,"button_text":null,)"
        R"("custom_parameters":[["cd[a]","1"]],"identity_fields":[{"parameter":"ud[em]","kind":"email",)"
        R"("value":")" "x\xEF\xBF\xBD" R"(","hashed":false,"hash_algorithm":null,"empty_hash":false}],"encoding":"query",)"
        R"("raw":"","raw_truncated":false,"duplicate":false})");
}

// The examples in schemas/examples/ (validated against the schema by
// tests/integration/test_schemas.py) are exactly what ToJson writes for these
// requests, so the serializer and the schema cannot drift apart. After a
// deliberate format change, TRACKSCAN_WRITE_EXAMPLES=1 rewrites them (compact;
// reformat with `python3 -m json.tool --indent 4`).
TEST_CASE("tracker_event JSON equals the schema examples", "[decode]") {
  const std::string jane = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
  struct Case {
    const char* example;
    std::vector<TrackerEventRecord> events;
  };
  const Case cases[] = {
      {"tracker_event.json",
       Decode("https://www.facebook.com/tr/",
              "id=1234567890&ev=SubscribedButtonClick&dl=https%3A%2F%2Fshop.example.com%2F&rl=&if=false"
              "&ts=1764412805000&cd[buttonFeatures]=%7B%22classList%22%3A%22btn%22%2C%22innerText%22%3A%22Sign%20up"
              "%22%2C%22tag%22%3A%22button%22%7D&cd[buttonText]=Sign%20up&cd[pageFeatures]=%7B%22title%22%3A%22Shop"
              "%22%7D&udff[em]=" + jane + "&ud[em]=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
              "&fbp=fb.1.1764412800000.123456789&v=2.9.178&r=stable",
              "application/x-www-form-urlencoded")},
      {"tracker_event_ga4_line.json",
       Decode("https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ&cid=123456789.1764412800"
              "&dl=https%3A%2F%2Fshop.example.com%2Fitem&dt=Item",
              "en=view_item&ep.item_id=SKU-1&epn.value=29.99\nen=scroll&epn.percent_scrolled=90\n")},
      {"tracker_event_tiktok.json",
       Decode("https://analytics.tiktok.com/api/v2/pixel",
              R"({"event":"CompletePayment","event_id":"ord-77","timestamp":"2026-11-29T10:00:00.000Z",)"
              R"("context":{"pixel":{"code":"CABCDEF1234567890"},"page":{"url":"https://shop.example.com/thanks"},)"
              R"("user":{"email":")" + jane + R"("}},"properties":{"value":49.5,"currency":"EUR"}})",
              "application/json")},
  };
  for (const Case& c : cases) {
    INFO(c.example);
    REQUIRE(!c.events.empty());
    std::string json = ToJson(c.events[0]);
    INFO(json);
    std::string path = std::string(TRACKSCAN_SOURCE_DIR) + "/schemas/examples/" + c.example;
    if (std::getenv("TRACKSCAN_WRITE_EXAMPLES") != nullptr) std::ofstream(path) << json << "\n";
    rapidjson::Document actual, expected;
    actual.Parse(json.c_str());
    expected.Parse(ReadFile(path).c_str());
    REQUIRE_FALSE(expected.HasParseError());
    CHECK(actual == expected);
  }
}

}  // namespace
}  // namespace worker
