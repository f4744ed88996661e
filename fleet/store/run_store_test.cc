#include "fleet/store/run_store.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "fleet/store/result_sink.h"
#include "tests/support/redis_server.h"

namespace fleet {
namespace {

using common::Code;
using fleet::RedisClient;
using testing_support::RedisServer;

constexpr int64_t kFarFuture = 4'000'000'000'000;  // lease end, Unix ms

std::unique_ptr<RedisClient> ConnectTo(const RedisServer& server) {
  REQUIRE(server.running());
  auto client = RedisClient::Connect(server.address());
  REQUIRE(client.ok());
  return std::move(client).value();
}

std::vector<WorkItem> Items(int64_t from, int64_t to) {
  std::vector<WorkItem> items;
  for (int64_t i = from; i < to; ++i) items.push_back({i, "https://site" + std::to_string(i) + ".example/", 0, ""});
  return items;
}

RunInfo Named(const std::string& name) {
  RunInfo run;
  run.name = name;
  return run;
}

// A sealed run of `n` URLs.
void MakeRun(RunStore& store, const std::string& name, int64_t n, int priority = 0) {
  RunInfo run;
  run.name = name;
  run.priority = priority;
  run.settings.timeout_s = 12.5;
  run.settings.allow_private_targets = true;
  REQUIRE(store.CreateRun(run).ok());
  REQUIRE(store.AppendItems(name, Items(0, n)).ok());
  REQUIRE(store.SealRun(name, n).ok());
}

// One batch of up to `max` URLs, as the coordinator leases it (LeaseBatches
// with one id); nullopt when nothing is queued.
std::optional<Lease> LeaseOne(RunStore& store, const std::string& batch, size_t max, const std::string& worker = "w1",
                              int64_t until = kFarFuture) {
  auto leases = store.LeaseBatches({batch}, worker, max, max, until);
  INFO(leases.status().ToString());
  REQUIRE(leases.ok());
  REQUIRE(leases->size() <= 1);
  if (leases->empty()) return std::nullopt;
  return std::move(leases->front());
}

Lease MustLease(RunStore& store, const std::string& batch, size_t max, const std::string& worker = "w1",
                int64_t until = kFarFuture) {
  auto lease = LeaseOne(store, batch, max, worker, until);
  REQUIRE(lease.has_value());
  return *lease;
}

std::vector<int64_t> Indexes(const Lease& lease) {
  std::vector<int64_t> out;
  for (const auto& item : lease.items) out.push_back(item.index);
  return out;
}

// What a worker's ResultSink does for a final result, reduced to the key the store reads.
void WriteResult(RedisClient& redis, const std::string& run, int64_t index) {
  REQUIRE(redis.Command({"HSETNX", "ts:run:" + run + ":results", std::to_string(index), "{}"}).ok());
}

TEST_CASE("a run goes from submitting to queued to done", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  RunInfo run;
  run.name = "nightly-1";
  run.settings.timeout_s = 12.5;
  run.request_id = "req-9";
  REQUIRE(store.CreateRun(run).ok());
  REQUIRE(store.AppendItems("nightly-1", Items(0, 5)).ok());
  CHECK(store.GetRun("nightly-1")->state == "submitting");
  CHECK_FALSE(LeaseOne(store, "b0", 10).has_value());  // not dispatchable before SealRun

  REQUIRE(store.SealRun("nightly-1", 5).ok());
  Lease first = MustLease(store, "b1", 3);
  CHECK(first.run == "nightly-1");
  CHECK(Indexes(first) == std::vector<int64_t>{0, 1, 2});
  CHECK(first.items[1].url == "https://site1.example/");
  CHECK(first.items[1].attempts == 0);
  CHECK(first.settings.timeout_s == 12.5);
  auto info = store.GetRun("nightly-1");
  REQUIRE(info.ok());
  CHECK(info->state == "queued");
  CHECK(info->total == 5);
  CHECK(info->queued == 2);
  CHECK(info->in_flight == 3);
  CHECK(info->request_id == "req-9");
  CHECK_FALSE(info->created_at.empty());

  for (int64_t i : {0, 1, 2}) {
    WriteResult(*redis, "nightly-1", i);
    CHECK(store.ItemsDone({{"nightly-1", "b1", i}})->empty());  // two still queued
  }
  CHECK(store.GetRun("nightly-1")->in_flight == 0);
  CHECK_FALSE(*store.MaybeFinishRun("nightly-1"));  // two still queued
  Lease second = MustLease(store, "b2", 10);
  CHECK(Indexes(second) == std::vector<int64_t>{3, 4});
  CHECK_FALSE(*store.MaybeFinishRun("nightly-1"));  // in flight
  CHECK(*store.ItemsDone({{"nightly-1", "b2", 3}, {"nightly-1", "b2", 4}}) == std::vector<std::string>{"nightly-1"});
  CHECK_FALSE(*store.MaybeFinishRun("nightly-1"));  // only once
  info = store.GetRun("nightly-1");
  CHECK(info->state == "done");
  CHECK_FALSE(info->finished_at.empty());
  auto runs = redis->Command({"ZRANGE", "ts:runs", "0", "-1"});
  REQUIRE(runs.ok());
  REQUIRE(runs->elements.size() == 1);
  CHECK(runs->elements[0].str == "nightly-1");
  CHECK_FALSE(LeaseOne(store, "b3", 10).has_value());
}

TEST_CASE("CreateRun refuses an existing run, bad names, unknown runs are InvalidArgument", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  RunInfo run;
  run.name = "r1";
  REQUIRE(store.CreateRun(run).ok());
  CHECK(store.CreateRun(run).code() == Code::kInvalidArgument);
  run.name = "r1:todo";
  CHECK(store.CreateRun(run).code() == Code::kInvalidArgument);
  CHECK(store.GetRun("nope").status().code() == Code::kInvalidArgument);
  CHECK(store.AppendItems("nope", Items(0, 1)).code() == Code::kInvalidArgument);
  CHECK(store.SealRun("nope", 0).code() == Code::kInvalidArgument);
}

TEST_CASE("AppendItems and SealRun are idempotent", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  RunInfo run;
  run.name = "r";
  REQUIRE(store.CreateRun(run).ok());
  REQUIRE(store.AppendItems("r", Items(0, 3)).ok());
  REQUIRE(store.AppendItems("r", Items(0, 4)).ok());  // a re-send of 0-2, plus 3
  CHECK(store.SealRun("r", 5).code() == Code::kInvalidArgument);  // only 4 appended
  REQUIRE(store.SealRun("r", 4).ok());
  REQUIRE(store.SealRun("r", 4).ok());
  CHECK(store.AppendItems("r", Items(4, 5)).code() == Code::kInvalidArgument);  // sealed
  CHECK(store.GetRun("r")->queued == 4);
  CHECK(Indexes(MustLease(store, "b", 10)) == std::vector<int64_t>{0, 1, 2, 3});
}

TEST_CASE("the same batch_id gets the same lease again", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "r", 6);
  Lease a = MustLease(store, "batch-7", 2);
  Lease again = MustLease(store, "batch-7", 4, "w2");
  CHECK(again.run == a.run);
  CHECK(Indexes(again) == Indexes(a));
  CHECK(again.settings.allow_private_targets);
  CHECK(store.GetRun("r")->queued == 4);
}

TEST_CASE("ReleaseBatch re-queues with attempts+1, fails at max_attempts, once", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "r", 4);
  MustLease(store, "b1", 3);
  WriteResult(*redis, "r", 1);  // index 1 finished before the worker was lost
  REQUIRE(store.ReleaseBatch("r", "b1", 2, "worker lost").ok());
  REQUIRE(store.ReleaseBatch("r", "b1", 2, "worker lost").ok());  // no-op
  auto info = store.GetRun("r");
  CHECK(info->queued == 3);
  CHECK(info->in_flight == 0);
  Lease retry = MustLease(store, "b2", 10);
  CHECK(Indexes(retry) == std::vector<int64_t>{0, 2, 3});  // back at the head, in order
  CHECK(retry.items[0].attempts == 1);
  CHECK(retry.items[0].last_error == "worker lost");
  CHECK(retry.items[2].attempts == 0);

