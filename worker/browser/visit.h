// Visit: records one page visit in its own browser context, from the first
// request of every target in it (page, popups, OOPIFs, workers, service
// workers) to the final cookie jar. It coordinates the parts that do the
// work: per-target set-up, the trackers, the interaction step, and the
// PageLifecycle that decides when the page is done. Created and owned by
// Browser, which routes the visit's targets and events to it. Borrows the
// browser Connection and the Loop (both outlive it). Loop thread only.
//
// Two phases, so that a page can be made ready ahead of its visit (a new
// context's first renderer takes about a second to start): Prepare() opens
// a blank page and sets up its recorders; Begin() gives it the visit and
// navigates as soon as the set-up is answered. `on_done` fires exactly once
// after Begin, with everything recorded, whatever the outcome; the Visit may
// be destroyed right after. A Visit aborted before Begin reports nothing.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cdp/connection.h"
#include "common/loop.h"
#include "worker/browser/page_lifecycle.h"
#include "worker/browser/visit_interaction.h"
#include "worker/egress/egress_guard.h"
#include "worker/instrument/api_calls.h"
#include "worker/interact/interact_options.h"
#include "worker/network/cookie_ledger.h"
#include "worker/network/request_tracker.h"
#include "worker/network/visit_budget.h"
#include "worker/network/websocket_tracker.h"
#include "worker/record/visit_result.h"

namespace worker {

struct VisitOptions {
  common::Duration timeout{30000};       // hard deadline, from the start of the visit
  common::Duration min_dwell{3000};      // never done before this, from the navigation
  common::Duration quiet_period{2000};   // no network activity for this long
  size_t post_data_cap = 1 << 20;
  size_t websocket_payload_cap = 64 << 10;
  BudgetLimits budgets;                  // per visit (worker/network/visit_budget.h)
  interact::InteractOptions interact;    // typing, clicking, consent (issue 4)
  bool collect_links = false;            // read the page's links at the end (--pages)
};

class Visit {
 public:
  // `cookie_binding` is the Runtime binding the instrumentation script
  // (cookie writes and API use) reports through. `guard`, when the browser
  // goes out through one, explains the connections it refused; it must
  // outlive the visit.
  Visit(cdp::Connection& browser, common::Loop& loop, const VisitOptions& options,
        std::string context_id, std::string cookie_binding,
        const egress::EgressGuard* guard = nullptr);
  ~Visit();
  Visit(const Visit&) = delete;
  Visit& operator=(const Visit&) = delete;

  // Opens the page: about:blank, paused by auto-attach until set up.
  void Prepare();
  // Starts the visit with `options` (they replace the prepared page's): the
  // deadline runs from now; the page navigates to seed.input_url once its
  // set-up is answered (at once if it already is).
  void Begin(VisitRecord seed, const VisitOptions& options, std::function<void(VisitResult)> on_done);
  bool begun() const { return begun_; }
  const std::string& context_id() const { return context_id_; }

  // A target of this visit's context was attached and is paused: install the
  // recorders, then let it run. `session` lives until OnTargetDetached.
  // False when the target is already recorded through another session, or
  // the visit has completed: the caller then lets this one run and detaches it.
  bool OnTargetAttached(cdp::Session& session, const cdp::protocol::TargetInfo& info);
  void OnTargetDetached(const std::string& session_id);
  void OnTargetInfoChanged(const cdp::protocol::TargetInfo& info);
  void OnDownload(const cdp::protocol::DownloadWillBegin& e);
  bool HasFrame(const std::string& frame_id) const { return frames_.count(frame_id) > 0; }
  // An event of one of its targets was dropped undecoded (visit.decode_errors).
  void OnDecodeFailed();
  // Finish now with what was recorded, making no CDP call: the browser is
  // gone (`browser_lost`, worth a retry) or the scan is being stopped.
  void Abort(const std::string& reason, bool browser_lost);

 private:
  struct Target;
  template <typename Event> void Handle(Target& t, const Event&) {}
  void Handle(Target& t, const cdp::protocol::RequestWillBeSent& e);
  void Handle(Target& t, const cdp::protocol::RequestWillBeSentExtraInfo& e);
  void Handle(Target& t, const cdp::protocol::ResponseReceived& e);
  void Handle(Target& t, const cdp::protocol::ResponseReceivedExtraInfo& e);
  void Handle(Target& t, const cdp::protocol::DataReceived& e);
  void Handle(Target& t, const cdp::protocol::LoadingFinished& e);
  void Handle(Target& t, const cdp::protocol::LoadingFailed& e);
  void Handle(Target& t, const cdp::protocol::RequestServedFromCache& e);
  void Handle(Target& t, const cdp::protocol::WebSocketCreated& e);
  void Handle(Target& t, const cdp::protocol::WebSocketFrame& e);
  void Handle(Target& t, const cdp::protocol::WebSocketClosed& e);
  void Handle(Target& t, const cdp::protocol::LoadEventFired& e);
  void Handle(Target& t, const cdp::protocol::FrameNavigated& e);
  void Handle(Target& t, const cdp::protocol::JavascriptDialogOpening& e);
  void Handle(Target& t, const cdp::protocol::BindingCalled& e);
  void Handle(Target& t, const cdp::protocol::DownloadWillBegin& e) { OnDownload(e); }
  void Handle(Target& t, const cdp::protocol::DecodeFailed& e);

  void SetUpTarget(Target& t);
  void OnTargetSetUp(const std::string& session_id);
  void Navigate();
  void Finish(PageOutcome outcome);
  void ReadTitle();
  void ReadLinks();
  void CollectCookies();
  void MaybeComplete();
  void Complete(std::vector<cdp::protocol::Cookie> jar);
  void EndSubscriptions();
  // Follows a frame's URL (frame_url of its requests) while the frames
  // budget allows; `count_drop`: a frame over it counts as dropped.
  void FollowFrame(const std::string& frame_id, const std::string& url, bool count_drop);
  std::string TargetUrl(const std::string& target_id) const;
  // The guard's account of a connection the browser reports failed through
  // its proxy (`error_text` a SOCKS/proxy error), if it refused `url`'s.
  std::optional<egress::Refusal> GuardRefusal(const std::string& url, const std::string& error_text) const;
  // Interaction (issue 4): what it may use of the visit's targets.
  std::vector<interact::Interactor::FrameTarget> InteractionFrames() const;
  interact::Interactor::SendFn SendToTarget();

  cdp::Connection& browser_;
  const egress::EgressGuard* guard_;
  VisitOptions options_;
  VisitRecord record_;
  std::string context_id_;
  std::string cookie_binding_;
  std::function<void(VisitResult)> on_done_;

  std::map<std::string, std::unique_ptr<Target>> targets_;  // by session id; kept after detach
  Target* main_ = nullptr;
  std::unordered_map<std::string, std::string> frames_;  // frame id -> last URL
  std::string main_document_url_;  // the main frame's latest document request (redirects included)
  // Before the trackers and the ledger, which borrow it; reset by Begin.
  VisitBudget budget_;
  CookieLedger cookies_;
  WebSocketTracker websockets_;
  ApiCallLog api_calls_;
  VisitResult result_;

  PageLifecycle lifecycle_;
  bool begun_ = false, page_ready_ = false;
  std::optional<std::string> prepare_error_;  // the page could not be opened
  bool finishing_ = false;  // the record has ended (Finish or Abort); reads may be pending
  bool completed_ = false;
  int pending_reads_ = 0;  // POST bodies and end-of-visit reads not answered yet
  bool cookies_collected_ = false;
  std::vector<cdp::protocol::Cookie> jar_;
  VisitInteraction interaction_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace worker
