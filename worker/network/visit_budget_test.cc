// VisitBudget, and the reducers that take one: at a budget they keep what
// they had, stop keeping that kind of thing and count what they dropped.
#include "worker/network/visit_budget.h"

#include <catch2/catch.hpp>

#include "worker/network/cookie_ledger.h"
#include "worker/network/request_tracker.h"
#include "worker/network/websocket_tracker.h"

namespace worker {
namespace {

namespace p = cdp::protocol;

BudgetLimits Limits(Budget b, int64_t n) {
  BudgetLimits limits;
  limits[b] = n;
  return limits;
}

TrackerContext Context(VisitBudget& budget) {
  TrackerContext c;
  c.visit_id = "v1";
  c.site = "example.com";
  c.target_type = "page";
  c.target_url = "https://www.example.com/";
  c.budget = &budget;
  return c;
}

p::RequestWillBeSent Req(std::string id, std::string method = "GET", p::Headers headers = {{"A", "1"}}) {
  p::RequestWillBeSent e;
  e.request_id = std::move(id);
  e.frame_id = "F1";
  e.type = "Fetch";
  e.request.url = "https://collect.tracker.test/c";
  e.request.method = std::move(method);
  e.request.headers = std::move(headers);
  e.timestamp = 1;
  return e;
}

p::LoadingFinished Finished(std::string id) {
  p::LoadingFinished e;
  e.request_id = std::move(id);
  e.timestamp = 2;
  return e;
}

TEST_CASE("a budget takes items and bytes until spent, then counts drops", "[visit_budget]") {
  BudgetLimits limits;
  limits[Budget::kRequests] = 2;
  limits[Budget::kPostDataBytes] = 10;
  VisitBudget budget(limits);
  CHECK(budget.Take(Budget::kRequests));
  CHECK(budget.Take(Budget::kRequests));
  CHECK_FALSE(budget.Take(Budget::kRequests));
  CHECK(budget.TakeBytes(Budget::kPostDataBytes, 7) == 7);
  CHECK(budget.TakeBytes(Budget::kPostDataBytes, 7) == 3);
  CHECK(budget.Remaining(Budget::kPostDataBytes) == 0);
  budget.Refund(Budget::kPostDataBytes, 4);
  CHECK(budget.Remaining(Budget::kPostDataBytes) == 4);
  budget.Drop(Budget::kPostDataBytes);
  auto hits = budget.Hits();
  REQUIRE(hits.size() == 2);  // in Budget order
  CHECK(hits[0].budget == "requests");
  CHECK(hits[0].limit == 2);
  CHECK(hits[0].dropped == 1);
  CHECK(hits[1].budget == "post_data_bytes");
  CHECK(VisitBudget().Hits().empty());
}

TEST_CASE("requests over the budget get no record and their events are ignored", "[visit_budget]") {
  VisitBudget budget(Limits(Budget::kRequests, 2));
  RequestTracker tracker(Context(budget));
  for (std::string id : {"1", "2", "3", "4"}) {
    tracker.OnRequestWillBeSent(Req(id));
    p::ResponseReceivedExtraInfo extra;
    extra.request_id = id;
    extra.status_code = 200;
    extra.headers = {{"Set-Cookie", "a=1"}};
    tracker.OnResponseExtraInfo(extra);
  }
  for (std::string id : {"1", "2", "3", "4"}) tracker.OnLoadingFinished(Finished(id));
  auto records = tracker.Flush();
  REQUIRE(records.size() == 2);
  CHECK(records[0].request_id == "1");
  CHECK(records[1].request_id == "2");
  CHECK(budget.dropped(Budget::kRequests) == 2);
}

TEST_CASE("header lists are cut to the per-request and per-visit header budgets", "[visit_budget]") {
  BudgetLimits limits;
  limits[Budget::kRequestHeaderBytes] = 10;  // "A"+"1" = 2 bytes a pair
  limits[Budget::kHeaderBytes] = 14;
  VisitBudget budget(limits);
  RequestTracker tracker(Context(budget));
  p::Headers many;
  for (int i = 0; i < 8; ++i) many.emplace_back("H", std::to_string(i));  // 16 bytes
  tracker.OnRequestWillBeSent(Req("1", "GET", many));  // 10 kept: per request
  tracker.OnRequestWillBeSent(Req("2", "GET", many));  // 4 kept: the visit's 14
  tracker.OnRequestWillBeSent(Req("3", "GET", {{"A", "1"}}));  // nothing left
  for (std::string id : {"1", "2", "3"}) tracker.OnLoadingFinished(Finished(id));
  auto records = tracker.Flush();
  REQUIRE(records.size() == 3);
  CHECK(records[0].request_headers.size() == 5);
  CHECK(records[0].request_headers.front().second == "0");  // the first ones, in order
  CHECK(records[0].headers_truncated);
  CHECK(records[1].request_headers.size() == 2);
  CHECK(records[2].request_headers.empty());
  CHECK(records[2].headers_truncated);
  CHECK(budget.dropped(Budget::kRequestHeaderBytes) == 1);
  CHECK(budget.dropped(Budget::kHeaderBytes) == 2);
}

TEST_CASE("ExtraInfo headers replace the first list and give its bytes back", "[visit_budget]") {
  VisitBudget budget(Limits(Budget::kHeaderBytes, 6));
  RequestTracker tracker(Context(budget));
  tracker.OnRequestWillBeSent(Req("1", "GET", {{"A", "1"}, {"B", "2"}}));  // 4
  p::RequestWillBeSentExtraInfo extra;
  extra.request_id = "1";
  extra.headers = {{"A", "1"}, {"B", "2"}, {"C", "3"}};  // 6: fits once the 4 are refunded
  tracker.OnRequestExtraInfo(extra);
  tracker.OnLoadingFinished(Finished("1"));
  auto records = tracker.Flush();
  REQUIRE(records.size() == 1);
  CHECK(records[0].request_headers.size() == 3);
  CHECK_FALSE(records[0].headers_truncated);
  CHECK(budget.Remaining(Budget::kHeaderBytes) == 0);
}

TEST_CASE("bodies are kept up to the visit's POST data budget, then not fetched", "[visit_budget]") {
  VisitBudget budget(Limits(Budget::kPostDataBytes, 10));
  TrackerContext context = Context(budget);
  context.post_data_cap = 8;
  RequestTracker tracker(context);
  p::RequestWillBeSent inline_body = Req("1", "POST");
  inline_body.request.has_post_data = true;
  inline_body.request.post_data = "0123456789";  // 8 kept (the cap), 2 left
  CHECK_FALSE(tracker.OnRequestWillBeSent(inline_body));
  p::RequestWillBeSent fetched = Req("2", "POST");
  fetched.request.has_post_data = true;
  REQUIRE(tracker.OnRequestWillBeSent(fetched));  // budget left: ask for it
  tracker.OnPostData("2", "abcdef", false);        // 2 kept
  p::RequestWillBeSent late = Req("3", "POST");
  late.request.has_post_data = true;
  CHECK_FALSE(tracker.OnRequestWillBeSent(late));  // spent: never asked
  for (std::string id : {"1", "2", "3"}) tracker.OnLoadingFinished(Finished(id));
  auto records = tracker.Flush();
  REQUIRE(records.size() == 3);
  CHECK(records[0].post_data == "01234567");
  CHECK(records[1].post_data == "ab");
  CHECK(records[1].post_data_truncated);
  CHECK(records[1].post_data_size == 6);
  CHECK(records[2].post_data == std::nullopt);
  CHECK(records[2].post_data_truncated);
  CHECK(budget.dropped(Budget::kPostDataBytes) == 2);
}

TEST_CASE("WebSocket records and payload bytes stop at their budgets", "[visit_budget]") {
  BudgetLimits limits;
  limits[Budget::kWebSocketFrames] = 3;
  limits[Budget::kWebSocketBytes] = 6;
  VisitBudget budget(limits);
  WebSocketTracker tracker("v1", "example.com", 1024, &budget);
  const std::string key = "S", type = "page";
  tracker.OnCreated({key, type}, p::WebSocketCreated{"w", "wss://ws.tracker.test/", {}});
  for (const char* payload : {"hello", "world", "again"}) {
    p::WebSocketFrame f;
    f.request_id = "w";
    f.payload = payload;
    f.opcode = 1;
    tracker.OnFrame({key, type}, f);
  }
  auto records = tracker.Take();
  REQUIRE(records.size() == 3);  // open + 2 frames
  CHECK(records[1].payload == std::optional<std::string>("hello"));
  CHECK(records[2].payload == std::optional<std::string>("w"));
  CHECK(records[2].payload_truncated);
  CHECK(budget.dropped(Budget::kWebSocketFrames) == 1);
  CHECK(budget.dropped(Budget::kWebSocketBytes) == 1);
}

TEST_CASE("cookie writes over the budget get no record but still attribute", "[visit_budget]") {
  VisitBudget budget(Limits(Budget::kCookieWrites, 2));
  CookieLedger ledger("v1", "example.com", &budget);
  for (int i = 0; i < 5; ++i) {
    CookieWriteRecord w;
    w.api = "document.cookie";
    w.cookie = "c" + std::to_string(i) + "=1";
    w.frame_url = "https://www.example.com/";
    w.script_url = "https://cdn.example.com/app.js";
    ledger.OnScriptWrite(w);
  }
  CHECK(ledger.writes().size() == 2);
  CHECK(budget.dropped(Budget::kCookieWrites) == 3);
  p::Cookie c;
  c.name = "c4";
  c.domain = "www.example.com";
  auto records = ledger.Finish({c});
  REQUIRE(records.size() == 1);
  CHECK(records[0].set_by == "js");
  CHECK(records[0].setter_url == std::optional<std::string>("https://cdn.example.com/app.js"));
}

}  // namespace
}  // namespace worker
