// PageLifecycle on a manual clock: when a page is done, and how it ended.
#include "worker/browser/page_lifecycle.h"

#include <catch2/catch.hpp>

#include "tests/support/fake_loop.h"

namespace worker {
namespace {

using common::Duration;
using State = PageLifecycle::State;

// Timing as the scan's defaults: 30 s deadline, 3 s dwell, 2 s quiet.
struct Harness {
  testing_support::FakeLoop loop;
  PageLifecycle page{loop};
  common::TimePoint begun;
  std::optional<PageOutcome> outcome;
  std::optional<Duration> ended_after;  // from Begin
  int calls = 0;

  explicit Harness(bool await_interaction = false) {
    begun = loop.Now();
    page.Begin(PageTiming{}, await_interaction, [this](PageOutcome o) {
      ++calls;
      outcome = std::move(o);
      ended_after = std::chrono::duration_cast<Duration>(loop.Now() - begun);
    });
  }
  // Advances to `ms` after Begin.
  void At(int64_t ms) { loop.Advance(std::chrono::duration_cast<Duration>(begun + Duration(ms) - loop.Now())); }
  // Navigates at 0 and fires the load event at 500 ms.
  void Load() {
    page.OnNavigated();
    At(500);
    page.OnLoadEvent();
  }
};

TEST_CASE("loaded, dwelled and quiet: ok when the dwell ends", "[page_lifecycle]") {
  Harness h;
  CHECK(h.page.state() == State::kStarting);
  h.At(100);
  h.page.OnNavigated();  // dwell and quiet period run from here
  CHECK(h.page.state() == State::kNavigating);
  h.At(600);
  h.page.OnLoadEvent();
  h.At(3099);
  CHECK(h.page.state() == State::kLoaded);
  CHECK(h.calls == 0);
  h.At(3100);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "ok");
  CHECK(h.outcome->error == std::nullopt);
  CHECK(h.ended_after == Duration(3100));
  CHECK(h.page.done());
  CHECK(h.loop.timer_count() == 0);
}

TEST_CASE("activity postpones done by the quiet period", "[page_lifecycle]") {
  Harness h;
  h.Load();
  h.At(2500);
  h.page.OnActivity();
  h.At(4499);
  CHECK(h.calls == 0);
  h.At(4500);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "ok");
  CHECK(h.ended_after == Duration(4500));
}

TEST_CASE("without a load event the deadline ends the visit as timed out", "[page_lifecycle]") {
  Harness h;
  h.page.OnNavigated();
  h.At(29999);
  CHECK(h.calls == 0);
  h.At(30000);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "timeout");
  CHECK(h.outcome->error == "visit deadline of 30 s");
  CHECK(h.ended_after == Duration(30000));
}

TEST_CASE("a request that never finishes does not hold the visit", "[page_lifecycle]") {
  Harness h;
  h.Load();
  h.At(1500);
  h.page.OnActivity();  // requestWillBeSent of a long poll; nothing follows it
  h.At(3500);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "ok");
  CHECK(h.ended_after == Duration(3500));
}

TEST_CASE("a loading popup holds the visit until its load event", "[page_lifecycle]") {
  Harness h;
  h.Load();
  h.At(1000);
  h.page.OnActivity();  // the popup's target attached
  h.page.OnPopupOpened("S-POPUP");
  h.At(6000);
  CHECK(h.calls == 0);
  h.page.OnPopupLoaded("S-POPUP");  // activity too: quiet until 8 s
  h.At(7999);
  CHECK(h.calls == 0);
  h.At(8000);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "ok");
}

TEST_CASE("a popup that never loads holds the visit until the deadline, which ends it ok", "[page_lifecycle]") {
  Harness h;
  h.Load();
  h.page.OnPopupOpened("S-POPUP");
  h.At(29999);
  CHECK(h.calls == 0);
  h.At(30000);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "ok");
  CHECK(h.ended_after == Duration(30000));
}

TEST_CASE("a popup that closes while loading holds nothing", "[page_lifecycle]") {
  Harness h;
  h.Load();
  h.page.OnPopupOpened("S-POPUP");
  h.At(5000);
  CHECK(h.calls == 0);
  h.page.OnPopupGone("S-POPUP");
  h.At(5250);  // the next regular tick
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "ok");
}

TEST_CASE("a pending interaction holds the visit; its end is activity", "[page_lifecycle]") {
  Harness h(/*await_interaction=*/true);
  h.Load();
  CHECK(h.page.state() == State::kInteracting);
  h.At(10000);
  CHECK(h.calls == 0);
  h.page.OnInteractionFinished();
  CHECK(h.page.state() == State::kLoaded);
  h.At(11999);
  CHECK(h.calls == 0);
  h.At(12000);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "ok");
}

TEST_CASE("an interaction that never ends times the visit out", "[page_lifecycle]") {
  Harness h(/*await_interaction=*/true);
  h.Load();
  h.At(30000);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "timeout");
}

TEST_CASE("a main document status of 400 or more ends a done page as an error", "[page_lifecycle]") {
  Harness h;
  h.page.OnDocumentStatus(500);
  h.Load();
  h.At(3000);
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "error");
  CHECK(h.outcome->error == "HTTP 500");
}

TEST_CASE("a failure ends the visit at once, and only once", "[page_lifecycle]") {
  Harness h;
  h.page.OnNavigated();
  h.page.Fail("net::ERR_NAME_NOT_RESOLVED");
  REQUIRE(h.calls == 1);
  CHECK(h.outcome->outcome == "error");
  CHECK(h.outcome->error == "net::ERR_NAME_NOT_RESOLVED");
  h.page.Fail("again");
  h.At(60000);
  CHECK(h.calls == 1);
  CHECK(h.loop.timer_count() == 0);
}

TEST_CASE("a stopped visit reports no outcome", "[page_lifecycle]") {
  Harness h;
  h.Load();
  h.page.Stop();
  h.At(60000);
  CHECK(h.calls == 0);
  CHECK(h.page.done());
}

}  // namespace
}  // namespace worker