  REQUIRE(store.ReleaseBatch("r", "b2", 2, "timed out twice").ok());
  info = store.GetRun("r");
  CHECK(info->failed == 2);  // indexes 0 and 2 reached 2 attempts
  CHECK(info->queued == 1);
  auto failed = redis->Command({"HGET", "ts:run:r:results", "0"});
  REQUIRE(failed.ok());
  CHECK(failed->str.find("\"outcome\":\"failed\"") != std::string::npos);
  CHECK(failed->str.find("\"attempt\":2") != std::string::npos);
  CHECK(failed->str.find("timed out twice") != std::string::npos);
  CHECK(Indexes(MustLease(store, "b3", 10)) == std::vector<int64_t>{3});
  WriteResult(*redis, "r", 3);
  CHECK(*store.ItemsDone({{"r", "b3", 3}}) == std::vector<std::string>{"r"});
}

TEST_CASE("queued URLs that already have a result are dropped, not leased", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "r", 4);
  WriteResult(*redis, "r", 1);  // e.g. finished by a worker whose lease had expired
  WriteResult(*redis, "r", 3);
  CHECK(Indexes(MustLease(store, "b1", 2)) == std::vector<int64_t>{0, 2});
  CHECK(store.GetRun("r")->queued == 1);  // index 3 is dropped when it reaches the head
  CHECK_FALSE(LeaseOne(store, "b2", 2).has_value());
  CHECK(store.GetRun("r")->queued == 0);
  CHECK(store.ItemsDone({{"r", "b1", 0}, {"r", "b1", 0}})->empty());  // a repeat changes nothing
  CHECK(store.GetRun("r")->in_flight == 1);
  CHECK(*store.ItemsDone({{"r", "b1", 2}}) == std::vector<std::string>{"r"});
  CHECK(*store.Leases(kFarFuture + 1) == std::vector<std::pair<std::string, std::string>>{});
  CHECK_FALSE(*store.MaybeFinishRun("r"));  // finished (and reported) by ItemsDone
}

