// Connection against a scripted in-memory Transport and a manual clock.
#include "cdp/connection.h"

#include <catch2/catch.hpp>

#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/fake_loop.h"
#include "tests/support/scripted_transport.h"

namespace cdp {
namespace {

using common::Code;
using common::Duration;
using testing_support::FakeLoop;
using testing_support::ScriptedTransport;

// Records every result a command's callback receives.
struct Outcome {
  std::vector<common::Result<std::string>> results;
  ResultCallback Callback() {
    return [this](common::Result<std::string> r) { results.push_back(std::move(r)); };
  }
  size_t calls() const { return results.size(); }
  Code code() const { return results.at(0).ok() ? Code::kOk : results.at(0).status().code(); }
  const std::string& message() const { return results.at(0).status().message(); }
};

struct Fixture {
  ScriptedTransport transport;
  FakeLoop loop;
  Connection connection{transport, loop, Duration(1000)};
};

TEST_CASE("closing the transport fails a pending command with the close code", "[cdp]") {
  Fixture f;
  Outcome version;
  f.connection.Send("Browser.getVersion", "{}", version.Callback());
  REQUIRE(f.connection.pending_count() == 1);
  bool closed_seen = false;
  f.connection.on_close = [&](const CloseInfo& info) {
    closed_seen = true;
    CHECK(info.code == 4321);
    CHECK(version.calls() == 1);  // pending commands fail before on_close
  };
  f.transport.Drop({4321, "proxy unavailable"});
  REQUIRE(version.calls() == 1);
  CHECK(version.code() == Code::kConnectionClosed);
  CHECK_THAT(version.message(), Catch::Contains("4321") && Catch::Contains("proxy unavailable"));
  CHECK(closed_seen);
  CHECK(f.connection.closed());
  CHECK(f.connection.pending_count() == 0);
  f.loop.Advance(Duration(5000));
  CHECK(version.calls() == 1);
}

TEST_CASE("a command past its deadline times out once and its late reply is ignored", "[cdp]") {
  Fixture f;
  Outcome slow, fast;
  f.connection.Send("Page.navigate", R"({"url":"http://a.test/"})", slow.Callback());
  f.connection.Send("Runtime.evaluate", "{}", fast.Callback(), Duration(200));
  f.loop.Advance(Duration(199));
  CHECK(fast.calls() == 0);
  f.loop.Advance(Duration(1));
  REQUIRE(fast.calls() == 1);
  CHECK(fast.code() == Code::kTimeout);
  CHECK(fast.message() == "Runtime.evaluate after 200 ms");
  CHECK(slow.calls() == 0);

  f.loop.Advance(Duration(800));
  REQUIRE(slow.calls() == 1);
  CHECK(slow.code() == Code::kTimeout);
  CHECK(slow.message() == "Page.navigate after 1000 ms");

  f.transport.Deliver(R"({"id":)" + std::to_string(f.transport.IdOf(0)) + R"(,"result":{}})");
  f.loop.Advance(Duration(5000));
  CHECK(slow.calls() == 1);
  CHECK(f.connection.pending_count() == 0);
  CHECK(f.loop.timer_count() == 0);
  CHECK(f.connection.dropped_messages() == 0);
}

TEST_CASE("commands with mixed timeouts expire in deadline order and each at its own deadline", "[cdp]") {
  Fixture f;
  std::vector<std::string> expired;  // "method@ms" when timed out, "method=ok@ms" when answered
  auto start = f.loop.Now();
  auto record = [&](std::string name) {
    return [&, name](common::Result<std::string> r) {
      auto at = std::chrono::duration_cast<Duration>(f.loop.Now() - start).count();
      const std::string how = r.ok() ? "=ok" : r.status().code() == Code::kTimeout ? "" : "=?";
      expired.push_back(name + how + "@" + std::to_string(at));
    };
  };
  f.connection.Send("A", "{}", record("A"), Duration(300));
  f.connection.Send("B", "{}", record("B"), Duration(100));
  f.connection.Send("C", "{}", record("C"));  // the default, 1000 ms
  f.loop.Advance(Duration(50));
  f.connection.Send("D", "{}", record("D"), Duration(100));  // due at 150
  f.connection.Send("E", "{}", record("E"), Duration(100));  // due at 150 too, after D
  f.transport.Deliver(R"({"id":)" + std::to_string(f.transport.IdOf(0)) + R"(,"result":{}})");  // A answered
  f.loop.Advance(Duration(2000));
  CHECK(expired == std::vector<std::string>{"A=ok@50", "B@100", "D@150", "E@150", "C@1000"});
  CHECK(f.connection.pending_count() == 0);
  CHECK(f.loop.timer_count() == 0);
}

// Each send and each reply used to scan every pending command for the
// earliest deadline: 40k pending commands took seconds of CPU. Now a send or
// a reply costs O(log n); the bound is loose enough for sanitizer builds.
TEST_CASE("many pending commands: sends, replies and expiry stay sub-quadratic", "[cdp]") {
  constexpr int kCommands = 40000;
  Fixture f;
  int answered = 0, timed_out = 0;
  const std::clock_t cpu_start = std::clock();
  for (int i = 0; i < kCommands; ++i) {
    f.connection.Send("Network.getRequestPostData", "{}",
                      [&](common::Result<std::string> r) { r.ok() ? ++answered : ++timed_out; },
                      Duration(500 + (i * 7919) % 1000));
  }
  for (int i = 0; i < kCommands; i += 2) {  // every other one answered, out of order
    const int n = (i * 4099) % kCommands / 2 * 2;
    f.transport.Deliver(R"({"id":)" + std::to_string(f.transport.IdOf(static_cast<size_t>(n))) +
                        R"(,"result":{}})");
  }
  f.loop.Advance(Duration(2000));
  const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  CHECK(answered + timed_out == kCommands);
  CHECK(f.connection.pending_count() == 0);
  CHECK(f.loop.timer_count() == 0);
  INFO("CPU seconds: " << cpu_s);
  CHECK(cpu_s < 1.0);
}

TEST_CASE("a reply completes its command with the raw result JSON", "[cdp]") {
  Fixture f;
  Outcome version;
  f.connection.Send("Browser.getVersion", "", version.Callback());
  CHECK(f.transport.sent.at(0) == R"({"id":1,"method":"Browser.getVersion","params":{}})");
  f.transport.Deliver(R"({"id":1,"result":{"product":"Chrome/156","protocolVersion":"1.3"}})");
  REQUIRE(version.calls() == 1);
  REQUIRE(version.results[0].ok());
  CHECK(*version.results[0] == R"({"product":"Chrome/156","protocolVersion":"1.3"})");
  CHECK(f.loop.timer_count() == 0);
}

TEST_CASE("an error reply fails the command with kProtocol", "[cdp]") {
  Fixture f;
  Outcome missing;
  f.connection.Send("No.suchMethod", "{}", missing.Callback());
  f.transport.Deliver(R"({"error":{"message":"'No.suchMethod' wasn't found","code":-32601},"id":1})");
  REQUIRE(missing.calls() == 1);
  CHECK(missing.code() == Code::kProtocol);
  CHECK(missing.message() == "-32601: 'No.suchMethod' wasn't found");
}

TEST_CASE("events route by sessionId, and to the browser without one", "[cdp]") {
  Fixture f;
  Session& page = f.connection.CreateSession("S1");
  std::vector<std::string> browser_seen, page_seen;
  f.connection.on_event = [&](const protocol::Event& e) {
    browser_seen.push_back(std::get<protocol::TargetInfoChanged>(e).target_info.target_id);
  };
  page.On("Page", [&](const protocol::Event& e) {
    page_seen.push_back(std::get<protocol::LoadEventFired>(e).timestamp > 0 ? "load" : "?");
  });
  f.transport.Deliver(R"({"method":"Target.targetInfoChanged","params":{"targetInfo":{"targetId":"T1"}}})");
  f.transport.Deliver(R"({"method":"Page.loadEventFired","params":{"timestamp":12.5},"sessionId":"S1"})");
  f.transport.Deliver(R"({"method":"Page.loadEventFired","params":{"timestamp":1},"sessionId":"GONE"})");
  f.transport.Deliver(R"({"method":"Page.lifecycleEvent","params":{"name":"load"},"sessionId":"S1"})");
  CHECK(browser_seen == std::vector<std::string>{"T1"});
  CHECK(page_seen == std::vector<std::string>{"load"});
  CHECK(f.connection.dropped_messages() == 0);

  Outcome eval;
  page.Send("Runtime.evaluate", R"({"expression":"1"})", eval.Callback());
  CHECK(f.transport.sent.at(0) ==
        R"({"id":1,"method":"Runtime.evaluate","sessionId":"S1","params":{"expression":"1"}})");
  f.transport.Deliver(R"({"id":1,"result":{"result":{"type":"number","value":1}},"sessionId":"S1"})");
  REQUIRE(eval.calls() == 1);
  CHECK(eval.results[0].ok());
}

TEST_CASE("keys in any order decode the same", "[cdp]") {
  Fixture f;
  Session& page = f.connection.CreateSession("S1");
  std::vector<std::string> urls;
  page.On("Network", [&](const protocol::Event& e) {
    urls.push_back(std::get<protocol::RequestWillBeSent>(e).request.url);
  });
  f.transport.Deliver(
      R"({"sessionId":"S1","params":{"request":{"url":"http://a.test/x","method":"GET","headers":{}},)"
      R"("requestId":"R1"},"method":"Network.requestWillBeSent"})");
  f.transport.Deliver(
      R"({"params":{"requestId":"R2","request":{"method":"GET","url":"http://a.test/y"}},)"
      R"("method":"Network.requestWillBeSent","sessionId":"S1"})");
  CHECK(urls == std::vector<std::string>{"http://a.test/x", "http://a.test/y"});

  Outcome version;
  f.connection.Send("Browser.getVersion", "{}", version.Callback());
  f.transport.Deliver(R"({"result":{"product":"p"},"id":1})");
  REQUIRE(version.calls() == 1);
  CHECK(*version.results[0] == R"({"product":"p"})");
}

TEST_CASE("undecodable messages are dropped and counted, later ones still route", "[cdp]") {
  Fixture f;
  Session& page = f.connection.CreateSession("S1");
  int events = 0;
  std::vector<std::string> failed;  // the events that reached the session undecoded
  page.On("Network", [&](const protocol::Event& e) {
    if (auto* lost = std::get_if<protocol::DecodeFailed>(&e)) return failed.push_back(lost->method);
    ++events;
  });
  f.transport.Deliver("not json at all");
  f.transport.Deliver(R"(["an","array"])");
  f.transport.Deliver(R"({"params":{}})");  // neither id nor method
  f.transport.Deliver(R"({"method":"Network.loadingFinished","params":{"timestamp":1},"sessionId":"S1"})");
  f.transport.Deliver(R"({"method":"Network.loadingFinished","params":{"requestId":7},"sessionId":"S1"})");
  f.transport.Deliver(R"({"method":"Network.dataReceived","params":{"requestId":"R1"},"sessi)");
  CHECK(f.connection.dropped_messages() == 6);
  CHECK(events == 0);
  // The two whose session and method were readable tell the session they were lost.
  CHECK(failed == std::vector<std::string>{"Network.loadingFinished", "Network.loadingFinished"});

  f.transport.Deliver(R"({"method":"Network.loadingFinished","params":{"requestId":"R1"},"sessionId":"S1"})");
  CHECK(events == 1);
  Outcome version;
  f.connection.Send("Browser.getVersion", "{}", version.Callback());
  f.transport.Deliver(R"({"id":1,"result":{}})");
  CHECK(version.calls() == 1);
}

TEST_CASE("a reply over the message cap fails its command at once; an event over it reaches its session as lost",
          "[cdp]") {
  ScriptedTransport transport;
  FakeLoop loop;
  Connection connection(transport, loop, Duration(60000), 1 << 20);
  Session& page = connection.CreateSession("S1");
  std::vector<protocol::DecodeFailed> lost;
  int decoded = 0;
  page.On("Network", [&](const protocol::Event& e) {
    if (auto* failed = std::get_if<protocol::DecodeFailed>(&e)) return lost.push_back(*failed);
    ++decoded;
  });
  Outcome big, small;
  page.Send("Runtime.evaluate", "{}", big.Callback());
  page.Send("Runtime.evaluate", "{}", small.Callback());
  const std::string huge(2 << 20, 'x');
  // A transport with the same cap reports the message without delivering it.
  transport.on_oversized(OversizedMessage{
      (2 << 20) + 100, R"({"id":)" + std::to_string(transport.IdOf(0)) + R"(,"result":{"result":{"value":"xxxx)",
      R"(xxxx"}},"sessionId":"S1"})"});
  REQUIRE(big.calls() == 1);  // not after the 60 s timeout
  CHECK(big.code() == Code::kDecode);
  CHECK_THAT(big.message(), Catch::Contains("Runtime.evaluate") && Catch::Contains("2097252 bytes") &&
                                Catch::Contains("--cdp-message-cap"));
  CHECK(small.calls() == 0);
  CHECK(connection.pending_count() == 1);

