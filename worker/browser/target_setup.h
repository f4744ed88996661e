// Target set-up: the CDP commands that make a newly attached target
// recordable (network, instrumentation, autoconsent, auto-attach of its
// children), sent while auto-attach holds it paused, and the command that then
// lets it run. Called by the Visit, which owns the session's target; loop
// thread only. Failed or timed-out commands count as answered: a target
// always runs, recorded as well as it could be set up.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cdp/connection.h"
#include "common/loop.h"

namespace worker {

// The deadline of each set-up command, and of the visit's other short ones.
inline constexpr common::Duration kTargetCommandTimeout{10000};

// Request bodies up to this size come inline in Network.requestWillBeSent
// (never more than --post-data-cap); longer ones are fetched with
// Network.getRequestPostData, and only while the visit's POST data budget
// lasts. Inline bodies reach trackscan unasked, whatever the budget: at the
// old inline size (the 1 MiB cap) a page POSTing 400 MiB had Chromium push
// all of it down the DevTools socket, and the visit's end-of-visit commands
// queued behind it (the flood visit ran 10 s past its deadline).
inline constexpr size_t kInlinePostDataMax = 64 << 10;

struct TargetSetup {
  std::string type;  // "page", "popup", "iframe", "worker", "service_worker", ...
  std::string cookie_binding;  // the instrumentation script reports through it
  size_t post_data_cap = 0;
  // autoconsent's script and binding (frames only); null without --consent.
  std::shared_ptr<const std::string> consent_source;
  std::string consent_binding;
};

// Page, popup and iframe targets have frames; workers do not.
bool IsFrameTarget(std::string_view type);

// Sends the set-up on `session` (borrowed for this call only). `on_answered`
// runs once, when every command the target must see answered before it runs
// is answered or timed out; never synchronously.
void SetUpPausedTarget(cdp::Session& session, const TargetSetup& setup, std::function<void()> on_answered);

// Lets the paused target run; a worker also gets auto-attach for its own
// workers now, as a paused worker answers nothing but the network domain.
void ResumeTarget(cdp::Session& session, std::string_view type);

}  // namespace worker