TEST_CASE("LeaseBatches fills several batches in one call until the credit or the queue runs out",
          "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "r", 7);
  auto leases = store.LeaseBatches({"b1", "b2", "b3", "b4"}, "w1", 3, 5, kFarFuture);
  REQUIRE(leases.ok());
  REQUIRE(leases->size() == 2);  // credit 5: a batch of 3, then one of 2
  CHECK(Indexes((*leases)[0]) == std::vector<int64_t>{0, 1, 2});
  CHECK((*leases)[1].batch_id == "b2");
  CHECK(Indexes((*leases)[1]) == std::vector<int64_t>{3, 4});
  CHECK((*leases)[1].settings.timeout_s == 12.5);
  auto again = store.LeaseBatches({"b2", "b5", "b6"}, "w1", 3, 10, kFarFuture);  // b2 is held: as stored
  REQUIRE(again.ok());
  REQUIRE(again->size() == 2);  // b5 takes the last two URLs, b6 finds nothing queued
  CHECK(Indexes((*again)[0]) == std::vector<int64_t>{3, 4});
  CHECK(Indexes((*again)[1]) == std::vector<int64_t>{5, 6});
  CHECK(store.GetRun("r")->in_flight == 7);
  CHECK(store.LeaseBatches({"b7"}, "w1", 3, 3, kFarFuture)->empty());
  CHECK(store.LeaseBatches({"x\x1fy"}, "w1", 3, 3, kFarFuture).status().code() == common::Code::kInvalidArgument);
}