  // One that reaches the Connection whole (a transport without a cap) is dropped the same way.
  transport.Deliver(R"({"id":)" + std::to_string(transport.IdOf(1)) + R"(,"result":{"v":")" + huge + R"("}})");
  REQUIRE(small.calls() == 1);
  CHECK(small.code() == Code::kDecode);
  CHECK(connection.pending_count() == 0);

  transport.Deliver(R"({"method":"Network.webSocketFrameReceived","params":{"requestId":"W1","response":)"
                    R"({"opcode":1,"payloadData":")" + huge + R"("}},"sessionId":"S1"})");
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].method == "Network.webSocketFrameReceived");
  CHECK_THAT(lost[0].error, Catch::Contains("over the CDP message cap"));
  CHECK(connection.dropped_messages() == 3);
  CHECK(connection.oversized_messages() == 3);

  // Later messages route as before; a late reply whose command is gone is only counted.
  transport.Deliver(R"({"method":"Network.loadingFinished","params":{"requestId":"R1"},"sessionId":"S1"})");
  CHECK(decoded == 1);
  transport.on_oversized(OversizedMessage{(2 << 20) + 1, R"({"id":999,"result":)", "}"});
  CHECK(connection.oversized_messages() == 4);
  CHECK(lost.size() == 1);
}

