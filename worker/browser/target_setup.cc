#include "worker/browser/target_setup.h"

#include <algorithm>

#include "cdp/json_object.h"
#include "worker/instrument/hook_source.h"

namespace worker {

namespace {

constexpr const char* kAutoAttach = R"({"autoAttach":true,"waitForDebuggerOnStart":true,"flatten":true})";

void Ignore(common::Result<std::string>) {}

// A paused worker answers only what the browser process handles (Network);
// anything for its own thread waits until it runs, so it is sent unawaited.
// The instrumentation is the exception that matters: sent now, it is queued
// for the worker's thread ahead of runIfWaitingForDebugger and evaluated
// before the worker's script (test_fingerprint.py checks its first task).
void InstrumentWorker(cdp::Session& s, const TargetSetup& setup) {
  s.Send("Runtime.addBinding", cdp::JsonObject().Set("name", setup.cookie_binding).Build(), Ignore,
         kTargetCommandTimeout);
  s.Send("Runtime.enable", "{}", Ignore, kTargetCommandTimeout);
  s.Send("Runtime.evaluate", cdp::JsonObject().Set("expression", InstrumentSource(setup.cookie_binding)).Build(),
         Ignore, kTargetCommandTimeout);
}

// Every command here is awaited. The instrumentation and autoconsent
// (worker/interact/autoconsent.h) run in every frame at document start, each
// reporting through its own binding; the debugger gives requests their async
// initiator stacks (initiator_stack_urls).
template <typename Send>
void InstrumentFrame(const TargetSetup& setup, Send& send) {
  send("Page.enable", "{}");
  send("Runtime.addBinding", cdp::JsonObject().Set("name", setup.cookie_binding).Build());
  send("Page.addScriptToEvaluateOnNewDocument",
       cdp::JsonObject().Set("source", InstrumentSource(setup.cookie_binding)).Set("runImmediately", true).Build());
  send("Runtime.enable", "{}");
  send("Debugger.enable", "{}");
  send("Debugger.setAsyncCallStackDepth", R"({"maxDepth":32})");
  send("Target.setAutoAttach", kAutoAttach);
  if (!setup.consent_source) return;
  send("Runtime.addBinding", cdp::JsonObject().Set("name", setup.consent_binding).Build());
  send("Page.addScriptToEvaluateOnNewDocument",
       cdp::JsonObject().Set("source", *setup.consent_source).Set("runImmediately", true).Build());
}

}  // namespace

bool IsFrameTarget(std::string_view type) { return type == "page" || type == "popup" || type == "iframe"; }

// The target runs only once its set-up is acknowledged: the renderer-side
// agents (subresource requests, frame events) are enabled only when their
// replies arrive, and a page that ran earlier would load its first
// subresources unrecorded (seen under load, when replies take seconds).
void SetUpPausedTarget(cdp::Session& session, const TargetSetup& setup, std::function<void()> on_answered) {
  struct Pending {
    int unanswered = 0;
    std::function<void()> on_answered;  // null once called
  };
  auto pending = std::make_shared<Pending>(Pending{0, std::move(on_answered)});
  auto send = [&session, pending](std::string_view method, std::string params) {
    ++pending->unanswered;
    session.Send(method, std::move(params), [pending](common::Result<std::string>) {
      if (--pending->unanswered > 0 || !pending->on_answered) return;
      auto answered = std::move(pending->on_answered);
      pending->on_answered = nullptr;
      answered();
    }, kTargetCommandTimeout);
  };
  send("Network.enable", cdp::JsonObject()
                             .Set("maxPostDataSize", static_cast<int64_t>(std::min(setup.post_data_cap, kInlinePostDataMax)))
                             .Build());
  if (IsFrameTarget(setup.type)) {
    InstrumentFrame(setup, send);
  } else {
    InstrumentWorker(session, setup);
  }
}

void ResumeTarget(cdp::Session& session, std::string_view type) {
  session.Send("Runtime.runIfWaitingForDebugger", "{}", Ignore, kTargetCommandTimeout);
  if (!IsFrameTarget(type)) session.Send("Target.setAutoAttach", kAutoAttach, Ignore, kTargetCommandTimeout);
}

}  // namespace worker
