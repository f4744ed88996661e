#include "fleet/store/result_sink.h"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include "common/zstd_frame.h"
#include "tests/support/redis_server.h"

namespace fleet {
namespace {

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

// A final visit of `site`: three requests (two to tracker.com), two cookies
// (one blocked, so one in the jar) and a dialog, as seven record lines.
VisitCommit MakeVisit(const std::string& site, int64_t index, int attempt) {
  VisitCommit v;
  v.run = "r";
  v.index = index;
  v.visit_id = "r-" + std::to_string(index) + "-a" + std::to_string(attempt);
  v.url = "https://www." + site + "/p" + std::to_string(index);
  v.final_url = v.url;
  v.site = site;
  v.outcome = "ok";
  v.attempt = attempt;
  v.requests = 3;
  v.cookies = 2;
  for (const char* type : {"visit", "request", "request", "request", "cookie", "cookie", "dialog"}) {
    v.records += std::string("{\"type\":\"") + type + "\",\"visit_id\":\"" + v.visit_id + "\"}\n";
  }
  v.third_party_domains = {"tracker.com"};
  v.jar_cookies = {"_uid\x1f.tracker.com"};
  return v;
}

std::vector<std::string> List(RedisClient& redis, const std::string& key) {
  auto reply = redis.Command({"LRANGE", key, "0", "-1"});
  REQUIRE(reply.ok());
  std::vector<std::string> out;
  for (auto& e : reply->elements) out.push_back(e.str);
  return out;
}

// The record lines of a visit: its key holds one zstd frame of JSON lines.
std::string Records(RedisClient& redis, const std::string& key) {
  auto reply = redis.Command({"GET", key});
  REQUIRE(reply.ok());
  auto text = common::ZstdDecompress(reply->str);
  REQUIRE(text.ok());
  return *text;
}

std::string Get(RedisClient& redis, const std::vector<std::string>& argv) {
  auto reply = redis.Command(argv);
  INFO(reply.status().ToString());
  REQUIRE(reply.ok());
  return reply->kind == RedisReply::Kind::kInteger ? std::to_string(reply->integer) : reply->str;
}

TEST_CASE("Commit stores the records and the final result with its aggregates", "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  ResultSink sink(*redis);
  VisitCommit visit = MakeVisit("news.com", 4, 1);
  auto committed = sink.Commit(visit);
  REQUIRE(committed.ok());
  CHECK(*committed);

  CHECK(Records(*redis, "ts:run:r:visit:r-4-a1") == visit.records);
  CHECK(List(*redis, "ts:run:r:visits") == std::vector<std::string>{"r-4-a1"});
  CHECK(Get(*redis, {"HGET", "ts:run:r:results", "4"}) ==
        R"({"index":4,"url":"https://www.news.com/p4","site":"news.com","visit_id":"r-4-a1","attempt":1,)"
        R"("outcome":"ok","error":null,"requests":3,"cookies":2,"records_cut":0,"records_dropped":0})");
  CHECK(Get(*redis, {"HGET", "ts:run:r:sites", "news.com"}) ==
        R"({"index":4,"visit_id":"r-4-a1","url":"https://www.news.com/p4","final_url":"https://www.news.com/p4",)"
        R"("outcome":"ok","requests":3,"third_parties":1,"jar_cookies":1})");
  CHECK(Get(*redis, {"HGET", "ts:run:r", "done"}) == "1");
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:third_parties", "tracker.com"}) == "1");
  CHECK(Get(*redis, {"ZCARD", "ts:run:r:third_parties"}) == "1");
  CHECK(Get(*redis, {"SISMEMBER", "ts:run:r:tp:tracker.com", "news.com"}) == "1");
  CHECK(Get(*redis, {"SISMEMBER", "ts:run:r:site_tp:news.com", "tracker.com"}) == "1");
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:cookies", "_uid\x1f.tracker.com"}) == "1");
  CHECK(Get(*redis, {"SISMEMBER", "ts:run:r:ck:_uid\x1f.tracker.com", "news.com"}) == "1");
  CHECK(Get(*redis, {"ZCARD", "ts:run:r:cookies"}) == "1");
}

TEST_CASE("Commit twice for the same visit leaves one copy of its records", "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  ResultSink sink(*redis);
  VisitCommit visit = MakeVisit("news.com", 1, 1);
  visit.final = false;  // records only
  CHECK_FALSE(*sink.Commit(visit));
  visit.records.resize(visit.records.find('\n') + 1);  // the retry wrote a little less
  CHECK_FALSE(*sink.Commit(visit));
  CHECK(Records(*redis, "ts:run:r:visit:r-1-a1") == visit.records);
  CHECK(List(*redis, "ts:run:r:visits").size() == 1);
  CHECK(Get(*redis, {"HLEN", "ts:run:r:results"}) == "0");
  visit.final = true;
  CHECK(*sink.Commit(visit));
  CHECK(*sink.Commit(visit) == false);  // a re-sent final commit
  CHECK(Records(*redis, "ts:run:r:visit:r-1-a1") == visit.records);
  CHECK(Get(*redis, {"HGET", "ts:run:r", "done"}) == "1");
}

TEST_CASE("a second final result for a URL is kept as records only, and aggregates count once",
          "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  ResultSink sink(*redis);
  CHECK(*sink.Commit(MakeVisit("news.com", 7, 1)));
  CHECK_FALSE(*sink.Commit(MakeVisit("news.com", 7, 2)));
  std::string result = Get(*redis, {"HGET", "ts:run:r:results", "7"});
  CHECK(result.find("\"visit_id\":\"r-7-a1\"") != std::string::npos);
  CHECK(Get(*redis, {"HGET", "ts:run:r", "done"}) == "1");
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:third_parties", "tracker.com"}) == "1");
  CHECK(List(*redis, "ts:run:r:visits") == std::vector<std::string>{"r-7-a1", "r-7-a2"});

  CHECK(*sink.Commit(MakeVisit("news.com", 8, 1)));  // the same site again
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:third_parties", "tracker.com"}) == "1");
  CHECK(*sink.Commit(MakeVisit("shop.org", 9, 1)));  // another site
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:third_parties", "tracker.com"}) == "2");
  CHECK(Get(*redis, {"ZSCORE", "ts:run:r:cookies", "_uid\x1f.tracker.com"}) == "2");
  CHECK(Get(*redis, {"HGET", "ts:run:r", "done"}) == "3");
}

TEST_CASE("a run that is gone or being deleted takes no records", "[redis][result_sink]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  ResultSink sink(*redis);
  VisitCommit gone = MakeVisit("news.com", 1, 1);
  gone.run = "unknown";
  CHECK(sink.Commit(gone).status().code() == common::Code::kInvalidArgument);
  REQUIRE(redis->Command({"HSET", "ts:run:r", "state", "deleting"}).ok());
  CHECK(sink.Commit(MakeVisit("news.com", 1, 1)).status().code() == common::Code::kInvalidArgument);
  CHECK(Get(*redis, {"DBSIZE"}) == "1");  // only the run hash
  VisitCommit anonymous = MakeVisit("news.com", 1, 1);
  anonymous.visit_id.clear();
  CHECK(sink.Commit(anonymous).status().code() == common::Code::kInvalidArgument);
}

// The keys of a JSON object, in order.
std::vector<std::string> KeysOf(simdjson::dom::object object) {
  std::vector<std::string> keys;
  for (auto field : object) keys.emplace_back(field.key);
  return keys;
}

// The property names of schemas/fleet/<name>.schema.json, of its oneOf shape
// `shape` when it has shapes, in the schema's order.
std::vector<std::string> SchemaFields(simdjson::dom::parser& parser, const std::string& name, int shape = -1) {
  std::string path = std::string(TRACKSCAN_SOURCE_DIR) + "/schemas/fleet/" + name + ".schema.json";
  simdjson::dom::element schema;
  REQUIRE(parser.load(path).get(schema) == simdjson::SUCCESS);
  if (shape >= 0) schema = schema["oneOf"].at(static_cast<size_t>(shape)).value();
  return KeysOf(schema["properties"].get_object().value());
}

// The schemas are the contract (docs/fleet.md); changing a writer makes this
// fail until the schema follows.
TEST_CASE("the values Commit stores have their schemas' fields, in order", "[result_sink][schema]") {
  VisitCommit visit = MakeVisit("news.com", 4, 1);
  visit.error = "HTTP 500";
  simdjson::dom::parser parser, schemas;
  simdjson::dom::object result = parser.parse(UrlResultJson(visit)).get_object().value();
  CHECK(KeysOf(result) == SchemaFields(schemas, "url_result", 0));
  simdjson::dom::object summary = parser.parse(SiteSummaryJson(visit)).get_object().value();
  CHECK(KeysOf(summary) == SchemaFields(schemas, "site_summary"));
}

}  // namespace
}  // namespace fleet