TEST_CASE("DestroySession fails that session's commands with kTargetClosed", "[cdp]") {
  Outcome enable, browser;  // outlive the Connection, which fails `browser` at the end
  Fixture f;
  Session& s1 = f.connection.CreateSession("S1");
  f.connection.CreateSession("S2").Send("Page.enable", "{}", [](auto) {});
  s1.Send("Network.enable", "{}", enable.Callback());
  f.connection.Send("Browser.getVersion", "{}", browser.Callback());
  f.connection.DestroySession("S1");
  REQUIRE(enable.calls() == 1);
  CHECK(enable.code() == Code::kTargetClosed);
  CHECK(f.connection.FindSession("S1") == nullptr);
  CHECK(f.connection.FindSession("S2") != nullptr);
  CHECK(f.connection.pending_count() == 2);
  CHECK(browser.calls() == 0);
  f.loop.RunPosted();
}

TEST_CASE("a handler may destroy the session whose event it is handling", "[cdp]") {
  Fixture f;
  Session& page = f.connection.CreateSession("S1");
  std::string captured = "keep me";
  int calls = 0;
  page.On("Inspector", [&f, &calls, captured](const protocol::Event&) {
    f.connection.DestroySession("S1");
    ++calls;
    CHECK(captured == "keep me");  // the handler's state is still alive
  });
  f.transport.Deliver(R"({"method":"Inspector.detached","params":{"reason":"x"},"sessionId":"S1"})");
  f.transport.Deliver(R"({"method":"Inspector.detached","params":{"reason":"x"},"sessionId":"S1"})");
  CHECK(calls == 1);
  f.loop.RunPosted();
}

