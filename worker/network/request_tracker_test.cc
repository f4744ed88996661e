#include "worker/network/request_tracker.h"

#include "cdp/protocol/decode.h"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <variant>
#include <vector>

namespace worker {
namespace {

namespace p = cdp::protocol;

// ---- builders: the few fields each test cares about ----

p::RequestWillBeSent Req(std::string id, std::string url, double ts, std::string method = "GET") {
  p::RequestWillBeSent e;
  e.request_id = std::move(id);
  e.loader_id = "L1";
  e.frame_id = "F1";
  e.type = "Document";
  e.request.url = std::move(url);
  e.request.method = std::move(method);
  e.request.headers = {{"User-Agent", "test"}};
  e.initiator.type = "other";
  e.timestamp = ts;
  e.wall_time = 1700000000 + ts;
  return e;
}

p::Response Resp(std::string url, int status, p::Headers headers = {}) {
  p::Response r;
  r.url = std::move(url);
  r.status = status;
  r.headers = std::move(headers);
  r.mime_type = "text/html";
  r.remote_ip = "93.184.216.34";
  r.encoded_data_length = 100;
  return r;
}

p::RequestWillBeSent Redirect(std::string id, std::string url, double ts, p::Response from) {
  p::RequestWillBeSent e = Req(std::move(id), std::move(url), ts);
  e.redirect_response = std::move(from);
  return e;
}

p::ResponseReceived Received(std::string id, p::Response r, bool has_extra = true) {
  p::ResponseReceived e;
  e.request_id = std::move(id);
  e.type = "Document";
  e.response = std::move(r);
  e.has_extra_info = has_extra;
  return e;
}

p::RequestWillBeSentExtraInfo ReqExtra(std::string id, p::Headers headers) {
  p::RequestWillBeSentExtraInfo e;
  e.request_id = std::move(id);
  e.headers = std::move(headers);
  return e;
}

p::ResponseReceivedExtraInfo RespExtra(std::string id, int status, p::Headers headers,
                                       std::vector<p::BlockedSetCookie> blocked = {}) {
  p::ResponseReceivedExtraInfo e;
  e.request_id = std::move(id);
  e.status_code = status;
  e.headers = std::move(headers);
  e.blocked_cookies = std::move(blocked);
  return e;
}

p::LoadingFinished Finished(std::string id, double ts, double length = 1234) {
  p::LoadingFinished e;
  e.request_id = std::move(id);
  e.timestamp = ts;
  e.encoded_data_length = length;
  return e;
}

p::LoadingFailed Failed(std::string id, double ts, std::string error, bool canceled = false) {
  p::LoadingFailed e;
  e.request_id = std::move(id);
  e.timestamp = ts;
  e.error_text = std::move(error);
  e.canceled = canceled;
  return e;
}

// Feeds events to the tracker the way the visit's router does.
void Replay(RequestTracker& tracker, const std::vector<p::Event>& events) {
  for (const p::Event& event : events) {
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, p::RequestWillBeSent>) (void)tracker.OnRequestWillBeSent(e);
          if constexpr (std::is_same_v<T, p::RequestWillBeSentExtraInfo>) tracker.OnRequestExtraInfo(e);
          if constexpr (std::is_same_v<T, p::ResponseReceivedExtraInfo>) tracker.OnResponseExtraInfo(e);
          if constexpr (std::is_same_v<T, p::ResponseReceived>) tracker.OnResponseReceived(e);
          if constexpr (std::is_same_v<T, p::RequestServedFromCache>) tracker.OnServedFromCache(e);
          if constexpr (std::is_same_v<T, p::LoadingFinished>) tracker.OnLoadingFinished(e);
          if constexpr (std::is_same_v<T, p::LoadingFailed>) tracker.OnLoadingFailed(e);
        },
        event);
  }
}

TrackerContext Context() {
  TrackerContext c;
  c.visit_id = "v1";
  c.site = "example.com";
  c.target_type = "page";
  c.target_url = "https://www.example.com/";
  return c;
}

