// Visit against a scripted transport: what a Visit leaves on the sessions it
// recorded once it is destroyed. (Its recording is tested through a real
// Chromium in tests/integration; its page-done rules in page_lifecycle_test.)
#include "worker/browser/visit.h"

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <optional>

#include "cdp/connection.h"
#include "tests/support/fake_loop.h"
#include "tests/support/scripted_transport.h"

namespace worker {
namespace {

TEST_CASE("a destroyed visit leaves no handler on the sessions it recorded", "[visit]") {
  testing_support::FakeLoop loop;
  testing_support::ScriptedTransport transport;
  cdp::Connection connection(transport, loop, common::Duration(1000));
  cdp::Session& session = connection.CreateSession("S1");
  {
    Visit visit(connection, loop, VisitOptions{}, "C1", "binding");
    cdp::protocol::TargetInfo info;
    info.target_id = "T1";
    info.type = "page";
    info.url = "about:blank";
    REQUIRE(visit.OnTargetAttached(session, info));
    CHECK(session.subscription_count() > 0);
  }
  // The Browser drops a finished Visit before Chromium detaches its targets;
  // an event in between must not reach the destroyed Visit.
  CHECK(session.subscription_count() == 0);
  int seen = 0;
  session.On(cdp::Session::kAllEvents, [&](const cdp::protocol::Event&) { ++seen; });
  transport.Deliver(R"({"method":"Network.dataReceived","params":{"requestId":"R1","timestamp":1,)"
                    R"("dataLength":1,"encodedDataLength":1},"sessionId":"S1"})");
  CHECK(seen == 1);
}

// A scan stopped mid-visit: the Browser aborts its visits and destroys them on
// the loop's next turn, when its Connection (and the sessions) may be gone.
TEST_CASE("an aborted visit leaves its sessions at once", "[visit]") {
  testing_support::FakeLoop loop;
  testing_support::ScriptedTransport transport;
  auto connection = std::make_unique<cdp::Connection>(transport, loop, common::Duration(1000));
  cdp::Session& session = connection->CreateSession("S1");
  Visit visit(*connection, loop, VisitOptions{}, "C1", "binding");
  cdp::protocol::TargetInfo info;
  info.target_id = "T1";
  info.type = "page";
  REQUIRE(visit.OnTargetAttached(session, info));
  visit.Abort("interrupted", false);
  CHECK(session.subscription_count() == 0);
  connection.reset();  // the visit is destroyed after this, touching no session
}

// Drives one visit to its end on a scripted browser: the page is attached,
// set up (its commands time out, which counts as answered), navigates and
// reaches its deadline; `answer_jar` answers Storage.getCookies or leaves it
// to time out.
struct ScriptedVisit {
  testing_support::FakeLoop loop;
  testing_support::ScriptedTransport transport;
  cdp::Connection connection{transport, loop, common::Duration(1000)};
  std::optional<VisitResult> result;

  void Run(const std::function<void()>& during, bool answer_jar) {
    cdp::Session& session = connection.CreateSession("S1");
    VisitOptions options;
    options.timeout = common::Duration(20000);
    options.interact.mode = interact::InteractMode::kNone;
    Visit visit(connection, loop, options, "C1", "binding");
    cdp::protocol::TargetInfo info;
    info.target_id = "T1";
    info.type = "page";
    info.url = "about:blank";
    REQUIRE(visit.OnTargetAttached(session, info));
    VisitRecord seed;
    seed.visit_id = "v1";
    seed.input_url = "http://a.test/";
    seed.site = "a.test";
    visit.Begin(seed, options, [&](VisitResult r) { result = std::move(r); });
    loop.Advance(common::Duration(1000));
    during();
    loop.Advance(common::Duration(20000));  // the deadline: the visit reads the jar
    for (size_t n = 0; answer_jar && n < transport.sent.size(); ++n) {
      if (transport.sent[n].find("Storage.getCookies") == std::string::npos) continue;
      transport.Deliver(R"({"id":)" + std::to_string(transport.IdOf(n)) +
                        R"(,"result":{"cookies":[{"name":"uid","value":"1","domain":"a.test","path":"/"}]}})");
    }
    loop.Advance(common::Duration(30000));
    REQUIRE(result.has_value());
  }
};

TEST_CASE("a jar that could not be read marks the visit, instead of an empty jar", "[visit]") {
  ScriptedVisit timed_out;
  timed_out.Run([] {}, false);
  CHECK(timed_out.result->visit.cookie_jar_error == "timeout: Storage.getCookies after 10000 ms");
  CHECK(timed_out.result->cookies.empty());

  ScriptedVisit read;
  read.Run([] {}, true);
  CHECK_FALSE(read.result->visit.cookie_jar_error.has_value());
  CHECK(read.result->cookies.size() == 1);
}

TEST_CASE("events of the visit's targets that fail to decode count on the visit", "[visit]") {
  ScriptedVisit v;
  v.Run([&] {
    // A requestId that is a number, and one with no requestId at all.
    v.transport.Deliver(R"({"method":"Network.loadingFinished","params":{"requestId":7},"sessionId":"S1"})");
    v.transport.Deliver(R"({"method":"Network.loadingFailed","params":{"timestamp":1},"sessionId":"S1"})");
    // Another session's loss is not this visit's.
    v.transport.Deliver(R"({"method":"Network.loadingFailed","params":{"timestamp":1},"sessionId":"S2"})");
  }, true);
  CHECK(v.result->visit.decode_errors == 2);
}

// A target that attaches after the visit completed (a popup in the turn
// before the Browser destroys the Visit) is not taken: a subscription added
// then would outlive the sessions if the browser were lost meanwhile.
TEST_CASE("a completed visit takes no new target", "[visit]") {
  testing_support::FakeLoop loop;
  testing_support::ScriptedTransport transport;
  auto connection = std::make_unique<cdp::Connection>(transport, loop, common::Duration(1000));
  cdp::Session& page = connection->CreateSession("S1");
  cdp::Session& popup = connection->CreateSession("S2");
  Visit visit(*connection, loop, VisitOptions{}, "C1", "binding");
  cdp::protocol::TargetInfo info;
  info.target_id = "T1";
  info.type = "page";
  REQUIRE(visit.OnTargetAttached(page, info));
  visit.Abort("browser_lost: test", true);
  info.target_id = "T2";
  CHECK_FALSE(visit.OnTargetAttached(popup, info));
  CHECK(popup.subscription_count() == 0);
  connection.reset();  // the visit is destroyed after this, touching no session
}

}  // namespace
}  // namespace worker
