#include <catch2/catch.hpp>

#include "worker/interact/autoconsent.h"

namespace worker::interact {
namespace {

std::string Message(bool top, const std::string& msg, double time = 10) {
  return R"({"top":)" + std::string(top ? "true" : "false") + R"(,"url":"https://forms.test/consent.html","time":)" +
         std::to_string(time) + R"(,"msg":)" + msg + "}";
}

TEST_CASE("a banner found and rejected is done, with its consent manager and times", "[interact]") {
  ConsentTracker tracker(ConsentMode::kReject);
  CHECK(tracker.OnMessage("S:1", Message(true, R"({"type":"init","url":"u"})")));
  CHECK(tracker.OnMessage("S:1", Message(true, R"({"type":"report","lifecycle":"started"})")));
  CHECK_FALSE(tracker.Settled());
  CHECK(tracker.OnMessage("S:1", Message(true, R"({"type":"cmpDetected","cmp":"Adroll","url":"u"})")));
  CHECK(tracker.OnMessage("S:1", Message(true, R"({"type":"popupFound","cmp":"Adroll","url":"u"})", 11.5)));
  CHECK_FALSE(tracker.Settled());
  CHECK(tracker.OnMessage("S:1", Message(true, R"({"type":"optOutResult","cmp":"Adroll","result":true})", 12.25)));
  CHECK(tracker.OnMessage("S:1", Message(true, R"({"type":"autoconsentDone","cmp":"Adroll","url":"u"})", 12.5)));
  CHECK(tracker.Settled());
  auto records = tracker.Records("v-1");
  REQUIRE(records.size() == 1);
  const ConsentRecord& r = records[0];
  CHECK(r.visit_id == "v-1");
  CHECK(r.mode == "reject");
  CHECK(r.cmp == std::optional<std::string>("Adroll"));
  CHECK(r.action == "opt_out");
  CHECK(r.result == "done");
  CHECK(r.frame_url == "https://forms.test/consent.html");
  CHECK(r.found_wall_time == std::optional<double>(11.5));
  CHECK(r.done_wall_time == std::optional<double>(12.25));
  CHECK(r.error == std::nullopt);
}

TEST_CASE("no consent manager is no_banner; iframes without one are left out", "[interact]") {
  ConsentTracker tracker(ConsentMode::kAccept);
  tracker.OnMessage("S:1", Message(true, R"({"type":"report","lifecycle":"started"})"));
  tracker.OnMessage("S:2", Message(false, R"({"type":"report","lifecycle":"nothingDetected"})"));
  CHECK_FALSE(tracker.Settled());  // the top frame is still looking
  tracker.OnMessage("S:1", Message(true, R"({"type":"report","lifecycle":"nothingDetected"})"));
  CHECK(tracker.Settled());
  auto records = tracker.Records("v");
  REQUIRE(records.size() == 1);
  CHECK((records[0].result == "no_banner" && records[0].action == "none" && records[0].mode == "accept"));
  CHECK(records[0].cmp == std::nullopt);
}

TEST_CASE("a failed opt-in stays failed; an unfinished banner is a timeout", "[interact]") {
  ConsentTracker tracker(ConsentMode::kAccept);
  tracker.OnMessage("S:1", Message(true, R"({"type":"popupFound","cmp":"X"})"));
  tracker.OnMessage("S:1", Message(true, R"({"type":"optInResult","cmp":"X","result":false})"));
  tracker.OnMessage("S:1", Message(true, R"({"type":"autoconsentDone","cmp":"X"})"));
  tracker.OnMessage("F:3", Message(false, R"({"type":"popupFound","cmp":"Y"})"));
  CHECK_FALSE(tracker.Settled());  // the iframe's banner is being handled
  auto records = tracker.Records("v");
  REQUIRE(records.size() == 2);
  CHECK((records[0].result == "failed" && records[0].action == "opt_in"));
  CHECK(records[0].error == std::optional<std::string>("optInResult false"));
  CHECK(records[1].result == "timeout");
  CHECK(records[1].error == std::optional<std::string>("autoconsent did not finish (lifecycle )"));
  tracker.OnMessage("F:3", Message(false, R"({"type":"autoconsentError","details":"{\"msg\":\"boom\"}"})"));
  CHECK(tracker.Records("v")[1].error == std::optional<std::string>(R"({"msg":"boom"})"));
  CHECK(tracker.Settled());
}

TEST_CASE("the blank page before the navigation is not the visit's page", "[interact]") {
  ConsentTracker tracker(ConsentMode::kReject);
  CHECK(tracker.OnMessage("S:1", R"({"top":true,"url":"about:blank","time":1,"msg":{"type":"report","lifecycle":"started"}})"));
  CHECK(tracker.Records("v").empty());
  CHECK_FALSE(tracker.Settled());
}

TEST_CASE("malformed consent messages are refused", "[interact]") {
  ConsentTracker tracker(ConsentMode::kReject);
  CHECK_FALSE(tracker.OnMessage("S:1", "not json"));
  CHECK_FALSE(tracker.OnMessage("S:1", R"({"top":true})"));
  CHECK_FALSE(tracker.OnMessage("S:1", Message(true, R"({"type":"optOutResult"})")));
}

TEST_CASE("the injected source answers init with the mode's action and the rules", "[interact]") {
  std::string source = AutoconsentSource("bind_1", ConsentMode::kReject, "/*BUNDLE*/", R"({"autoconsent":[]})");
  CHECK(source.find(R"(const name = "bind_1";)") != std::string::npos);
  CHECK(source.find(R"("autoAction":"optOut")") != std::string::npos);
  CHECK(source.find(R"("isMainWorld":true)") != std::string::npos);
  CHECK(source.find(R"(JSON.parse("{\"autoconsent\":[]}"))") != std::string::npos);
  CHECK(source.size() - source.rfind("/*BUNDLE*/") == 10);  // the bundle runs after the wrapper
  CHECK(AutoconsentSource("b", ConsentMode::kAccept, "", "{}").find(R"("autoAction":"optIn")") != std::string::npos);
  auto missing = LoadAutoconsentSource("/nonexistent", "b", ConsentMode::kReject);
  CHECK(missing.status().code() == common::Code::kUnavailable);
  CHECK(missing.status().message().find("/nonexistent/dist/autoconsent.playwright.js") != std::string::npos);
}

}  // namespace
}  // namespace worker::interact
