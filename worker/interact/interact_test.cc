#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <map>

#include "tests/support/fake_loop.h"
#include "worker/interact/interaction_report.h"
#include "worker/interact/interaction_script.h"
#include "worker/interact/interactor.h"
#include "worker/record/record_json.h"

namespace worker::interact {
namespace {

using common::Duration;
using testing_support::FakeLoop;

constexpr const char* kTypeReport = R"({"frame_url":"https://www.clinic.test/forms.html","done":true,"actions":[
  {"action":"type","field_kind":"email","button_text":null,"value":"jane@example.com","tag":"input",
   "id":"email","name":"email","input_type":"email","selector":"input#email","wall_time":1700000000.25,
   "ok":true,"error":null},
  {"action":"submit","field_kind":null,"button_text":null,"value":null,"tag":"form","id":null,"name":null,
   "input_type":null,"selector":"form#book","wall_time":1700000001,"ok":true,"error":null}]})";

TEST_CASE("a frame report becomes interaction records with the frame's URL", "[interact]") {
  auto report = ParseFrameReport(kTypeReport);
  REQUIRE(report.ok());
  CHECK(report->done);
  REQUIRE(report->actions.size() == 2);
  const InteractionRecord& typed = report->actions[0];
  CHECK(typed.action == "type");
  CHECK(typed.field_kind == std::optional<std::string>("email"));
  CHECK(typed.value == std::optional<std::string>("jane@example.com"));
  CHECK(typed.button_text == std::nullopt);
  CHECK(typed.element_tag == "input");
  CHECK(typed.element_id == std::optional<std::string>("email"));
  CHECK(typed.element_type == std::optional<std::string>("email"));
  CHECK(typed.selector == "input#email");
  CHECK(typed.frame_url == "https://www.clinic.test/forms.html");
  CHECK(typed.wall_time == 1700000000.25);
  CHECK(typed.ok);
  const InteractionRecord& submit = report->actions[1];
  CHECK(submit.action == "submit");
  CHECK(submit.element_id == std::nullopt);
  CHECK(submit.wall_time == 1700000001.0);  // an integral number is a time too
}

TEST_CASE("what is not a report is kDecode", "[interact]") {
  CHECK(ParseFrameReport("true").status().code() == common::Code::kDecode);
  CHECK(ParseFrameReport(R"({"done":true})").status().message() == "interaction report: no actions");
  auto unknown = ParseFrameReport(R"({"done":false,"actions":[{"action":"hover","wall_time":1}]})");
  CHECK(unknown.status().message() == "interaction report: unknown action 'hover'");
  auto no_time = ParseFrameReport(R"({"done":false,"actions":[{"action":"click"}]})");
  CHECK(no_time.status().message() == "interaction report: no wall_time");
}

TEST_CASE("the frame tree lists parents before children", "[interact]") {
  auto frames = ParseFrameTree(R"({"frameTree":{"frame":{"id":"M","url":"https://a.test/"},"childFrames":[
    {"frame":{"id":"C1","parentId":"M","url":"https://a.test/f"},"childFrames":[{"frame":{"id":"G","url":"about:blank"}}]},
    {"frame":{"id":"C2","parentId":"M","url":"https://b.test/"}}]}})");
  REQUIRE(frames.ok());
  std::vector<std::string> ids;
  for (const auto& f : *frames) ids.push_back(f.id);
  CHECK(ids == std::vector<std::string>{"M", "C1", "G", "C2"});
  CHECK((*frames)[3].url == "https://b.test/");
  CHECK(ParseIsolatedWorld(R"({"executionContextId":42})").value() == 42);
  CHECK_FALSE(ParseFrameTree("{}").ok());
}

TEST_CASE("the install expression carries the canary and the word lists", "[interact]") {
  InteractOptions o;
  o.canary.email = "x\"y@example.com";
  o.click_words = {"book"};
  o.never_click_words = {"pay"};
  o.max_clicks = 2;
  std::string e = InstallExpression(o);
  CHECK(e.rfind("((config) => {", 0) == 0);
  std::string config = e.substr(e.rfind(")({") + 2);
  CHECK(config == R"({"canary":{"email":"x\"y@example.com","phone":"+1 617 555 0142","first_name":"Jane",)"
                  R"("last_name":"Doe","full_name":"Jane Doe","postcode":"02139","search":"opening hours"},)"
                  R"("click_words":["book"],"never_click_words":["pay"],"max_clicks":2,"char_delay_ms":10}))");
}