const p::Headers kSent = {{"Host", "www.example.com"}, {"Cookie", "sid=1"}};
const p::Headers kRaw = {{"Content-Type", "text/html"}, {"Set-Cookie", "a=1\nb=2"}};
// Records keep one pair per line where CDP joined repeated headers with '\n'.
const HeaderList kRawLines = {{"Content-Type", "text/html"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};

TEST_CASE("simple GET becomes one finished record", "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  p::RequestWillBeSent req = Req("1", "https://www.example.com/", 10.0);
  req.initiator = {"script", "https://www.example.com/app.js", {"https://www.example.com/app.js",
                                                                "https://cdn.example.com/lib.js"}};
  Replay(tracker, {req, ReqExtra("1", kSent),
                   Received("1", Resp("https://www.example.com/", 200, {{"content-type", "text/html"}})),
                   RespExtra("1", 200, kRaw), Finished("1", 10.25, 5000)});
  auto records = tracker.TakeCompleted();
  REQUIRE(records.size() == 1);
  const RequestRecord& r = records[0];
  CHECK(r.visit_id == "v1");
  CHECK(r.request_id == "1");
  CHECK(r.url == "https://www.example.com/");
  CHECK(r.method == "GET");
  CHECK(r.resource_type == "Document");
  CHECK(r.frame_id == "F1");
  CHECK_FALSE(r.frame_url);
  CHECK(r.target_type == "page");
  CHECK(r.target_url == "https://www.example.com/");
  CHECK(r.initiator_type == "script");
  CHECK(r.initiator_url == "https://www.example.com/app.js");
  CHECK(r.initiator_stack_urls.size() == 2);
  CHECK(r.status == 200);
  CHECK(r.mime_type == "text/html");
  CHECK(r.remote_ip == "93.184.216.34");
  CHECK(r.request_headers == kSent);  // ExtraInfo: what was really sent
  CHECK(r.response_headers == kRawLines);  // ExtraInfo: raw Set-Cookie lines
  CHECK(r.encoded_data_length == 5000);
  CHECK(r.wall_time == Approx(1700000010.0));
  CHECK(r.duration_ms == Approx(250.0));
  CHECK(r.finished);
  CHECK_FALSE(r.failed);
  CHECK_FALSE(r.third_party);
  CHECK_FALSE(r.redirect_from);
  CHECK_FALSE(r.redirect_to);
  CHECK(tracker.Flush().empty());  // nothing left open or held
}

TEST_CASE("without ExtraInfo the CDP request and response headers are kept",
          "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  Replay(tracker, {Req("1", "https://www.example.com/", 1),
                   Received("1", Resp("https://www.example.com/", 200, {{"X", "y"}}), false),
                   Finished("1", 2)});
  auto records = tracker.TakeCompleted();
  REQUIRE(records.size() == 1);
  CHECK(records[0].request_headers == p::Headers{{"User-Agent", "test"}});
  CHECK(records[0].response_headers == p::Headers{{"X", "y"}});
}

TEST_CASE("redirect chain across hosts sharing one requestId", "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  auto location = [](const char* to) { return p::Headers{{"Location", to}}; };
  Replay(tracker, {
      Req("R", "https://www.example.com/go", 1.0),
      ReqExtra("R", {{"Host", "www.example.com"}}),
      RespExtra("R", 301, location("https://b.example.net/")),  // hop 0's, before hop 1 starts
      Redirect("R", "https://b.example.net/", 1.1, Resp("https://www.example.com/go", 301)),
      ReqExtra("R", {{"Host", "b.example.net"}}),
      RespExtra("R", 302, location("https://c.tracker.org/")),
      Redirect("R", "https://c.tracker.org/", 1.3, Resp("https://b.example.net/", 302)),
      ReqExtra("R", {{"Host", "c.tracker.org"}}),
      RespExtra("R", 302, location("https://www.example.com/final")),
      Redirect("R", "https://www.example.com/final", 1.6, Resp("https://c.tracker.org/", 302)),
      ReqExtra("R", {{"Host", "www.example.com"}}),
      Received("R", Resp("https://www.example.com/final", 200)),
      RespExtra("R", 200, kRaw),
      Finished("R", 2.0),
  });
  auto r = tracker.TakeCompleted();
  REQUIRE(r.size() == 4);
  struct Hop { const char* id; const char* url; int status; const char* host_sent; double ms; };
  const Hop hops[] = {
      {"R", "https://www.example.com/go", 301, "www.example.com", 100},
      {"R:1", "https://b.example.net/", 302, "b.example.net", 200},
      {"R:2", "https://c.tracker.org/", 302, "c.tracker.org", 300},
      {"R:3", "https://www.example.com/final", 200, "www.example.com", 400},
  };
  for (size_t i = 0; i < 4; ++i) {
    INFO("hop " << i);
    CHECK(r[i].request_id == hops[i].id);
    CHECK(r[i].url == hops[i].url);
    CHECK(r[i].status == hops[i].status);
    CHECK(r[i].request_headers == p::Headers{{"Host", hops[i].host_sent}});
    CHECK(r[i].duration_ms == Approx(hops[i].ms));
    CHECK(r[i].finished);
    CHECK(r[i].redirect_from == (i == 0 ? std::nullopt : std::optional(r[i - 1].request_id)));
    CHECK(r[i].redirect_to == (i == 3 ? std::nullopt : std::optional(r[i + 1].request_id)));
  }
  CHECK(r[0].response_headers == location("https://b.example.net/"));
  CHECK(r[2].response_headers == location("https://www.example.com/final"));
  CHECK(r[3].response_headers == kRawLines);
  CHECK_FALSE(r[0].third_party);
  CHECK(r[1].third_party);
  CHECK(r[2].third_party);
}