TEST_CASE("SweepFinishedRuns closes the batches of a run whose every URL has a result", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "lost", 3);
  MakeRun(store, "busy", 2);
  MustLease(store, "b1", 3);  // all of "lost"
  MustLease(store, "b2", 2);  // all of "busy"
  for (int64_t i : {0, 1, 2}) WriteResult(*redis, "lost", i);  // stored, but no `done` ever arrived
  WriteResult(*redis, "busy", 0);
  CHECK(*store.SweepFinishedRuns() == std::vector<std::string>{"lost"});
  CHECK(store.GetRun("lost")->state == "done");
  CHECK(store.GetRun("lost")->in_flight == 0);
  CHECK(store.GetRun("busy")->state == "queued");  // one URL still without a result
  CHECK(store.GetRun("busy")->in_flight == 2);
  CHECK(*store.Leases(kFarFuture + 1) == std::vector<std::pair<std::string, std::string>>{{"busy", "b2"}});
  CHECK(store.SweepFinishedRuns()->empty());
}

TEST_CASE("one ItemsDone call stores a burst over several batches and runs", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "early", 3);
  MakeRun(store, "late", 2);
  CHECK(Indexes(MustLease(store, "b1", 2)) == std::vector<int64_t>{0, 1});
  CHECK(Indexes(MustLease(store, "b2", 2)) == std::vector<int64_t>{2});  // the rest of "early"
  Lease late = MustLease(store, "b3", 5);
  CHECK(late.run == "late");
  CHECK(store.GetRun("early")->in_flight == 3);
  std::vector<RunStore::ItemRef> burst{{"early", "b1", 1}, {"late", "b3", 0}, {"early", "b2", 2},
                                       {"late", "b3", 1}, {"early", "b1", 7}};  // 7 was never leased
  CHECK(*store.ItemsDone(burst) == std::vector<std::string>{"late"});
  CHECK(store.GetRun("early")->in_flight == 1);
  CHECK(store.GetRun("late")->state == "done");
  CHECK(*store.Leases(kFarFuture + 1) == std::vector<std::pair<std::string, std::string>>{{"early", "b1"}});
  CHECK(*store.ItemsDone({{"early", "b1", 0}}) == std::vector<std::string>{"early"});
  CHECK(store.GetRun("early")->in_flight == 0);
}

TEST_CASE("a run whose every URL has a result finishes, stale queued copies dropped", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "r", 2);
  MustLease(store, "b1", 2, "w1", 1000);
  auto expired = store.Leases(2000);
  REQUIRE(expired.ok());
  REQUIRE(expired->size() == 1);
  for (const auto& [run, batch] : *expired) REQUIRE(store.ReleaseBatch(run, batch, 3, "expired").ok());
  CHECK(store.GetRun("r")->queued == 2);
  WriteResult(*redis, "r", 0);  // the "lost" worker finished both after all
  CHECK_FALSE(*store.MaybeFinishRun("r"));
  WriteResult(*redis, "r", 1);
  CHECK(*store.MaybeFinishRun("r"));
  CHECK(store.GetRun("r")->queued == 0);
}

TEST_CASE("Leases lists expired leases and a worker's leases", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "r", 9);
  MustLease(store, "early", 3, "w1", 1000);
  MustLease(store, "late", 3, "w2", 5000);
  MustLease(store, "later", 3, "w1", 9000);
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(*store.Leases(1000) == Pairs{});
  CHECK(*store.Leases(1001) == Pairs{{"r", "early"}});
  CHECK(*store.Leases(6000) == Pairs{{"r", "early"}, {"r", "late"}});
  CHECK(*store.Leases(0, "w1") == Pairs{{"r", "early"}, {"r", "later"}});
  REQUIRE(store.ReleaseBatch("r", "early", 3, "expired").ok());
  CHECK(*store.Leases(6000, "w1") == Pairs{{"r", "late"}, {"r", "later"}});
}

