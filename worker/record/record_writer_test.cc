#include "worker/record/record_writer.h"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>

namespace worker {
namespace {

// Parses one line back; every line must be valid JSON carrying its type.
simdjson::dom::object Parse(simdjson::dom::parser& parser, const std::string& line,
                            const char* type) {
  INFO(line);
  REQUIRE(line.find('\n') == std::string::npos);
  simdjson::dom::object object;
  REQUIRE(parser.parse(line).get(object) == simdjson::SUCCESS);
  CHECK(std::string_view(object["type"].get_string().value()) == type);
  CHECK(object["schema_version"].get_int64().value() == kSchemaVersion);
  return object;
}

std::string_view Str(simdjson::dom::object& o, const char* key) { return o[key].get_string().value(); }
bool IsNull(simdjson::dom::object& o, const char* key) { return o[key].is_null(); }

TEST_CASE("request record round-trips", "[worker][record_writer]") {
  RequestRecord r;
  r.visit_id = "v1";
  r.request_id = "7:1";
  r.url = "https://www.example.com/?q=\"x\"";
  r.method = "POST";
  r.initiator_stack_urls = {"https://a/1.js", "https://b/2.js"};
  r.status = 302;
  r.request_headers = {{"B", "2"}, {"A", "1"}};
  r.post_data = "line1\nline2\t\x01";
  r.post_data_size = 20;
  r.duration_ms = std::numeric_limits<double>::quiet_NaN();
  r.wall_time = 1700000000.25;
  r.finished = true;
  simdjson::dom::parser parser;
  auto o = Parse(parser, ToJson(r), "request");
  CHECK(Str(o, "request_id") == "7:1");
  CHECK(Str(o, "url") == "https://www.example.com/?q=\"x\"");
  CHECK(o["status"].get_int64().value() == 302);
  CHECK(IsNull(o, "frame_id"));
  CHECK(IsNull(o, "mime_type"));
  CHECK(IsNull(o, "duration_ms"));  // NaN is not JSON
  CHECK(o["wall_time"].get_double().value() == 1700000000.25);
  CHECK(o["post_data_size"].get_int64().value() == 20);
  CHECK(Str(o, "post_data") == "line1\nline2\t\x01");
  CHECK(o["finished"].get_bool().value());
  auto headers = o["request_headers"].get_array().value();
  REQUIRE(headers.size() == 2);
  CHECK(std::string_view(headers.at(0).at(0).get_string().value()) == "B");
  CHECK(std::string_view(headers.at(1).at(1).get_string().value()) == "1");
  CHECK(o["initiator_stack_urls"].get_array().value().size() == 2);
  CHECK(o["blocked_set_cookies"].get_array().value().size() == 0);
}

TEST_CASE("every record type round-trips with its fields", "[worker][record_writer]") {
  simdjson::dom::parser parser;
  VisitRecord visit;
  visit.visit_id = "v1";
  visit.outcome = "ok";
  visit.status = 200;
  visit.request_count = 42;
  auto v = Parse(parser, ToJson(visit), "visit");
  CHECK(Str(v, "outcome") == "ok");
  CHECK(IsNull(v, "error"));
  CHECK(v["request_count"].get_int64().value() == 42);
  CHECK(v["attempt"].get_int64().value() == 1);

  WebSocketRecord ws;
  ws.direction = "sent";
  ws.opcode = 1;
  ws.timestamp = INFINITY;
  auto w = Parse(parser, ToJson(ws), "websocket");
  CHECK(Str(w, "direction") == "sent");
  CHECK(w["opcode"].get_int64().value() == 1);
  CHECK(IsNull(w, "payload"));
  CHECK(IsNull(w, "timestamp"));

  CookieRecord cookie;
  cookie.name = "sid";
  cookie.expires = 1.9e9;
  cookie.partition_key = "https://example.com";
  cookie.blocked_reasons = {"InvalidDomain"};
  auto c = Parse(parser, ToJson(cookie), "cookie");
  CHECK(Str(c, "name") == "sid");
  CHECK(c["expires"].get_double().value() == 1.9e9);
  CHECK(Str(c, "partition_key") == "https://example.com");
  CHECK(IsNull(c, "same_site"));
  CHECK(c["blocked_reasons"].get_array().value().size() == 1);

  CookieWriteRecord write;
  write.api = "document.cookie";
  write.stack_urls = {"https://x/y.js"};
  auto cw = Parse(parser, ToJson(write), "cookie_write");
  CHECK(Str(cw, "api") == "document.cookie");
  CHECK(IsNull(cw, "script_url"));

  DialogRecord dialog{"v1", "confirm", "Leave?", "https://x/", "dismissed"};
  auto d = Parse(parser, ToJson(dialog), "dialog");
  CHECK(Str(d, "dialog_type") == "confirm");
  CHECK(Str(d, "action") == "dismissed");

  PopupRecord popup{"v1", "https://pop/", "https://x/", "T1", true};
  auto pp = Parse(parser, ToJson(popup), "popup");
  CHECK(Str(pp, "target_id") == "T1");
  CHECK(pp["closed_by_trackscan"].get_bool().value());

  DownloadRecord download{"v1", "https://x/f.exe", "f.exe", "denied"};
  auto dl = Parse(parser, ToJson(download), "download");
  CHECK(Str(dl, "suggested_filename") == "f.exe");
}

TEST_CASE("type and schema_version come first", "[worker][record_writer]") {
  CHECK(ToJson(PopupRecord{}).rfind(R"({"type":"popup","schema_version":1,"visit_id":)", 0) == 0);
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, control characters are escaped",
          "[worker][record_writer]") {
  struct Case { std::string in; std::string out; };
  const Case cases[] = {
      {"ok \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "ok \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
      {"bad \xFF end", "bad \xEF\xBF\xBD end"},
      {"cut \xE2\x82", "cut \xEF\xBF\xBD\xEF\xBF\xBD"},
      {"overlong \xC0\xAF", "overlong \xEF\xBF\xBD\xEF\xBF\xBD"},
      {"surrogate \xED\xA0\x80", "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
      {std::string("nul \0 bell \x07", 12), std::string("nul \0 bell \x07", 12)},
  };
  simdjson::dom::parser parser;
  for (const Case& c : cases) {
    WebSocketRecord r;
    r.payload = c.in;
    std::string line = ToJson(r);
    INFO(line);
    CHECK(line.find('\x07') == std::string::npos);  // escaped, not raw
    auto o = Parse(parser, line, "websocket");
    CHECK(Str(o, "payload") == c.out);
  }
}

TEST_CASE("RecordWriter writes one line per record and reports errors", "[worker][record_writer]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  RecordWriter writer(file);
  REQUIRE(writer.Write(DownloadRecord{"v1", "https://x/", "f", "denied"}).ok());
  REQUIRE(writer.Write(DialogRecord{"v1", "alert", "hi", "https://x/", "dismissed"}).ok());
  REQUIRE(writer.Flush().ok());
  CHECK(writer.lines() == 2);
  std::rewind(file);
  char buffer[1024] = {};
  size_t n = std::fread(buffer, 1, sizeof buffer - 1, file);
  std::string text(buffer, n);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);
  CHECK(text.back() == '\n');
  std::fclose(file);

  std::FILE* full = std::fopen("/dev/full", "w");
  if (full == nullptr) return;  // not on this system
  std::setvbuf(full, nullptr, _IONBF, 0);
  RecordWriter failing(full);
  common::Status s = failing.Write(PopupRecord{});
  CHECK(s.code() == common::Code::kInternal);
  CHECK(s.message().find("No space left on device") != std::string::npos);
  CHECK(failing.lines() == 0);
  std::fclose(full);
}

}  // namespace
}  // namespace worker