TEST_CASE("ExtraInfo may come before requestWillBeSent or responseReceived",
          "[worker][request_tracker]") {
  const std::string url = "https://www.example.com/";
  // Each ordering must give the same record.
  const std::vector<std::vector<p::Event>> orders = {
      {ReqExtra("1", kSent), RespExtra("1", 200, kRaw), Req("1", url, 1),
       Received("1", Resp(url, 200)), Finished("1", 2)},
      {ReqExtra("1", kSent), Req("1", url, 1), RespExtra("1", 200, kRaw),
       Received("1", Resp(url, 200)), Finished("1", 2)},
      {Req("1", url, 1), RespExtra("1", 200, kRaw), ReqExtra("1", kSent),
       Received("1", Resp(url, 200)), Finished("1", 2)},
      {Req("1", url, 1), Received("1", Resp(url, 200)), ReqExtra("1", kSent),
       RespExtra("1", 200, kRaw), Finished("1", 2)},
  };
  for (size_t i = 0; i < orders.size(); ++i) {
    INFO("order " << i);
    RequestTracker tracker(Context());
    Replay(tracker, orders[i]);
    auto records = tracker.TakeCompleted();
    REQUIRE(records.size() == 1);
    CHECK(records[0].request_headers == kSent);
    CHECK(records[0].response_headers == kRawLines);
    CHECK(records[0].status == 200);
  }
}

TEST_CASE("late ExtraInfo is merged into a finished record not yet taken",
          "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  const std::string url = "https://www.example.com/";
  Replay(tracker, {Req("1", url, 1), Received("1", Resp(url, 200, {{"X", "cdp"}})),
                   Finished("1", 2), RespExtra("1", 200, kRaw)});
  auto records = tracker.TakeCompleted();
  REQUIRE(records.size() == 1);
  CHECK(records[0].response_headers == kRawLines);
}

TEST_CASE("a redirect hop's ExtraInfo arriving after the next hop started stays on its hop",
          "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  Replay(tracker, {Req("R", "https://www.example.com/a", 1),
                   Redirect("R", "https://www.example.com/b", 2, Resp("https://www.example.com/a", 302)),
                   RespExtra("R", 302, {{"Location", "/b"}}),
                   Received("R", Resp("https://www.example.com/b", 200, {{"X", "cdp"}}), false),
                   Finished("R", 3)});
  auto r = tracker.TakeCompleted();
  REQUIRE(r.size() == 2);
  CHECK(r[0].response_headers == p::Headers{{"Location", "/b"}});
  CHECK(r[1].response_headers == p::Headers{{"X", "cdp"}});
}

TEST_CASE("hasExtraInfo without an ExtraInfo still completes at loadingFinished",
          "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  const std::string url = "https://www.example.com/";
  Replay(tracker, {Req("1", url, 1), Received("1", Resp(url, 200, {{"X", "cdp"}}), true),
                   Finished("1", 2)});
  auto records = tracker.TakeCompleted();
  REQUIRE(records.size() == 1);
  CHECK(records[0].finished);
  CHECK(records[0].response_headers == p::Headers{{"X", "cdp"}});
}

