#include "worker/scan/visit_commit.h"

#include <simdjson.h>

#include <catch2/catch.hpp>

namespace worker {
namespace {

// A visit of news.example.com: one first-party and two third-party requests
// (both to tracker.com), a jar cookie, a blocked cookie and a dialog.
VisitResult MakeVisit(const std::string& site, int64_t index, int attempt) {
  VisitResult r;
  std::string id = "r-" + std::to_string(index) + "-a" + std::to_string(attempt);
  r.visit.visit_id = id;
  r.visit.input_url = "https://www." + site + "/p" + std::to_string(index);
  r.visit.final_url = r.visit.input_url + "?redirected";
  r.visit.site = site;
  r.visit.outcome = "ok";
  r.visit.attempt = attempt;
  auto request = [&](const std::string& url, bool third_party) {
    RequestRecord q;
    q.visit_id = id;
    q.request_id = std::to_string(r.requests.size());
    q.url = url;
    q.third_party = third_party;
    r.requests.push_back(q);
  };
  request(r.visit.input_url, false);
  request("https://px.tracker.com/p?x=1", true);
  request("https://cdn.tracker.com/t.js", true);
  CookieRecord jar;
  jar.visit_id = id;
  jar.name = "_uid";
  jar.domain = ".tracker.com";
  r.cookies.push_back(jar);
  CookieRecord blocked = jar;
  blocked.name = "_blocked";
  blocked.blocked = true;
  r.cookies.push_back(blocked);
  r.dialogs.push_back(DialogRecord{id, "alert", "hi", r.visit.input_url, "dismissed"});
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  for (size_t start = 0, end; start < text.size(); start = end + 1) {
    end = text.find('\n', start);
    REQUIRE(end != std::string::npos);  // every line ends in a newline
    out.push_back(text.substr(start, end - start));
  }
  return out;
}

std::string TypeOf(simdjson::dom::parser& parser, const std::string& line) {
  simdjson::dom::object o;
  REQUIRE(parser.parse(line).get(o) == simdjson::SUCCESS);
  return std::string(o["type"].get_string().value());
}

TEST_CASE("ToVisitCommit keeps the records in order, the counts and the aggregates' keys", "[visit_commit]") {
  VisitResult visit = MakeVisit("news.com", 4, 2);
  visit.visit.error = "HTTP 500";
  fleet::VisitCommit commit = ToVisitCommit("r", 4, visit, false);
  CHECK(commit.run == "r");
  CHECK(commit.index == 4);
  CHECK_FALSE(commit.final);
  CHECK(commit.visit_id == "r-4-a2");
  CHECK(commit.url == "https://www.news.com/p4");
  CHECK(commit.final_url == "https://www.news.com/p4?redirected");
  CHECK(commit.site == "news.com");
  CHECK(commit.outcome == "ok");
  CHECK(commit.attempt == 2);
  CHECK(commit.error == "HTTP 500");
  CHECK(commit.requests == 3);
  CHECK(commit.cookies == 2);
  CHECK(commit.records_cut == 0);
  CHECK(commit.records_dropped == 0);
  simdjson::dom::parser parser;
  std::vector<std::string> types;
  for (const auto& line : Lines(commit.records)) types.push_back(TypeOf(parser, line));
  CHECK(types == std::vector<std::string>{"visit", "request", "request", "request", "cookie", "cookie", "dialog"});
  CHECK(commit.third_party_domains == std::set<std::string>{"tracker.com"});
  CHECK(commit.jar_cookies == std::set<std::string>{"_uid\x1f.tracker.com"});  // the blocked one is not in the jar
}

TEST_CASE("a record line over max_record_bytes is cut, longest strings first", "[visit_commit]") {
  VisitResult visit = MakeVisit("news.com", 1, 1);
  std::string body;
  for (int i = 0; i < 3000; ++i) body += "\xC3\xA9\"";  // 2-byte UTF-8 and a quote that is escaped
  visit.requests[1].post_data = body;
  visit.requests[1].post_data_size = static_cast<int64_t>(body.size());
  visit.requests[2].url = "https://cdn.tracker.com/" + std::string(2500, 'x');
  RecordLimits limits;
  limits.max_record_bytes = 2000;
  fleet::VisitCommit commit = ToVisitCommit("r", 1, visit, true, limits);

  auto lines = Lines(commit.records);
  REQUIRE(lines.size() == 7);
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  for (const auto& line : lines) CHECK(line.size() <= 2000);
  REQUIRE(parser.parse(lines[2]).get(o) == simdjson::SUCCESS);  // UTF-8 still valid
  CHECK(o["post_data_truncated"].get_bool().value());
  CHECK(o["post_data_size"].get_int64().value() == 9000);
  CHECK(o["visit_id"].get_string().value() == "r-1-a1");
  REQUIRE(parser.parse(lines[3]).get(o) == simdjson::SUCCESS);
  CHECK(o["url"].get_string().value().starts_with("https://cdn.tracker.com/xxx"));
  CHECK(commit.records_cut == 2);
  CHECK(commit.records_dropped == 0);
}

}  // namespace
}  // namespace worker