TEST_CASE("Send after close fails later, never inside Send", "[cdp]") {
  Fixture f;
  f.transport.Drop({1006, "abnormal"});
  Outcome late;
  f.connection.Send("Browser.getVersion", "{}", late.Callback());
  CHECK(late.calls() == 0);
  CHECK(f.transport.sent.empty());
  f.loop.RunPosted();
  REQUIRE(late.calls() == 1);
  CHECK(late.code() == Code::kConnectionClosed);
  CHECK_THAT(late.message(), Catch::Contains("1006"));
}

TEST_CASE("a callback that sends again while all fail gets kConnectionClosed once", "[cdp]") {
  Fixture f;
  Outcome first, second, retry;
  f.connection.Send("A.one", "{}", [&](common::Result<std::string> r) {
    first.results.push_back(std::move(r));
    f.connection.Send("A.retry", "{}", retry.Callback());
  });
  f.connection.Send("A.two", "{}", second.Callback());
  f.transport.Drop({0, "connection lost"});
  CHECK(first.calls() == 1);
  CHECK(second.calls() == 1);
  CHECK(retry.calls() == 0);
  f.loop.RunPosted();
  REQUIRE(retry.calls() == 1);
  CHECK(retry.code() == Code::kConnectionClosed);
  CHECK(f.connection.pending_count() == 0);
}