TEST_CASE("loadingFailed without a response is a failed observation", "[worker][request_tracker]") {
  struct Case { const char* error; bool canceled; const char* expected; };
  const Case cases[] = {
      {"net::ERR_NAME_NOT_RESOLVED", false, "net::ERR_NAME_NOT_RESOLVED"},
      {"net::ERR_ABORTED", true, "net::ERR_ABORTED"},
      {"", true, "canceled"},
  };
  for (const Case& c : cases) {
    INFO(c.expected);
    RequestTracker tracker(Context());
    Replay(tracker, {Req("1", "https://nx.example.com/", 1), Failed("1", 1.5, c.error, c.canceled)});
    auto records = tracker.TakeCompleted();
    REQUIRE(records.size() == 1);
    CHECK(records[0].failed);
    CHECK(records[0].finished);
    CHECK(records[0].error_text == c.expected);
    CHECK_FALSE(records[0].status);
    CHECK(records[0].duration_ms == Approx(500));
  }
}

TEST_CASE("inline POST body is kept, capped and flagged", "[worker][request_tracker]") {
  struct Case { std::string body; size_t cap; std::string kept; bool truncated; };
  const Case cases[] = {
      {"a=1&b=2", 1024, "a=1&b=2", false},
      {"0123456789", 4, "0123", true},
      {"", 4, "", false},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    TrackerContext context = Context();
    context.post_data_cap = c.cap;
    RequestTracker tracker(context);
    p::RequestWillBeSent req = Req("1", "https://www.example.com/api", 1, "POST");
    req.request.has_post_data = true;
    req.request.post_data = c.body;
    CHECK_FALSE(tracker.OnRequestWillBeSent(req));  // nothing to fetch
    tracker.OnLoadingFinished(Finished("1", 2));
    auto records = tracker.TakeCompleted();
    REQUIRE(records.size() == 1);
    CHECK(records[0].method == "POST");
    CHECK(records[0].post_data == c.kept);
    CHECK(records[0].post_data_truncated == c.truncated);
    CHECK(records[0].post_data_size == static_cast<int64_t>(c.body.size()));
  }
}

TEST_CASE("a POST body fetched later holds the record until it arrives",
          "[worker][request_tracker]") {
  TrackerContext context = Context();
  context.post_data_cap = 8;
  RequestTracker tracker(context);
  p::RequestWillBeSent req = Req("1", "https://www.example.com/upload", 1, "POST");
  req.request.has_post_data = true;  // Chrome left postData out
  REQUIRE(tracker.OnRequestWillBeSent(req));
  tracker.OnLoadingFinished(Finished("1", 2));
  CHECK(tracker.TakeCompleted().empty());  // held: the body is still coming

  SECTION("base64 body, cut at the cap") {
    tracker.OnPostData("1", "aGVsbG8sIHdvcmxkIQ==", true);  // "hello, world!"
    auto records = tracker.TakeCompleted();
    REQUIRE(records.size() == 1);
    CHECK(records[0].finished);
    CHECK(records[0].post_data == "hello, w");
    CHECK(records[0].post_data_truncated);
    CHECK(records[0].post_data_size == 13);
  }
  SECTION("plain body within the cap") {
    tracker.OnPostData("1", "x=1", false);
    auto records = tracker.TakeCompleted();
    REQUIRE(records.size() == 1);
    CHECK(records[0].post_data == "x=1");
    CHECK_FALSE(records[0].post_data_truncated);
  }
  SECTION("the browser could not give it") {
    tracker.OnPostData("1", std::nullopt, false);
    auto records = tracker.TakeCompleted();
    REQUIRE(records.size() == 1);
    CHECK_FALSE(records[0].post_data);
    CHECK_FALSE(records[0].post_data_size);
  }
  SECTION("never answered: Flush still returns it") {
    auto records = tracker.Flush();
    REQUIRE(records.size() == 1);
    CHECK(records[0].finished);
  }
  CHECK(tracker.Flush().empty());
}

