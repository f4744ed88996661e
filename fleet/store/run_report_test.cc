#include "fleet/store/run_report.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fleet/store/result_sink.h"
#include "tests/support/redis_server.h"

namespace fleet {
namespace {

using testing_support::RedisServer;

VisitCommit MakeVisit(int64_t index) {
  VisitCommit v;
  v.run = "r";
  v.index = index;
  v.visit_id = "r-" + std::to_string(index) + "-a1";
  v.url = "https://www.site" + std::to_string(index) + ".com/";
  v.final_url = v.url;
  v.site = "site" + std::to_string(index) + ".com";
  v.outcome = "ok";
  v.attempt = 1;
  v.records = "{\"type\":\"visit\",\"visit_id\":\"" + v.visit_id + "\"}\n";
  return v;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A damaged stored visit costs that visit, not the export, and is named.
TEST_CASE("an export that skips a damaged visit completes its file and names the visit", "[redis][run_report]") {
  RedisServer server;
  REQUIRE(server.running());
  auto redis = RedisClient::Connect(server.address());
  REQUIRE(redis.ok());
  REQUIRE((*redis)->Command({"HSET", "ts:run:r", "state", "queued"}).ok());
  ResultSink sink(**redis);
  for (int64_t i = 0; i < 3; ++i) REQUIRE(sink.Commit(MakeVisit(i)).ok());
  REQUIRE((*redis)->Command({"SET", "ts:run:r:visit:r-1-a1", "not a zstd frame"}).ok());

  const std::string path =
      (std::filesystem::temp_directory_path() / ("export-test-" + std::to_string(getpid()) + ".jsonl")).string();
  RunInfo run;
  run.name = "r";
  run.total = 3;
  common::Status exported = ExportToFile(**redis, run, "jsonl", path);
  REQUIRE_FALSE(exported.ok());
  CHECK(exported.code() == common::Code::kDecode);
  CHECK_THAT(exported.message(), Catch::Contains("visit r-1-a1") && Catch::Contains("1 damaged value"));
  const std::string text = ReadFile(path);
  CHECK(text.find("r-0-a1") != std::string::npos);
  CHECK(text.find("r-2-a1") != std::string::npos);
  CHECK(text.find("r-1-a1") == std::string::npos);

  REQUIRE((*redis)->Command({"HSET", "ts:run:r:results", "2", "{not json"}).ok());
  common::Status csv = ExportToFile(**redis, run, "csv", path);
  REQUIRE_FALSE(csv.ok());
  CHECK_THAT(csv.message(), Catch::Contains("result 2"));
  CHECK(ReadFile(path).find("2,,,unreadable result") != std::string::npos);

  // A clean run exports with Ok.
  REQUIRE((*redis)->Command({"DEL", "ts:run:r:visit:r-1-a1"}).ok());
  REQUIRE((*redis)->Command({"HDEL", "ts:run:r:results", "2"}).ok());
  CHECK(ExportToFile(**redis, run, "jsonl", path).ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace fleet
