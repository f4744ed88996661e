// Session subscriptions, driven through a Connection as the router drives
// them: a scripted transport delivers the messages.
#include "cdp/session.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "cdp/connection.h"
#include "tests/support/fake_loop.h"
#include "tests/support/scripted_transport.h"

namespace cdp {
namespace {

using common::Duration;
using testing_support::FakeLoop;
using testing_support::ScriptedTransport;

struct Fixture {
  ScriptedTransport transport;
  FakeLoop loop;
  Connection connection{transport, loop, Duration(1000)};
  Session& page = connection.CreateSession("S1");

  void Load() { transport.Deliver(R"({"method":"Page.loadEventFired","params":{"timestamp":1},"sessionId":"S1"})"); }
  void Finished() {
    transport.Deliver(R"({"method":"Network.loadingFinished","params":{"requestId":"R1"},"sessionId":"S1"})");
  }
  void Detached() {
    transport.Deliver(R"({"method":"Target.detachedFromTarget","params":{"sessionId":"S2"},"sessionId":"S1"})");
  }
};

TEST_CASE("subscribers to different domains each get only their own events", "[cdp][session]") {
  Fixture f;
  std::vector<std::string> seen;
  f.page.On("Network", [&](const protocol::Event&) { seen.push_back("network"); });
  f.page.On("Target", [&](const protocol::Event&) { seen.push_back("target"); });
  f.page.On("Page.loadEventFired", [&](const protocol::Event&) { seen.push_back("load"); });
  f.page.On(Session::kAllEvents, [&](const protocol::Event&) { seen.push_back("all"); });
  f.page.On("Net", [&](const protocol::Event&) { seen.push_back("prefix only"); });
  f.Detached();
  f.Finished();
  f.Load();
  CHECK(seen == std::vector<std::string>{"target", "all", "network", "all", "load", "all"});
}

TEST_CASE("handlers run in subscription order and may subscribe or unsubscribe", "[cdp][session]") {
  Fixture f;
  std::vector<std::string> seen;
  SubscriptionId second = 0, third = 0;
  f.page.On("Page", [&](const protocol::Event&) {
    seen.push_back("first");
    f.page.Off(third);  // not called for this event, nor later
    f.page.On("Page", [&](const protocol::Event&) { seen.push_back("added"); });
  });
  second = f.page.On("Page", [&](const protocol::Event&) {
    seen.push_back("second");
    f.page.Off(second);  // ends itself, and still runs to its end
    seen.push_back("second done");
  });
  third = f.page.On("Page", [&](const protocol::Event&) { seen.push_back("third"); });
  f.Load();
  CHECK(seen == std::vector<std::string>{"first", "second", "second done"});
  seen.clear();
  f.Load();
  CHECK(seen == std::vector<std::string>{"first", "added"});
  f.page.Off(12345);  // unknown: a no-op
}

TEST_CASE("a handler may destroy its session, and later handlers then do not run", "[cdp][session]") {
  Fixture f;
  std::string captured = "keep me";
  int first = 0, second = 0;
  f.page.On("Network", [&f, &first, captured](const protocol::Event&) {
    f.connection.DestroySession("S1");
    ++first;
    CHECK(captured == "keep me");  // the handler's state is still alive
  });
  f.page.On("Network", [&](const protocol::Event&) { ++second; });
  f.Finished();
  f.Finished();  // the session is gone: routed nowhere
  CHECK(first == 1);
  CHECK(second == 0);
  CHECK(f.connection.FindSession("S1") == nullptr);
  f.loop.RunUntilIdle();  // frees the destroyed session
}

}  // namespace
}  // namespace cdp