TEST_CASE("a body that arrives before loadingFinished completes normally",
          "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  p::RequestWillBeSent req = Req("1", "https://www.example.com/upload", 1, "POST");
  req.request.has_post_data = true;
  REQUIRE(tracker.OnRequestWillBeSent(req));
  tracker.OnPostData("1", "x=1", false);
  CHECK(tracker.TakeCompleted().empty());
  tracker.OnLoadingFinished(Finished("1", 2));
  auto records = tracker.TakeCompleted();
  REQUIRE(records.size() == 1);
  CHECK(records[0].post_data == "x=1");
}

TEST_CASE("Flush returns open requests unfinished, in start order", "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  Replay(tracker, {Req("beacon", "https://t.tracker.net/b", 1), Req("done", "https://www.example.com/", 2),
                   Req("slow", "https://www.example.com/slow", 3), Finished("done", 4),
                   Received("slow", Resp("https://www.example.com/slow", 200))});
  auto records = tracker.Flush();
  REQUIRE(records.size() == 3);
  CHECK(records[0].request_id == "done");
  CHECK(records[0].finished);
  CHECK(records[1].request_id == "beacon");
  CHECK_FALSE(records[1].finished);
  CHECK_FALSE(records[1].duration_ms);
  CHECK(records[2].request_id == "slow");
  CHECK_FALSE(records[2].finished);
  CHECK(records[2].status == 200);
  CHECK(tracker.Flush().empty());
}

TEST_CASE("events for unknown request ids are ignored", "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  p::RequestServedFromCache cached;
  cached.request_id = "ghost";
  Replay(tracker, {Received("ghost", Resp("https://x.com/", 200)), Finished("ghost", 1),
                   Failed("ghost", 1, "net::ERR_FAILED"), cached});
  tracker.OnPostData("ghost", "body", false);
  CHECK(tracker.TakeCompleted().empty());
  CHECK(tracker.Flush().empty());
  CHECK(tracker.UrlOf("ghost").empty());
}

TEST_CASE("early ExtraInfo for ids that never start is bounded", "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  tracker.OnRequestExtraInfo(ReqExtra("oldest", kSent));
  for (int i = 0; i < 1000; ++i) tracker.OnRequestExtraInfo(ReqExtra("x" + std::to_string(i), kSent));
  Replay(tracker, {Req("oldest", "https://www.example.com/", 1), Finished("oldest", 2),
                   Req("x999", "https://www.example.com/", 1), Finished("x999", 2)});
  auto records = tracker.TakeCompleted();
  REQUIRE(records.size() == 2);
  CHECK(records[0].request_headers == p::Headers{{"User-Agent", "test"}});  // evicted
  CHECK(records[1].request_headers == kSent);                              // still there
}

TEST_CASE("third_party, cache flags and UrlOf", "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  p::Response sw = Resp("https://cdn.tracker.net/px.gif", 200);
  sw.from_service_worker = true;
  p::RequestServedFromCache cached;
  cached.request_id = "2";
  Replay(tracker, {Req("1", "https://cdn.tracker.net/px.gif", 1), Req("2", "https://static.example.com/a.css", 1),
                   cached});
  CHECK(tracker.UrlOf("1") == "https://cdn.tracker.net/px.gif");
  Replay(tracker, {Received("1", sw), Finished("1", 2), Finished("2", 2)});
  auto records = tracker.TakeCompleted();
  REQUIRE(records.size() == 2);
  CHECK(records[0].third_party);
  CHECK(records[0].from_service_worker);
  CHECK_FALSE(records[1].third_party);
  CHECK(records[1].from_cache);
}

TEST_CASE("blocked Set-Cookie lines are listed with their reasons", "[worker][request_tracker]") {
  RequestTracker tracker(Context());
  const std::string url = "https://www.example.com/";
  std::vector<p::BlockedSetCookie> blocked = {
      {{"SameSiteNoneInsecure", "ThirdPartyPhaseout"}, "id=1; SameSite=None"},
      {{"InvalidDomain"}, "x=2; Domain=other.com"},
  };
  Replay(tracker, {Req("1", url, 1), Received("1", Resp(url, 200)),
                   RespExtra("1", 200, kRaw, blocked), Finished("1", 2)});
  auto records = tracker.TakeCompleted();
  REQUIRE(records.size() == 1);
  CHECK(records[0].blocked_set_cookies ==
        std::vector<std::string>{"SameSiteNoneInsecure,ThirdPartyPhaseout: id=1; SameSite=None",
                                 "InvalidDomain: x=2; Domain=other.com"});
}

