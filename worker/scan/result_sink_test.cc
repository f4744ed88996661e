#include "worker/scan/result_sink.h"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include "common/zstd_frame.h"
#include "tests/support/redis_server.h"

namespace worker {
namespace {

using fleet::RedisClient;
using testing_support::RedisServer;

// A connection to `server`, where run "r" exists (the sink writes only to
// runs that exist; RunStore creates them, reduced here to its state field).
std::unique_ptr<RedisClient> ConnectTo(const RedisServer& server) {
  REQUIRE(server.running());
  auto client = RedisClient::Connect(server.address());
  REQUIRE(client.ok());
  REQUIRE((*client)->Command({"HSET", "ts:run:r", "state", "queued"}).ok());
  return std::move(client).value();
}

// A visit of news.example.com: one first-party and two third-party requests
// (both to tracker.com), a jar cookie, a blocked cookie and a dialog.
VisitResult MakeVisit(const std::string& site, int64_t index, int attempt) {
  VisitResult r;
  std::string id = "r-" + std::to_string(index) + "-a" + std::to_string(attempt);
  r.visit.visit_id = id;
  r.visit.input_url = "https://www." + site + "/p" + std::to_string(index);
  r.visit.final_url = r.visit.input_url;
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

std::vector<std::string> List(RedisClient& redis, const std::string& key) {
  auto reply = redis.Command({"LRANGE", key, "0", "-1"});
  REQUIRE(reply.ok());
  std::vector<std::string> out;
  for (auto& e : reply->elements) out.push_back(e.str);
  return out;
}

// The record lines of a visit: its key holds one zstd frame of JSON lines.
std::vector<std::string> Records(RedisClient& redis, const std::string& key) {
  auto reply = redis.Command({"GET", key});
  REQUIRE(reply.ok());
  auto text = common::ZstdDecompress(reply->str);
  REQUIRE(text.ok());
  std::vector<std::string> out;
  for (size_t start = 0, end; start < text->size(); start = end + 1) {
    end = text->find('\n', start);
    REQUIRE(end != std::string::npos);  // every line ends in a newline
    out.push_back(text->substr(start, end - start));
  }
  return out;
}

std::string Get(RedisClient& redis, const std::vector<std::string>& argv) {
  auto reply = redis.Command(argv);
  INFO(reply.status().ToString());
  REQUIRE(reply.ok());
  return reply->kind == fleet::RedisReply::Kind::kInteger ? std::to_string(reply->integer) : reply->str;
}

std::string TypeOf(simdjson::dom::parser& parser, const std::string& line) {
  simdjson::dom::object o;
  REQUIRE(parser.parse(line).get(o) == simdjson::SUCCESS);
  return std::string(o["type"].get_string().value());
}

TEST_CASE("Commit stores the records in order and the final result with its aggregates", "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  ResultSink sink(*redis);
  auto committed = sink.Commit("r", 4, MakeVisit("news.com", 4, 1), true);
  REQUIRE(committed.ok());
  CHECK(*committed);

  auto lines = Records(*redis, "ts:run:r:visit:r-4-a1");
  simdjson::dom::parser parser;
  std::vector<std::string> types;
  for (const auto& line : lines) types.push_back(TypeOf(parser, line));
  CHECK(types == std::vector<std::string>{"visit", "request", "request", "request", "cookie", "cookie", "dialog"});
  CHECK(List(*redis, "ts:run:r:visits") == std::vector<std::string>{"r-4-a1"});
  std::string result = Get(*redis, {"HGET", "ts:run:r:results", "4"});
  simdjson::dom::object o;
  REQUIRE(parser.parse(result).get(o) == simdjson::SUCCESS);
  CHECK(o["visit_id"].get_string().value() == "r-4-a1");
  CHECK(o["url"].get_string().value() == "https://www.news.com/p4");
  CHECK(o["outcome"].get_string().value() == "ok");
  CHECK(o["attempt"].get_int64().value() == 1);
  CHECK(o["requests"].get_int64().value() == 3);
  CHECK(Get(*redis, {"HGET", "ts:run:r", "done"}) == "1");
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:third_parties", "tracker.com"}) == "1");
  CHECK(Get(*redis, {"ZCARD", "ts:run:r:third_parties"}) == "1");
  CHECK(Get(*redis, {"SISMEMBER", "ts:run:r:site_tp:news.com", "tracker.com"}) == "1");
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:cookies", "_uid\x1f.tracker.com"}) == "1");
  CHECK(Get(*redis, {"ZCARD", "ts:run:r:cookies"}) == "1");  // the blocked one is not in the jar
  CHECK_FALSE(Get(*redis, {"HGET", "ts:run:r:sites", "news.com"}).empty());
}

TEST_CASE("Commit twice for the same visit leaves one copy of its records", "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  ResultSink sink(*redis);
  VisitResult visit = MakeVisit("news.com", 1, 1);
  CHECK_FALSE(*sink.Commit("r", 1, visit, false));  // not final: records only
  visit.requests.pop_back();  // the retry wrote a little less
  CHECK_FALSE(*sink.Commit("r", 1, visit, false));
  CHECK(Records(*redis, "ts:run:r:visit:r-1-a1").size() == 6);
  CHECK(List(*redis, "ts:run:r:visits").size() == 1);
  CHECK(Get(*redis, {"HLEN", "ts:run:r:results"}) == "0");
  CHECK(*sink.Commit("r", 1, visit, true));
  CHECK(*sink.Commit("r", 1, visit, true) == false);  // a re-sent final commit
  CHECK(Records(*redis, "ts:run:r:visit:r-1-a1").size() == 6);
  CHECK(Get(*redis, {"HGET", "ts:run:r", "done"}) == "1");
}

TEST_CASE("a second final result for a URL is kept as records only, and aggregates count once",
          "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  ResultSink sink(*redis);
  CHECK(*sink.Commit("r", 7, MakeVisit("news.com", 7, 1), true));
  CHECK_FALSE(*sink.Commit("r", 7, MakeVisit("news.com", 7, 2), true));
  std::string result = Get(*redis, {"HGET", "ts:run:r:results", "7"});
  CHECK(result.find("\"visit_id\":\"r-7-a1\"") != std::string::npos);
  CHECK(Get(*redis, {"HGET", "ts:run:r", "done"}) == "1");
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:third_parties", "tracker.com"}) == "1");
  CHECK(List(*redis, "ts:run:r:visits") == std::vector<std::string>{"r-7-a1", "r-7-a2"});

  CHECK(*sink.Commit("r", 8, MakeVisit("news.com", 8, 1), true));  // the same site again
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:third_parties", "tracker.com"}) == "1");
  CHECK(*sink.Commit("r", 9, MakeVisit("shop.org", 9, 1), true));  // another site
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:third_parties", "tracker.com"}) == "2");
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:cookies", "_uid\x1f.tracker.com"}) == "2");
  CHECK(Get(*redis, {"HGET", "ts:run:r", "done"}) == "3");
}

TEST_CASE("a record line over max_record_bytes is cut, longest strings first", "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  SinkLimits limits;
  limits.max_record_bytes = 2000;
  ResultSink sink(*redis, "ts:", limits);
  VisitResult visit = MakeVisit("news.com", 1, 1);
  std::string body;
  for (int i = 0; i < 3000; ++i) body += "\xC3\xA9\"";  // 2-byte UTF-8 and a quote that is escaped
  visit.requests[1].post_data = body;
  visit.requests[1].post_data_size = static_cast<int64_t>(body.size());
  visit.requests[2].url = "https://cdn.tracker.com/" + std::string(2500, 'x');
  REQUIRE(*sink.Commit("r", 1, visit, true));

  auto lines = Records(*redis, "ts:run:r:visit:r-1-a1");
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
  CHECK(Get(*redis, {"HGET", "ts:run:r:results", "1"}).find("\"records_cut\":2") != std::string::npos);
}

TEST_CASE("a run that is gone or being deleted takes no records", "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  ResultSink sink(*redis);
  auto gone = sink.Commit("unknown", 1, MakeVisit("news.com", 1, 1), true);
  CHECK(gone.status().code() == common::Code::kInvalidArgument);
  REQUIRE(redis->Command({"HSET", "ts:run:r", "state", "deleting"}).ok());
  CHECK(sink.Commit("r", 1, MakeVisit("news.com", 1, 1), true).status().code() == common::Code::kInvalidArgument);
  CHECK(Get(*redis, {"DBSIZE"}) == "1");  // only the run hash
}

}  // namespace
}  // namespace worker