TEST_CASE("destroying the Connection fails what is pending", "[cdp]") {
  ScriptedTransport transport;
  FakeLoop loop;
  Outcome pending;
  {
    Connection connection(transport, loop, Duration(1000));
    connection.Send("Browser.getVersion", "{}", pending.Callback());
  }
  REQUIRE(pending.calls() == 1);
  CHECK(pending.code() == Code::kConnectionClosed);
  CHECK(loop.timer_count() == 0);
  loop.Advance(Duration(5000));
  CHECK(pending.calls() == 1);
}

TEST_CASE("a real transcript routes to sessions created from attachedToTarget", "[cdp]") {
  Fixture f;
  std::map<std::string, int> events_per_session;
  std::function<void(const protocol::Event&, const std::string&)> on_event;
  on_event = [&](const protocol::Event& e, const std::string& from) {
    ++events_per_session[from];
    if (auto* attached = std::get_if<protocol::AttachedToTarget>(&e)) {
      const std::string id = attached->session_id;
      f.connection.CreateSession(id).On(Session::kAllEvents,
                                        [&, id](const protocol::Event& ev) { on_event(ev, id); });
    }
  };
  f.connection.on_event = [&](const protocol::Event& e) { on_event(e, "browser"); };
  std::ifstream in(std::string(TRACKSCAN_SOURCE_DIR) + "/tests/fixtures/cdp/cdp_page_load.jsonl");
  REQUIRE(in.good());
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) f.transport.Deliver(line);
  CHECK(lines > 100);
  CHECK(f.connection.dropped_messages() == 0);
  CHECK(events_per_session.size() == 3);  // browser, page, cross-site iframe
  CHECK(events_per_session["browser"] >= 1);
}

}  // namespace
}  // namespace cdp