// ---- replayed transcripts (tests/fixtures/cdp/tracker_*.jsonl) ----

// One CDP event message per line, envelope kept ({"method","params","sessionId"});
// params go through the real decoder, as in the visit's router.
std::vector<p::Event> LoadTranscript(const std::string& name) {
  std::ifstream in(std::string(TRACKSCAN_SOURCE_DIR) + "/tests/fixtures/cdp/" + name);
  REQUIRE(in.good());
  std::vector<p::Event> events;
  simdjson::dom::parser parser;
  for (std::string line; std::getline(in, line);) {
    simdjson::dom::element message;
    REQUIRE(parser.parse(line).get(message) == simdjson::SUCCESS);
    std::string_view method = message["method"].get_string().value();
    auto event = p::DecodeEvent(method, simdjson::minify(message["params"]));
    INFO(method << ": " << event.status().ToString());
    REQUIRE(event.ok());
    events.push_back(std::move(event).value());
  }
  return events;
}

// Hand-written in the shape of Chrome 126's messages (not a capture): a
// document redirected across three hosts with every ExtraInfo ahead of its
// hop's end, a failed script, a beacon whose body must be fetched, an unknown
// id, and a poll that never ends.
TEST_CASE("transcript: redirects, failure, fetched POST body, open request",
          "[worker][request_tracker][transcript]") {
  RequestTracker tracker(Context());
  std::vector<std::string> fetch_bodies;
  for (const p::Event& event : LoadTranscript("tracker_redirect_post.jsonl")) {
    if (auto* req = std::get_if<p::RequestWillBeSent>(&event)) {
      if (tracker.OnRequestWillBeSent(*req)) fetch_bodies.push_back(req->request_id);
    } else {
      Replay(tracker, {event});
    }
  }
  REQUIRE(fetch_bodies == std::vector<std::string>{"91234.9"});
  auto done = tracker.TakeCompleted();
  REQUIRE(done.size() == 5);  // the beacon waits for its body
  const std::string d = "2D6F1A3B9C8E7D5F4A3B2C1D0E9F8A7B";
  CHECK(done[0].request_id == d);
  CHECK(done[0].status == 301);
  CHECK(done[0].request_headers.size() == 6);  // the ExtraInfo that came first
  CHECK(done[0].redirect_to == d + ":1");
  CHECK(done[1].status == 302);
  CHECK(done[1].remote_ip == "198.51.100.7");
  CHECK(done[1].blocked_set_cookies ==
        std::vector<std::string>{"SameSiteNoneInsecure: uid=9; Domain=example.net; SameSite=None"});
  CHECK(done[2].url == "https://c.tracker.org/r");
  CHECK(done[2].third_party);
  CHECK(done[3].request_id == d + ":3");
  CHECK(done[3].redirect_from == d + ":2");
  CHECK(done[3].status == 200);
  CHECK(done[3].response_headers.size() == 3);  // raw, one pair per Set-Cookie line
  CHECK(done[3].encoded_data_length == 2300);
  CHECK(done[3].duration_ms == Approx(200));
  CHECK(done[4].request_id == "91234.5");
  CHECK(done[4].error_text == "net::ERR_NAME_NOT_RESOLVED");
  CHECK(done[4].initiator_url == "https://www.example.com/final");

  tracker.OnPostData("91234.9", "eyJldiI6ImNsaWNrIn0=", true);
  auto beacon = tracker.TakeCompleted();
  REQUIRE(beacon.size() == 1);
  CHECK(beacon[0].method == "POST");
  CHECK(beacon[0].post_data == R"({"ev":"click"})");
  CHECK(beacon[0].status == 204);
  CHECK(beacon[0].initiator_stack_urls ==
        std::vector<std::string>{"https://cdn.tracker.org/sdk.js", "https://www.example.com/app.js"});

  auto open = tracker.Flush();
  REQUIRE(open.size() == 1);
  CHECK(open[0].url == "https://www.example.com/poll");
  CHECK_FALSE(open[0].finished);
}

}  // namespace
}  // namespace worker