TEST_CASE("interaction modes, consent modes and default word lists", "[interact]") {
  CHECK(ParseInteractMode("all").value() == InteractMode::kAll);
  CHECK(ParseInteractMode("type").value() == InteractMode::kType);
  CHECK(ParseInteractMode("everything").status().code() == common::Code::kInvalidArgument);
  CHECK(ParseConsentMode("reject").value() == ConsentMode::kReject);
  CHECK_FALSE(ParseConsentMode("ignore").ok());
  CHECK(std::string(ConsentModeName(ConsentMode::kAccept)) == "accept");
  auto never = DefaultNeverClickWords();
  for (const char* w : {"pay", "buy", "checkout", "purchase", "donate", "order", "cart", "card", "billing"}) {
    CHECK(std::find(never.begin(), never.end(), w) != never.end());
  }
  auto click = DefaultClickWords();
  CHECK(std::find(click.begin(), click.end(), "subscribe") == click.end());
  CHECK(std::find(click.begin(), click.end(), "appointment") != click.end());
}

TEST_CASE("interaction and consent records serialize field for field", "[interact]") {
  auto report = ParseFrameReport(kTypeReport);
  REQUIRE(report.ok());
  InteractionRecord r = report->actions[0];
  r.visit_id = "s-1-a1";
  CHECK(ToJson(r) ==
        R"({"type":"interaction","schema_version":1,"visit_id":"s-1-a1","action":"type","field_kind":"email",)"
        R"("value":"jane@example.com","button_text":null,"element_tag":"input","element_id":"email",)"
        R"("element_name":"email","element_type":"email","selector":"input#email",)"
        R"("frame_url":"https://www.clinic.test/forms.html","wall_time":1700000000.25,"ok":true,"error":null})");
  ConsentRecord c{"s-1-a1", "reject", "Example CMP", "opt_out", "done", "https://a.test/", 1.5, 2.0, std::nullopt};
  CHECK(ToJson(c) ==
        R"({"type":"consent","schema_version":1,"visit_id":"s-1-a1","mode":"reject","cmp":"Example CMP",)"
        R"("action":"opt_out","result":"done","frame_url":"https://a.test/","found_wall_time":1.5,)"
        R"("done_wall_time":2.0,"error":null})");
}

// A scripted browser: answers each command from a queue per method, in order.
struct FakeBrowser {
  std::vector<std::string> log;  // "session method"
  std::map<std::string, std::deque<common::Result<std::string>>> answers;  // by method
  Interactor::SendFn Send() {
    return [this](const std::string& session, std::string_view method, std::string params,
                  cdp::ResultCallback done, Duration) {
      std::string m(method);
      if (m == "Runtime.evaluate") {
        const std::string call = R"("expression":"globalThis.__trackscanInteract.)";
        auto at = params.find(call);
        m += at == std::string::npos ? " install"
                                     : " " + params.substr(at + call.size(), params.find('(', at) - at - call.size());
      }
      log.push_back(session + " " + m);
      auto& queue = answers[m];
      if (queue.empty()) return done(common::Status::Protocol(m + ": unscripted"));
      auto answer = std::move(queue.front());
      queue.pop_front();
      done(std::move(answer));
    };
  }
};

std::string Evaluated(const std::string& report) { return R"({"result":{"type":"object","value":)" + report + "}}"; }

std::string ClickReport(const std::string& text, bool done) {
  if (done) return Evaluated(R"({"frame_url":"u","done":true,"actions":[]})");
  return Evaluated(R"({"frame_url":"u","done":false,"actions":[{"action":"click","button_text":")" + text +
                   R"(","tag":"button","selector":"button","wall_time":5}]})");
}