TEST_CASE("higher priority first, then the older run", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "old", 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  MakeRun(store, "newer", 2);
  MakeRun(store, "urgent", 1, /*priority=*/1);
  CHECK(MustLease(store, "b1", 5).run == "urgent");
  CHECK(MustLease(store, "b2", 1).run == "old");
  CHECK(MustLease(store, "b3", 5).run == "old");
  CHECK(MustLease(store, "b4", 1).run == "newer");
  REQUIRE(store.ReleaseBatch("old", "b2", 3, "lost").ok());  // back in the queue, ahead of "newer"
  CHECK(MustLease(store, "b5", 5).run == "old");
}

TEST_CASE("two coordinators leasing at once never get the same index", "[redis][run_store]") {
  RedisServer server;
  auto setup = ConnectTo(server);
  REQUIRE(RunStore(*setup).CreateRun(Named("r")).ok());
  constexpr int64_t kUrls = 3000;
  REQUIRE(RunStore(*setup).AppendItems("r", Items(0, kUrls)).ok());
  REQUIRE(RunStore(*setup).SealRun("r", kUrls).ok());
  auto lease_all = [&](const std::string& who, std::vector<int64_t>& got, bool& ok) {
    auto client = RedisClient::Connect(server.address());
    if (!(ok = client.ok())) return;
    RunStore store(**client);
    for (int n = 0;; ++n) {
      auto leases = store.LeaseBatches({who + "-" + std::to_string(n)}, who, 7, 7, kFarFuture);
      if (!(ok = leases.ok()) || leases->empty()) return;
      for (const auto& item : leases->front().items) got.push_back(item.index);
    }
  };
  std::vector<int64_t> a, b;
  bool a_ok = false, b_ok = false;
  std::thread ta([&] { lease_all("c1", a, a_ok); });
  std::thread tb([&] { lease_all("c2", b, b_ok); });
  ta.join();
  tb.join();
  REQUIRE(a_ok);
  REQUIRE(b_ok);
  CHECK_FALSE(a.empty());
  CHECK_FALSE(b.empty());
  std::set<int64_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  CHECK(all.size() == a.size() + b.size());  // no index twice
  CHECK(all.size() == kUrls);
}

TEST_CASE("AppendItems stores 200k URLs quickly", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  REQUIRE(store.CreateRun(Named("big")).ok());
  constexpr int64_t kUrls = 200'000;
  auto items = Items(0, kUrls);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(store.AppendItems("big", items).ok());
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(store.SealRun("big", kUrls).ok());
  CHECK(store.GetRun("big")->queued == kUrls);
  CHECK(elapsed < std::chrono::seconds(6));  // 1M URLs within 30 s
}

// ---------------------------------------------------------------- DeleteRun, TTL

// Every key in Redis, sorted.
std::vector<std::string> AllKeys(RedisClient& redis) {
  auto reply = redis.Command({"KEYS", "*"});
  REQUIRE(reply.ok());
  std::vector<std::string> keys;
  for (auto& e : reply->elements) keys.push_back(e.str);
  std::sort(keys.begin(), keys.end());
  return keys;
}

bool IsKeyOf(const std::string& key, const std::string& run) {
  std::string hash = "ts:run:" + run;
  return key == hash || key.starts_with(hash + ":");
}

