#include "worker/browser/visit.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "cdp/json_object.h"
#include "cdp/protocol/decode.h"
#include "common/time.h"
#include "common/url.h"
#include "worker/browser/target_setup.h"
#include "worker/instrument/cookie_hook.h"
#include "worker/normalize/registrable_domain.h"

namespace worker {

namespace p = cdp::protocol;
using common::Duration;
using common::Result;

struct Visit::Target {
  cdp::Session* session = nullptr;  // null once detached
  std::vector<cdp::SubscriptionId> subscriptions;  // on `session`, ended with the Visit
  std::string session_id, target_id, type, url;
  RequestTracker tracker;
  Target(TrackerContext context) : tracker(std::move(context)) {}
};

namespace {

void Ignore(Result<std::string>) {}

// The deadline of the page's end-of-visit reads (title, links). Short: a page
// whose main thread never yields (an endless document.write) answers nothing,
// and kTargetCommandTimeout would hold the visit that much past its --timeout
// (test_hostile.py, document_write). The cookie jar is read from the browser
// process, which a hung page does not hold up.
constexpr Duration kEndReadTimeout{2000};

}  // namespace

Visit::Visit(cdp::Connection& browser, common::Loop& loop, const VisitOptions& options,
             std::string context_id, std::string cookie_binding, const egress::EgressGuard* guard)
    : browser_(browser),
      guard_(guard),
      options_(options),
      context_id_(std::move(context_id)),
      cookie_binding_(std::move(cookie_binding)),
      budget_(options.budgets),
      cookies_("", "", &budget_),
      websockets_("", "", options.websocket_payload_cap, &budget_),
      lifecycle_(loop),
      interaction_(loop, cookie_binding_ + "_ac") {}

Visit::~Visit() {
  *alive_ = false;
  EndSubscriptions();  // a prepared page that never completed
}

// The Browser destroys a finished Visit before Chromium detaches its targets,
// and an aborted one only after its own Connection may be gone: so the
// handlers that hold this Visit leave the sessions when the visit completes,
// while the sessions surely live.
void Visit::EndSubscriptions() {
  for (auto& [id, t] : targets_) {
    if (t->session != nullptr) {
      for (cdp::SubscriptionId s : t->subscriptions) t->session->Off(s);
    }
    t->subscriptions.clear();
  }
}

void Visit::Prepare() {
  // The page opens blank and paused (auto-attach), so the recorders are in
  // place before the entry URL's first request; Navigate() follows its set-up.
  auto alive = alive_;
  browser_.Send("Target.createTarget",
                cdp::JsonObject().Set("url", "about:blank").Set("browserContextId", context_id_).Build(),
                [this, alive](Result<std::string> r) {
                  if (!*alive || r.ok() || finishing_) return;
                  prepare_error_ = "could not open a page: " + r.status().ToString();
                  if (begun_) lifecycle_.Fail(*prepare_error_);
                });
}

void Visit::Begin(VisitRecord seed, const VisitOptions& options, std::function<void(VisitResult)> on_done) {
  begun_ = true;
  options_ = options;
  record_ = std::move(seed);
  record_.private_network_guard = guard_ != nullptr;
  on_done_ = std::move(on_done);
  budget_ = VisitBudget(options_.budgets);
  cookies_ = CookieLedger(record_.visit_id, record_.site, &budget_);
  websockets_ = WebSocketTracker(record_.visit_id, record_.site, options_.websocket_payload_cap, &budget_);
  // The blank page recorded nothing yet; its trackers take the visit's identity.
  for (auto& [id, t] : targets_) {
    budget_.Take(Budget::kTargets);
    t->tracker = RequestTracker(TrackerContext{record_.visit_id, record_.site, t->type, t->url,
                                               options_.post_data_cap, &budget_});
  }
  record_.started_at = common::NowRfc3339();
  interaction_.Begin(options_.interact);
  lifecycle_.Begin(PageTiming{options_.timeout, options_.min_dwell, options_.quiet_period}, interaction_.expected(),
                   [this](PageOutcome outcome) { Finish(std::move(outcome)); });
  if (prepare_error_) return lifecycle_.Fail(*prepare_error_);
  if (page_ready_) Navigate();
}

bool Visit::OnTargetAttached(cdp::Session& session, const p::TargetInfo& info) {
  // A completed visit subscribes to nothing more: its subscriptions ended in
  // Complete, and one added now would outlive the sessions when the browser
  // is lost before the Browser destroys this Visit (a popup attaching in the
  // turn between Complete and that).
  if (completed_) return false;
  // A service worker is reached by both the browser's and the page's
  // auto-attach; the first session records it.
  for (const auto& [id, existing] : targets_) {
    if (existing->target_id == info.target_id && existing->session != nullptr) return false;
  }
  std::string type = info.type;
  if (type == "page" && main_ != nullptr) type = "popup";
  // Over a budget the target runs unrecorded (the caller lets it go); the
  // page itself is always recorded.
  if (main_ != nullptr && ((type == "popup" && !budget_.Take(Budget::kPopups)) || !budget_.Take(Budget::kTargets))) {
    return false;
  }
  if (main_ == nullptr) budget_.Take(Budget::kTargets);
  auto target = std::make_unique<Target>(TrackerContext{record_.visit_id, record_.site, type, info.url,
                                                        options_.post_data_cap, &budget_});
  Target& t = *target;
  t.session = &session;
  t.session_id = session.id();
  t.target_id = info.target_id;
  t.type = type;
  t.url = info.url;
  targets_[session.id()] = std::move(target);
  if (type == "page") main_ = &t;
  if (IsFrameTarget(type)) FollowFrame(info.target_id, info.url, true);
  if (type == "popup") {
    result_.popups.push_back(PopupRecord{record_.visit_id, info.url, TargetUrl(info.opener_id),
                                         info.target_id, true});
    lifecycle_.OnPopupOpened(t.session_id);
  }
  lifecycle_.OnActivity();  // a new target: its first requests are yet to come
  auto handle = [this, &t](const p::Event& event) {
    // The record ends when the page is done: Page.stopLoading then cancels
    // what is still in flight, which must stay "unfinished", not "failed".
    if (finishing_) return;
    std::visit([&](const auto& e) { Handle(t, e); }, event);
  };
  // The domains Handle() reads; Target.* is the Browser's (target routing).
  for (const char* domain : {"Network", "Page", "Runtime", "Browser"}) {
    t.subscriptions.push_back(session.On(domain, handle));
  }
  SetUpTarget(t);
  return true;
}

// Recorded from its first request: it runs only once its set-up is answered.
void Visit::SetUpTarget(Target& t) {
  TargetSetup setup{t.type, cookie_binding_, options_.post_data_cap, nullptr, interaction_.consent_binding()};
  if (IsFrameTarget(t.type)) setup.consent_source = AutoconsentScript(options_.interact, setup.consent_binding);
  auto alive = alive_;
  std::string session_id = t.session_id;
  SetUpPausedTarget(*t.session, setup, [this, alive, session_id] {
    if (*alive) OnTargetSetUp(session_id);
  });
}

// The target may have gone meanwhile; the main page navigates once it is set
// up and the visit has begun.
void Visit::OnTargetSetUp(const std::string& session_id) {
  auto it = targets_.find(session_id);
  if (it == targets_.end() || it->second->session == nullptr) return;
  Target& target = *it->second;
  ResumeTarget(*target.session, target.type);
  if (&target != main_) return;
  page_ready_ = true;
  if (begun_ && !finishing_) Navigate();
}

void Visit::Navigate() {
  if (main_->session == nullptr) return lifecycle_.Fail("the page closed before it could navigate");
  lifecycle_.OnNavigated();
  auto alive = alive_;
  // Page.navigate answers when the navigation commits or fails; a slow first
  // byte must not pass for a failure, so its deadline is the visit's.
  main_->session->Send(
      "Page.navigate", cdp::JsonObject().Set("url", record_.input_url).Build(),
      [this, alive](Result<std::string> r) {
        if (!*alive || !r.ok()) return;  // the deadline decides; a hung navigate is a timeout
        auto nav = p::DecodeNavigate(r.value());
        if (!nav.ok() || nav->error_text.empty()) return;
        auto refusal = GuardRefusal(main_document_url_, nav->error_text);
        if (!refusal) return lifecycle_.Fail(nav->error_text);
        lifecycle_.Fail(refusal->blocked ? refusal->net_error + ": " + refusal->reason : refusal->net_error);
      },
      options_.timeout);
}

void Visit::OnTargetDetached(const std::string& session_id) {
  auto it = targets_.find(session_id);
  if (it == targets_.end()) return;
  it->second->session = nullptr;  // records stay until the end
  lifecycle_.OnPopupGone(session_id);
}

void Visit::OnTargetInfoChanged(const p::TargetInfo& info) {
  for (auto& [id, t] : targets_) {
    if (t->target_id != info.target_id) continue;
    t->url = info.url;
    t->tracker.set_target_url(info.url);
  }
  for (auto& popup : result_.popups) {
    if (popup.target_id == info.target_id && !info.url.empty() && info.url != "about:blank") popup.url = info.url;
  }
}

void Visit::OnDownload(const p::DownloadWillBegin& e) {
  for (const auto& d : result_.downloads) {
    if (d.url == e.url && d.suggested_filename == e.suggested_filename) return;  // Page and Browser both report
  }
  if (!budget_.Take(Budget::kDownloads)) return;  // denied all the same (Browser.setDownloadBehavior)
  result_.downloads.push_back(DownloadRecord{record_.visit_id, e.url, e.suggested_filename, "denied"});
}

void Visit::FollowFrame(const std::string& frame_id, const std::string& url, bool count_drop) {
  if (auto it = frames_.find(frame_id); it != frames_.end()) {
    if (!url.empty()) it->second = url;
    return;
  }
  if (static_cast<int64_t>(frames_.size()) < budget_.limit(Budget::kFrames)) {
    frames_.emplace(frame_id, url);
  } else if (count_drop) {
    budget_.Drop(Budget::kFrames);
  }
}

std::string Visit::TargetUrl(const std::string& target_id) const {
  for (const auto& [id, t] : targets_) {
    if (t->target_id == target_id) return t->url;
  }
  return "";
}

// ---- network events ----

void Visit::Handle(Target& t, const p::RequestWillBeSent& e) {
  lifecycle_.OnActivity();
  if (!e.frame_id.empty()) FollowFrame(e.frame_id, "", false);
  if (&t == main_ && e.type == "Document" && e.frame_id == t.target_id) main_document_url_ = e.request.url;
  if (!t.tracker.OnRequestWillBeSent(e) || t.session == nullptr) return;
  ++pending_reads_;
  auto alive = alive_;
  std::string id = e.request_id;
  t.session->Send("Network.getRequestPostData", cdp::JsonObject().Set("requestId", id).Build(),
                  [this, alive, &t, id](Result<std::string> r) {
                    if (!*alive) return;
                    auto body = r.ok() ? p::DecodeGetRequestPostData(r.value())
                                       : Result<p::PostData>(r.status());
                    if (body.ok()) t.tracker.OnPostData(id, body->data, body->base64_encoded);
                    else t.tracker.OnPostData(id, std::nullopt, false);
                    --pending_reads_;
                    MaybeComplete();
                  },
                  kTargetCommandTimeout);
}

void Visit::Handle(Target& t, const p::RequestWillBeSentExtraInfo& e) { t.tracker.OnRequestExtraInfo(e); }

void Visit::Handle(Target& t, const p::ResponseReceived& e) {
  lifecycle_.OnActivity();
  t.tracker.OnResponseReceived(e);
  if (&t == main_ && e.type == "Document" && e.frame_id == t.target_id) {
    record_.status = e.response.status;
    record_.final_url = e.response.url;
    lifecycle_.OnDocumentStatus(e.response.status);
  }
}

void Visit::Handle(Target& t, const p::ResponseReceivedExtraInfo& e) {
  t.tracker.OnResponseExtraInfo(e);
  // The response URL is not in ExtraInfo; the tracker knows it only once the
  // pair is complete, so the ledger gets the request's URL via the open record.
  cookies_.OnResponseExtraInfo(t.tracker.UrlOf(e.request_id), e);
}

void Visit::Handle(Target&, const p::DataReceived&) { lifecycle_.OnActivity(); }

// The Connection logged it; the visit says that something is missing.
void Visit::Handle(Target&, const p::DecodeFailed&) { OnDecodeFailed(); }

void Visit::OnDecodeFailed() {
  if (!finishing_) ++record_.decode_errors;
}

void Visit::Handle(Target& t, const p::LoadingFinished& e) {
  lifecycle_.OnActivity();
  t.tracker.OnLoadingFinished(e);
}

// A connection the guard refused reaches Chromium as a SOCKS error: the
// guard's account replaces it, so that a name that does not resolve still
// reads net::ERR_NAME_NOT_RESOLVED, and a blocked one says why.
void Visit::Handle(Target& t, const p::LoadingFailed& e) {
  lifecycle_.OnActivity();
  auto refusal = GuardRefusal(t.tracker.UrlOf(e.request_id), e.error_text);
  if (!refusal) return t.tracker.OnLoadingFailed(e);
  if (!refusal->blocked) {
    p::LoadingFailed explained = e;
    explained.error_text = refusal->net_error;
    return t.tracker.OnLoadingFailed(explained);
  }
  ++record_.requests_blocked_by_guard;
  t.tracker.OnLoadingFailed(e, refusal->reason);
}

std::optional<egress::Refusal> Visit::GuardRefusal(const std::string& url, const std::string& error_text) const {
  if (guard_ == nullptr || url.empty()) return std::nullopt;
  if (error_text.find("SOCKS") == std::string::npos && error_text.find("PROXY") == std::string::npos) {
    return std::nullopt;
  }
  auto parsed = common::ParseUrl(url);
  if (!parsed.ok()) return std::nullopt;
  int port = parsed->port;
  if (port == 0) port = (parsed->scheme == "https" || parsed->scheme == "wss") ? 443 : 80;
  return guard_->RefusalOf(parsed->host, port);
}

void Visit::Handle(Target& t, const p::RequestServedFromCache& e) { t.tracker.OnServedFromCache(e); }

// ---- websockets ----

void Visit::Handle(Target& t, const p::WebSocketCreated& e) {
  lifecycle_.OnActivity();
  websockets_.OnCreated({t.session_id, t.type}, e);
}

void Visit::Handle(Target& t, const p::WebSocketFrame& e) {
  lifecycle_.OnActivity();
  websockets_.OnFrame({t.session_id, t.type}, e);
}

void Visit::Handle(Target& t, const p::WebSocketClosed& e) { websockets_.OnClosed({t.session_id, t.type}, e); }

// ---- page events ----

void Visit::Handle(Target& t, const p::LoadEventFired&) {
  if (t.type == "popup") return lifecycle_.OnPopupLoaded(t.session_id);
  if (&t != main_ || !lifecycle_.navigated()) return;
  record_.load_event_fired = true;
  interaction_.OnPageLoaded([this] { return InteractionFrames(); }, SendToTarget(),
                            [this] { lifecycle_.OnInteractionFinished(); });
  lifecycle_.OnLoadEvent();
}

void Visit::Handle(Target& t, const p::FrameNavigated& e) {
  FollowFrame(e.frame_id, e.url, true);
  if (!e.parent_id.empty()) return;
  t.url = e.url;
  t.tracker.set_target_url(e.url);
  if (&t == main_ && lifecycle_.navigated()) record_.final_url = e.url;
  if (t.type == "popup") {
    p::TargetInfo info;
    info.target_id = t.target_id;
    info.url = e.url;
    OnTargetInfoChanged(info);
  }
}

void Visit::Handle(Target& t, const p::JavascriptDialogOpening& e) {
  // An unanswered dialog blocks the page. Dismiss it; accept beforeunload so
  // that leaving the page is never held up.
  bool accept = e.type == "beforeunload";
  if (budget_.Take(Budget::kDialogs)) {
    result_.dialogs.push_back(DialogRecord{record_.visit_id, e.type, e.message, e.url,
                                           accept ? "accepted" : "dismissed"});
  }
  if (t.session) {
    t.session->Send("Page.handleJavaScriptDialog", cdp::JsonObject().Set("accept", accept).Build(), Ignore,
                    kTargetCommandTimeout);
  }
}

void Visit::Handle(Target& t, const p::BindingCalled& e) {
  if (e.name == interaction_.consent_binding()) {
    return interaction_.OnConsentMessage(t.session_id + ":" + std::to_string(e.execution_context_id), e.payload);
  }
  if (e.name != cookie_binding_) return;
  auto write = ParseCookieHookPayload(e.payload);
  if (!write) {
    if (auto calls = ParseApiCallsPayload(e.payload)) api_calls_.Add(std::move(*calls));
    return;
  }
  write->visit_id = record_.visit_id;
  write->third_party = write->script_url && normalize::IsThirdParty(*write->script_url, record_.site);
  cookies_.OnScriptWrite(*write);
}

// ---- page done ----

// The lifecycle is done: the record ends here, and the reads it still needs
// (title, links, the cookie jar) complete it.
void Visit::Finish(PageOutcome outcome) {
  finishing_ = true;
  interaction_.Stop();
  record_.outcome = std::move(outcome.outcome);
  record_.error = std::move(outcome.error);
  if (main_ && main_->session) {
    main_->session->Send("Page.stopLoading", "{}", Ignore, kTargetCommandTimeout);
    ReadTitle();
    if (options_.collect_links) ReadLinks();
  }
  CollectCookies();
}

// The title is read, not taken from Target.targetInfoChanged: Chromium
// reports a placeholder there (the URL without its scheme) until some later
// change, and a page's title often comes after its first paint. At most its
// first 65,536 UTF-16 units (never half a surrogate pair): a page can set a
// title of any size, and each copy on its way to the record would cost that
// much (a 10 MB title took trackscan from 92 to 194 MB, test_hostile.py).
void Visit::ReadTitle() {
  constexpr const char* kTitleExpression =
      R"json({"expression":"(t => t.length <= 65536 ? t : t.slice(0, 65536).replace(/[\\uD800-\\uDBFF]$/, ''))(document.title)","returnByValue":true})json";
  ++pending_reads_;
  auto alive = alive_;
  main_->session->Send("Runtime.evaluate", kTitleExpression,
                       [this, alive](Result<std::string> r) {
                         if (!*alive) return;
                         --pending_reads_;
                         if (r.ok()) {
                           auto value = p::DecodeEvaluate(r.value());
                           if (value.ok() && value->string_value && !value->string_value->empty()) {
                             record_.title = *value->string_value;
                           }
                         }
                         MaybeComplete();
                       },
                       kEndReadTimeout);
}

// The page's links for --pages, as the browser resolved them (a.href), one a
// line; a page's own scripts could lie here, which only changes where the
// scan goes next, never what it records.
void Visit::ReadLinks() {
  ++pending_reads_;
  auto alive = alive_;
  constexpr const char* kExpression =
      R"json({"expression":"Array.from(document.links, a => a.href).slice(0, 2000).join('\\n')","returnByValue":true})json";
  main_->session->Send("Runtime.evaluate", kExpression,
                       [this, alive](Result<std::string> r) {
                         if (!*alive) return;
                         --pending_reads_;
                         if (r.ok()) {
                           auto value = p::DecodeEvaluate(r.value());
                           if (value.ok() && value->string_value) {
                             std::string_view text = *value->string_value;
                             while (!text.empty()) {
                               size_t end = std::min(text.find('\n'), text.size());
                               if (end > 0) result_.links.emplace_back(text.substr(0, end));
                               text.remove_prefix(std::min(end + 1, text.size()));
                             }
                           }
                         }
                         MaybeComplete();
                       },
                       kEndReadTimeout);
}

void Visit::CollectCookies() {
  auto alive = alive_;
  browser_.Send("Storage.getCookies", cdp::JsonObject().Set("browserContextId", context_id_).Build(),
                [this, alive](Result<std::string> r) {
                  if (!*alive) return;
                  // No jar is not an empty jar: the visit says it was not read.
                  auto jar = r.ok() ? p::DecodeGetCookies(r.value()) : Result<std::vector<p::Cookie>>(r.status());
                  if (jar.ok()) {
                    jar_ = std::move(jar.value());
                  } else {
                    record_.cookie_jar_error = jar.status().ToString();
                  }
                  cookies_collected_ = true;
                  MaybeComplete();
                },
                kTargetCommandTimeout);
}

void Visit::MaybeComplete() {
  if (!finishing_ || completed_ || !cookies_collected_ || pending_reads_ > 0) return;
  Complete(std::move(jar_));
}

void Visit::Abort(const std::string& reason, bool browser_lost) {
  if (completed_) return;
  if (!finishing_) {
    finishing_ = true;
    lifecycle_.Stop();
    interaction_.Stop();
    record_.outcome = "error";
    record_.error = reason;
  }
  result_.browser_lost = browser_lost;
  if (!cookies_collected_) {
    record_.cookie_jar_error = "not read: " + reason;
    jar_.clear();
  }
  Complete(std::move(jar_));
}

void Visit::Complete(std::vector<p::Cookie> jar) {
  completed_ = true;
  EndSubscriptions();
  record_.ended_at = common::NowRfc3339();
  if (record_.final_url.empty()) record_.final_url = record_.input_url;
  for (auto& [id, t] : targets_) {
    for (auto& r : t->tracker.Flush()) result_.requests.push_back(std::move(r));  // finished, then open
  }
  for (auto& r : result_.requests) {
    if (r.frame_id) {
      auto f = frames_.find(*r.frame_id);
      if (f != frames_.end() && !f->second.empty()) r.frame_url = f->second;
    }
  }
  interaction_.TakeRecords(record_.visit_id, result_);
  // ExtraInfo that came before its request or after it closed names its
  // response by request id only: the hop with that id and status.
  // Indexed once by request id, and by the requestId a redirect hop
  // ("<id>:<n>") shares, so this stays linear in a flood.
  std::unordered_map<std::string_view, std::vector<const RequestRecord*>> by_id;
  for (const RequestRecord& r : result_.requests) {
    std::string_view id = r.request_id;
    by_id[id].push_back(&r);
    size_t colon = id.rfind(':');
    if (colon != std::string_view::npos && colon + 1 < id.size() &&
        id.find_first_not_of("0123456789", colon + 1) == std::string_view::npos) {
      by_id[id.substr(0, colon)].push_back(&r);
    }
  }
  cookies_.ResolvePending([&by_id](const std::string& cdp_id, int status) {
    std::string url;
    auto it = by_id.find(cdp_id);
    if (it == by_id.end()) return url;
    for (const RequestRecord* r : it->second) {
      if (r->status == status) return r->url;
      if (url.empty()) url = r->url;
    }
    return url;
  });
  result_.cookies = cookies_.Finish(jar);
  result_.cookie_writes = cookies_.writes();
  result_.api_calls = api_calls_.Take();
  result_.websockets = websockets_.Take();
  record_.request_count = static_cast<int64_t>(result_.requests.size());
  record_.cookie_count = static_cast<int64_t>(result_.cookies.size());
  record_.limits_hit = budget_.Hits();
  result_.visit = record_;
  if (!on_done_) return;  // a prepared page that never got its visit
  auto done = std::move(on_done_);
  done(std::move(result_));
}

// ---- interaction (issue 4) ----

// The main page first, then its out-of-process iframes; popups are left alone.
std::vector<interact::Interactor::FrameTarget> Visit::InteractionFrames() const {
  std::vector<interact::Interactor::FrameTarget> frames;
  if (main_ && main_->session) frames.push_back({main_->session_id, main_->target_id});
  for (const auto& [id, t] : targets_) {
    if (t->type == "iframe" && t->session) frames.push_back({t->session_id, t->target_id});
  }
  return frames;
}

// By session id, so that a target detached meanwhile fails the command.
interact::Interactor::SendFn Visit::SendToTarget() {
  return [this](const std::string& session_id, std::string_view method, std::string params,
                cdp::ResultCallback done, Duration timeout) {
    auto it = targets_.find(session_id);
    if (it == targets_.end() || it->second->session == nullptr) {
      return done(common::Status::TargetClosed(std::string(method) + ": the target is gone"));
    }
    it->second->session->Send(method, std::move(params), std::move(done), timeout);
  };
}

}  // namespace worker