TEST_CASE("the interactor visits every frame once, types, then clicks within the budget", "[interact]") {
  FakeLoop loop;
  FakeBrowser browser;
  // The page has a same-process child frame and an out-of-process one (its own target).
  browser.answers["Page.getFrameTree"] = {
      std::string(R"({"frameTree":{"frame":{"id":"PAGE","url":"p"},"childFrames":[{"frame":{"id":"LOCAL","url":"l"}},)"
                  R"({"frame":{"id":"OOPIF","url":"o"}}]}})"),
      std::string(R"({"frameTree":{"frame":{"id":"OOPIF","url":"o"}}})")};
  for (int id : {1, 2, 3}) {
    browser.answers["Page.createIsolatedWorld"].push_back(R"({"executionContextId":)" + std::to_string(id) + "}");
  }
  for (int i = 0; i < 3; ++i) browser.answers["Runtime.evaluate install"].push_back(Evaluated("true"));
  browser.answers["Runtime.evaluate type"] = {Evaluated(R"({"frame_url":"p","done":true,"actions":[)"
                                                        R"({"action":"type","field_kind":"email","tag":"input",)"
                                                        R"("selector":"input","wall_time":3}]})"),
                                              common::Status::Protocol("Execution context was destroyed."),
                                              Evaluated(R"({"frame_url":"o","done":true,"actions":[]})")};
  // The page offers two clicks, then none; the OOPIF would offer more, but the budget is 2.
  browser.answers["Runtime.evaluate clickNext"] = {ClickReport("Book", false), ClickReport("Next", false),
                                                   ClickReport("", true), ClickReport("Apply", false)};
  for (int i = 0; i < 3; ++i) browser.answers["Runtime.evaluate finish"].push_back(Evaluated(R"({"frame_url":"p","done":true,"actions":[]})"));

  InteractOptions options;
  options.mode = InteractMode::kAll;
  options.max_clicks = 2;
  Interactor interactor(loop, options, browser.Send());
  bool done = false;
  interactor.Run({{"S-PAGE", "PAGE"}, {"S-OOPIF", "OOPIF"}}, [&] { done = true; });
  loop.RunUntilIdle();
  REQUIRE(done);
  CHECK(browser.log == std::vector<std::string>{
      "S-PAGE Page.getFrameTree", "S-PAGE Page.createIsolatedWorld", "S-PAGE Page.createIsolatedWorld",
      "S-OOPIF Page.getFrameTree", "S-OOPIF Page.createIsolatedWorld",
      "S-PAGE Runtime.evaluate install", "S-PAGE Runtime.evaluate install", "S-OOPIF Runtime.evaluate install",
      "S-PAGE Runtime.evaluate type", "S-PAGE Runtime.evaluate type", "S-OOPIF Runtime.evaluate type",
      // the second world's frame went away while typing: it gets no more commands
      "S-PAGE Runtime.evaluate clickNext", "S-PAGE Runtime.evaluate clickNext",
      "S-PAGE Runtime.evaluate finish", "S-OOPIF Runtime.evaluate finish"});
  std::vector<std::string> actions;
  for (const auto& r : interactor.records()) actions.push_back(r.action + ":" + r.button_text.value_or(r.field_kind.value_or("")));
  CHECK(actions == std::vector<std::string>{"type:email", "click:Book", "click:Next"});
  CHECK(interactor.first_submit_wall_time() == std::nullopt);
}

TEST_CASE("a submit event is reported with its time, and a target that is gone ends the step", "[interact]") {
  FakeLoop loop;
  FakeBrowser browser;
  browser.answers["Page.getFrameTree"] = {std::string(R"({"frameTree":{"frame":{"id":"PAGE","url":"p"}}})")};
  browser.answers["Page.createIsolatedWorld"] = {std::string(R"({"executionContextId":7})")};
  browser.answers["Runtime.evaluate install"] = {Evaluated("true")};
  browser.answers["Runtime.evaluate type"] = {Evaluated(kTypeReport)};
  browser.answers["Runtime.evaluate finish"] = {Evaluated(R"({"frame_url":"p","done":true,"actions":[)"
                                                          R"({"action":"submit","tag":"form","selector":"form",)"
                                                          R"("wall_time":0.5}]})")};
  InteractOptions options;
  options.mode = InteractMode::kType;
  Interactor interactor(loop, options, browser.Send());
  bool done = false;
  interactor.Run({{"S", "PAGE"}, {"GONE", "X"}}, [&] { done = true; });
  loop.RunUntilIdle();
  REQUIRE(done);
  CHECK(interactor.records().size() == 3);
  CHECK(interactor.first_submit_wall_time() == std::optional<double>(0.5));  // the earliest
}

}  // namespace
}  // namespace worker::interact