std::vector<std::string> KeysOf(RedisClient& redis, const std::string& run) {
  auto reply = redis.Command({"KEYS", "ts:run:" + run + "*"});
  REQUIRE(reply.ok());
  std::vector<std::string> keys;
  for (auto& e : reply->elements) {
    if (IsKeyOf(e.str, run)) keys.push_back(e.str);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::string> KeysNotOf(RedisClient& redis, const std::string& run) {
  std::vector<std::string> keys;
  for (auto& key : AllKeys(redis)) {
    if (!IsKeyOf(key, run)) keys.push_back(key);
  }
  return keys;
}

std::vector<std::string> Strings(RedisClient& redis, const std::vector<std::string>& argv) {
  auto reply = redis.Command(argv);
  REQUIRE(reply.ok());
  std::vector<std::string> out;
  for (auto& e : reply->elements) out.push_back(e.str);
  return out;
}

// A visit of site<n % 4>.example whose third-party requests go to tracker<n % 3>.com
// and ads.net, leaving cookie _id of tracker<n % 3>.com in the jar: what the
// worker commits, so DeleteRun is held to ResultSink's real layout.
VisitCommit SiteVisit(const std::string& run, int64_t index, bool final) {
  VisitCommit v;
  v.run = run;
  v.index = index;
  v.final = final;
  v.visit_id = run + "-" + std::to_string(index) + "-a1";
  v.site = "site" + std::to_string(index % 4) + ".example";
  v.url = "https://www." + v.site + "/p" + std::to_string(index);
  v.final_url = v.url;
  v.outcome = "ok";
  v.requests = 3;
  v.cookies = 1;
  v.records = "{\"type\":\"visit\"}\n";
  std::string tracker = "tracker" + std::to_string(index % 3) + ".com";
  v.third_party_domains = {tracker, "ads.net"};
  v.jar_cookies = {"_id\x1f." + tracker};
  return v;
}

void Commit(RedisClient& redis, const std::string& run, int64_t index, bool final = true) {
  auto stored = ResultSink(redis).Commit(SiteVisit(run, index, final));
  INFO(stored.status().ToString());
  REQUIRE(stored.ok());
}

// Steps DeleteRun with `budget` until the run is gone, checking that no step
// deletes more than `budget` of its keys, plus the 5 index keys (visits,
// third_parties, sites, cookies, batches) it may empty; `between` runs before
// each step. Returns the steps.
int DeleteInSteps(RunStore& store, RedisClient& redis, const std::string& run, int64_t budget,
                  const std::function<void(int)>& between = [](int) {}) {
  for (int step = 1; step <= 10'000; ++step) {
    between(step);
    size_t before = KeysOf(redis, run).size();
    auto gone = store.DeleteRun(run, budget);
    INFO(gone.status().ToString());
    REQUIRE(gone.ok());
    CHECK(before - KeysOf(redis, run).size() <= static_cast<size_t>(budget) + 5);
    if (*gone) return step;
  }
  FAIL("DeleteRun never finished");
  return 0;
}

TEST_CASE("DeleteRun deletes a run with visits, aggregates and a batch in flight in bounded steps",
          "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "gone", 30);
  MakeRun(store, "kept", 4);
  Lease done_batch = MustLease(store, "b1", 12);
  for (int64_t i : Indexes(done_batch)) Commit(*redis, "gone", i);
  Commit(*redis, "gone", 12, /*final=*/false);  // a browser-lost attempt: records, no result
  std::vector<RunStore::ItemRef> dones;
  for (int64_t i : Indexes(done_batch)) dones.push_back({"gone", "b1", i});
  REQUIRE(store.ItemsDone(dones).ok());
  MustLease(store, "b2", 5, "w2");
  Commit(*redis, "kept", 0);
  REQUIRE(store.ReleaseBatch("gone", "b2", 1, "lost").ok());  // 5 failed results
  MustLease(store, "b3", 3, "w3");  // in flight: a pending set, a lease, a batch_run entry
  REQUIRE(KeysOf(*redis, "gone").size() > 30);  // tp:, ck:, site_tp:, visit:, pending:b3 ...
  std::vector<std::string> others = KeysNotOf(*redis, "gone");
  std::erase(others, "ts:leases");  // only b3 is in them: they go with it
  std::erase(others, "ts:batch_run");
  auto kept_before = store.GetRun("kept");
  REQUIRE(kept_before.ok());

  int steps = DeleteInSteps(store, *redis, "gone", 4, [&](int step) {
    if (step == 2) {
      auto info = store.GetRun("gone");
      REQUIRE(info.ok());
      CHECK(info->state == "deleting");
      CHECK(Strings(*redis, {"ZRANGE", "ts:queue", "0", "-1"}) == std::vector<std::string>{"kept"});
    }
    if (step == 5) {  // a late writer: found by the steps that follow
      REQUIRE(redis->Command({"RPUSH", "ts:run:gone:visits", "gone-99-a1"}).ok());
      REQUIRE(redis->Command({"SET", "ts:run:gone:visit:gone-99-a1", "x"}).ok());
    }
  });
  CHECK(steps > 5);
  CHECK(KeysOf(*redis, "gone").empty());
  CHECK(KeysNotOf(*redis, "gone") == others);
  CHECK(Strings(*redis, {"ZRANGE", "ts:runs", "0", "-1"}) == std::vector<std::string>{"kept"});
  CHECK(Strings(*redis, {"ZRANGE", "ts:leases", "0", "-1"}).empty());
  CHECK(Strings(*redis, {"HKEYS", "ts:batch_run"}).empty());
  CHECK(store.GetRun("gone").status().code() == Code::kInvalidArgument);
  auto kept = store.GetRun("kept");
  REQUIRE(kept.ok());
  CHECK(kept->state == "queued");
  CHECK(kept->done == kept_before->done);
  CHECK(kept->queued == 4);
  CHECK(MustLease(store, "b4", 10).run == "kept");

  // Again, as after a lost reply or by a second process: done, and nothing is created.
  CHECK(*store.DeleteRun("gone"));
  CHECK(KeysOf(*redis, "gone").empty());
  CHECK(store.DeleteRun("never-was").value());
  CHECK(KeysOf(*redis, "never-was").empty());
  CHECK(store.DeleteRun("a:todo").status().code() == Code::kInvalidArgument);
  CHECK(store.DeleteRun("gone", 0).status().code() == Code::kInvalidArgument);
}

TEST_CASE("DeleteRun drains big indexes with a small budget, one key per step at least", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "big", 3);
  // More sites than a listpack holds, so HSCAN walks a real hash table that
  // DeleteRun empties from the front; and many tp: / ck: / visit: keys.
  constexpr int kSites = 2000;
  std::vector<std::vector<std::string>> writes;
  for (int i = 0; i < kSites; ++i) {
    std::string n = std::to_string(i), site = "s" + n + ".example";
    writes.push_back({"HSET", "ts:run:big:sites", site, "{}"});
    writes.push_back({"SADD", "ts:run:big:site_tp:" + site, "t" + n + ".com"});
    writes.push_back({"SADD", "ts:run:big:tp:t" + n + ".com", site});
    writes.push_back({"ZINCRBY", "ts:run:big:third_parties", "1", "t" + n + ".com"});
    writes.push_back({"SADD", std::string("ts:run:big:ck:_id\x1f.t") + n + ".com", site});
    writes.push_back({"ZINCRBY", "ts:run:big:cookies", "1", std::string("_id\x1f.t") + n + ".com"});
    writes.push_back({"RPUSH", "ts:run:big:visits", "big-" + n + "-a1"});
    writes.push_back({"SET", "ts:run:big:visit:big-" + n + "-a1", "records"});
  }
  auto written = redis->Pipeline(writes);
  REQUIRE(written.ok());
  REQUIRE(KeysOf(*redis, "big").size() > 4 * kSites);
  int steps = DeleteInSteps(store, *redis, "big", 97);
  CHECK(steps >= 4 * kSites / 97);
  CHECK(steps < 4 * kSites / 97 * 5 / 4);  // the kept HSCAN cursor: no walk over emptied buckets again
  CHECK(KeysOf(*redis, "big").empty());

  MakeRun(store, "tiny", 2);
  MustLease(store, "b1", 1);
  CHECK(DeleteInSteps(store, *redis, "tiny", 1) > 1);  // budget 1 still gets there
  CHECK(AllKeys(*redis) == std::vector<std::string>{});
}

TEST_CASE("a deleting run is not leased, not re-queued and does not finish", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  MakeRun(store, "r", 10);
  MakeRun(store, "other", 2);
  MustLease(store, "b1", 3);
  MustLease(store, "b1b", 3);
  REQUIRE_FALSE(*store.DeleteRun("r", 1));  // one key: one of the batches
  CHECK(store.GetRun("r")->state == "deleting");
  CHECK(store.GetRun("r")->queued == 4);
  CHECK(MustLease(store, "b2", 10).run == "other");
  CHECK_FALSE(LeaseOne(store, "b3", 10).has_value());
  auto left = Strings(*redis, {"HKEYS", "ts:run:r:batches"});
  REQUIRE(left.size() == 1);
  REQUIRE(store.ReleaseBatch("r", left[0], 3, "worker lost").ok());
  CHECK(store.GetRun("r")->queued == 7);  // back in todo, but not in the queue
  CHECK_FALSE(LeaseOne(store, "b4", 10).has_value());
  for (int64_t i = 0; i < 10; ++i) WriteResult(*redis, "r", i);
  CHECK_FALSE(*store.MaybeFinishRun("r"));
  CHECK(store.GetRun("r")->state == "deleting");
  CHECK(store.AppendItems("r", Items(10, 11)).code() == Code::kInvalidArgument);
  CHECK(store.CreateRun(Named("r")).code() == Code::kInvalidArgument);  // not before it is gone
  DeleteInSteps(store, *redis, "r", 1000);
  CHECK(KeysOf(*redis, "r").empty());
  REQUIRE(store.CreateRun(Named("r")).ok());  // the name is free again
}

TEST_CASE("a run with ttl_s is listed by ExpiredRuns from ttl_s after it is done", "[redis][run_store]") {
  RedisServer server;
  auto redis = ConnectTo(server);
  RunStore store(*redis);
  auto redis_ms = [&] {
    auto time = redis->Command({"TIME"});
    REQUIRE(time.ok());
    return std::stoll(time->elements[0].str) * 1000 + std::stoll(time->elements[1].str) / 1000;
  };
  RunInfo run = Named("short");
  run.ttl_s = 60;
  REQUIRE(store.CreateRun(run).ok());
  REQUIRE(store.AppendItems("short", Items(0, 1)).ok());
  REQUIRE(store.SealRun("short", 1).ok());
  MakeRun(store, "forever", 1);
  CHECK(store.GetRun("short")->ttl_s == 60);
  CHECK(store.GetRun("forever")->ttl_s == 0);
  MustLease(store, "b1", 1);
  MustLease(store, "b2", 1);
  WriteResult(*redis, "short", 0);
  WriteResult(*redis, "forever", 0);
  int64_t before = redis_ms();
  CHECK(store.ItemsDone({{"short", "b1", 0}, {"forever", "b2", 0}})->size() == 2);
  int64_t after = redis_ms();
  auto score = redis->Command({"ZSCORE", "ts:expiry", "short"});
  REQUIRE(score.ok());
  int64_t due = std::stoll(score->str);
  CHECK(due >= before + 60'000);
  CHECK(due <= after + 60'000);
  CHECK(store.ExpiredRuns(after)->empty());
  CHECK(store.ExpiredRuns(due - 1)->empty());
  CHECK(*store.ExpiredRuns(due) == std::vector<std::string>{"short"});
  CHECK(*store.ExpiredRuns(due + 3'600'000) == std::vector<std::string>{"short"});  // "forever" never
  CHECK_FALSE(*store.MaybeFinishRun("short"));  // finished once, scheduled once
  CHECK(std::stoll(redis->Command({"ZSCORE", "ts:expiry", "short"})->str) == due);

  CHECK(DeleteInSteps(store, *redis, "short", 1000) == 1);
  CHECK(store.ExpiredRuns(due + 3'600'000)->empty());
  CHECK(KeysOf(*redis, "short").empty());
  RunInfo negative = Named("negative");
  negative.ttl_s = -1;
  CHECK(store.CreateRun(negative).code() == Code::kInvalidArgument);
}

}  // namespace
}  // namespace fleet
