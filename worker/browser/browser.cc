#include "worker/browser/browser.h"

#include <random>
#include <variant>

#include "cdp/json_object.h"
#include "cdp/protocol/decode.h"
#include "common/process_stats.h"

namespace worker {

namespace p = cdp::protocol;
using common::Result;
using common::Status;

namespace {

constexpr common::Duration kCommandTimeout{10000};
constexpr common::Duration kWatchdogInterval{5000};
constexpr common::Duration kWatchdogDeadline{15000};

bool IsRecordedType(const std::string& type) {
  return type == "page" || type == "iframe" || type == "worker" || type == "shared_worker" ||
         type == "service_worker";
}

std::string RandomBindingName() {
  std::random_device rd;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string name = "__ts";
  for (int i = 0; i < 12; ++i) name.push_back("0123456789abcdef"[hex(rd)]);
  return name;
}

}  // namespace

Result<std::unique_ptr<Browser>> Browser::Launch(cdp::LwsLoop& loop, const cdp::LaunchOptions& options,
                                                 const common::AddressPolicy& egress,
                                                 std::function<void(Status)> on_ready,
                                                 std::function<void(Status)> on_lost) {
  std::unique_ptr<Browser> browser(new Browser(loop));
  browser->on_ready_ = std::move(on_ready);
  browser->on_lost_ = std::move(on_lost);
  browser->cookie_binding_ = RandomBindingName();
  cdp::LaunchOptions launch = options;
  if (egress.guards()) {
    for (const auto& flag : options.extra_flags) {
      if (flag.rfind("--proxy-server", 0) == 0 || flag.rfind("--proxy-pac-url", 0) == 0) {
        return Status::InvalidArgument("the private-network guard is the browser's proxy; " + flag +
                                       " needs --allow-private-targets");
      }
    }
    auto rules = egress::HostRules::FromChromeFlags(options.extra_flags);
    if (!rules.ok()) return rules.status();
    auto guard = egress::EgressGuard::Start({egress, std::move(rules.value())});
    if (!guard.ok()) return guard.status();
    browser->guard_ = std::move(guard.value());
    // The guard applies the rules now; left to Chromium, "MAP * ..." would
    // also send its connection to the guard itself elsewhere.
    std::erase_if(launch.extra_flags,
                  [](const std::string& flag) { return flag.rfind("--host-resolver-rules=", 0) == 0; });
    for (auto& flag : browser->guard_->ChromeFlags()) launch.extra_flags.push_back(flag);
  }
  auto chrome = cdp::ChromeProcess::Launch(launch);
  if (!chrome.ok()) return chrome.status();
  browser->chrome_ = std::move(chrome.value());
  Browser* self = browser.get();
  auto transport = cdp::LwsTransport::Connect(loop, browser->chrome_->websocket_url(), [self] { self->OnOpen(); },
                                              options.max_message_bytes);
  if (!transport.ok()) return transport.status();
  browser->transport_ = std::move(transport.value());
  browser->connection_ =
      std::make_unique<cdp::Connection>(*browser->transport_, loop, kCommandTimeout, options.max_message_bytes);
  browser->connection_->on_event = [self](const p::Event& e) { self->OnBrowserEvent(e); };
  browser->connection_->on_close = [self](const cdp::CloseInfo& info) {
    self->OnLost("browser connection closed: " + info.reason);
  };
  return browser;
}

Browser::~Browser() {
  *alive_ = false;
  visits_.clear();
  connection_.reset();
  transport_.reset();
  chrome_.reset();
}

// Auto-attach with pause-on-start at the browser level reaches every page,
// popup and service worker; each session repeats it for its OOPIFs and
// workers (Visit::SetUpTarget).
void Browser::OnOpen() {
  auto alive = alive_;
  connection_->Send("Browser.getVersion", "{}", [this, alive](Result<std::string> r) {
    if (!*alive) return;
    if (!r.ok()) return on_ready_(r.status());
    auto version = p::DecodeBrowserGetVersion(r.value());
    version_ = version.ok() ? version->product : "unknown";
  });
  connection_->Send("Target.setDiscoverTargets", R"({"discover":true})", [](Result<std::string>) {});
  connection_->Send("Target.setAutoAttach", R"({"autoAttach":true,"waitForDebuggerOnStart":true,"flatten":true})",
                    [this, alive](Result<std::string> r) {
                      if (!*alive) return;
                      ready_ = r.ok();
                      if (ready_) loop_.AddTimer(kWatchdogInterval, [this, alive] { if (*alive) Watchdog(); });
                      on_ready_(r.ok() ? Status::Ok() : r.status());
                    });
}

void Browser::StartVisit(const VisitRequest& request, const VisitOptions& options,
                         std::function<void(VisitResult)> done) {
  VisitRecord seed;
  seed.visit_id = request.visit_id;
  seed.input_url = request.input_url;
  seed.site = request.site;
  seed.attempt = request.attempt;
  seed.browser_version = version_;
  auto begin = [this, seed, options, done = std::move(done)](Visit* visit, Status status) mutable {
    if (visit == nullptr) {
      VisitResult failed;
      failed.visit = seed;
      failed.visit.outcome = "error";
      failed.visit.error = "could not create a browser context: " + status.ToString();
      failed.browser_lost = true;
      return done(std::move(failed));
    }
    std::string id = visit->context_id();
    visit->Begin(seed, options, [this, id, done = std::move(done)](VisitResult result) mutable {
      FinishVisit(id, std::move(result), std::move(done));
    });
  };
  if (!prepared_.empty()) {
    std::string id = prepared_.front();
    prepared_.erase(prepared_.begin());
    if (Visit* v = VisitForContext(id)) return begin(v, Status::Ok());
  }
  NewVisit(options, std::move(begin));
}

void Browser::KeepPrepared(size_t count, const VisitOptions& options) {
  while (usable() && prepared_.size() + preparing_ < count) {
    ++preparing_;
    NewVisit(options, [this](Visit* visit, Status) {
      --preparing_;
      if (visit != nullptr) prepared_.push_back(visit->context_id());
    });
  }
}

void Browser::NewVisit(const VisitOptions& options, std::function<void(Visit*, Status)> use) {
  auto alive = alive_;
  connection_->Send(
      "Target.createBrowserContext", R"({"disposeOnDetach":true})",
      [this, alive, options, use = std::move(use)](Result<std::string> r) mutable {
        if (!*alive) return;
        auto context = r.ok() ? p::DecodeCreateBrowserContext(r.value()) : Result<std::string>(r.status());
        if (!context.ok() || lost_) return use(nullptr, context.ok() ? Status::ConnectionClosed("browser lost")
                                                                     : context.status());
        const std::string id = context.value();
        // Downloads are denied but reported, so a page cannot write to disk.
        connection_->Send("Browser.setDownloadBehavior",
                          cdp::JsonObject().Set("behavior", "deny").Set("browserContextId", id)
                              .Set("eventsEnabled", true).Build(),
                          [](Result<std::string>) {});
        auto visit = std::make_unique<Visit>(*connection_, loop_, options, id, cookie_binding_, guard_.get());
        Visit* v = visit.get();
        visits_[id] = std::move(visit);
        v->Prepare();
        use(v, Status::Ok());
      });
}

void Browser::FinishVisit(const std::string& context_id, VisitResult result,
                          std::function<void(VisitResult)> done) {
  // The Visit is on the call stack: destroy it (and its context) after it returns.
  auto alive = alive_;
  loop_.Post([this, alive, context_id] {
    if (!*alive) return;
    visits_.erase(context_id);
    if (!lost_) {
      connection_->Send("Target.disposeBrowserContext",
                        cdp::JsonObject().Set("browserContextId", context_id).Build(),
                        [](Result<std::string>) {});
    }
  });
  done(std::move(result));
}

Visit* Browser::VisitForContext(const std::string& context_id) {
  auto it = visits_.find(context_id);
  return it == visits_.end() ? nullptr : it->second.get();
}

void Browser::OnBrowserEvent(const p::Event& event) {
  if (auto* e = std::get_if<p::AttachedToTarget>(&event)) return OnAttached("", *e);
  if (auto* e = std::get_if<p::DetachedFromTarget>(&event)) return OnDetached(*e);
  if (auto* e = std::get_if<p::TargetInfoChanged>(&event)) {
    if (Visit* v = VisitForContext(e->target_info.browser_context_id)) v->OnTargetInfoChanged(e->target_info);
    return;
  }
  if (auto* e = std::get_if<p::DownloadWillBegin>(&event)) {
    for (auto& [id, v] : visits_) {
      if (v->HasFrame(e->frame_id)) return v->OnDownload(*e);
    }
  }
}

void Browser::OnSessionEvent(const std::string& session_id, const p::Event& event) {
  if (auto* e = std::get_if<p::AttachedToTarget>(&event)) return OnAttached(session_id, *e);
  if (auto* e = std::get_if<p::DetachedFromTarget>(&event)) return OnDetached(*e);
  if (std::holds_alternative<p::DecodeFailed>(event)) {  // a lost Target.* event of a visit's target
    auto context = session_contexts_.find(session_id);
    if (context == session_contexts_.end()) return;
    if (Visit* visit = VisitForContext(context->second)) visit->OnDecodeFailed();
  }
}

void Browser::OnAttached(const std::string& parent_session, const p::AttachedToTarget& e) {
  cdp::Session& session = connection_->CreateSession(e.session_id);
  std::string context = e.target_info.browser_context_id;
  if (context.empty() && session_contexts_.count(parent_session)) context = session_contexts_[parent_session];
  Visit* visit = IsRecordedType(e.target_info.type) ? VisitForContext(context) : nullptr;
  // Subscribed before the visit's handlers, so the session's own
  // attachments and detachments (OOPIFs, workers) reach us first.
  const std::string id = e.session_id;
  const cdp::SubscriptionId targets =
      session.On("Target", [this, id](const p::Event& ev) { OnSessionEvent(id, ev); });
  if (visit == nullptr || !visit->OnTargetAttached(session, e.target_info)) {
    // Not ours to record (the initial tab, a worklet, a closing visit): let it
    // run and let go of it.
    session.Off(targets);
    session_contexts_[e.session_id] = "";
    session.Send("Runtime.runIfWaitingForDebugger", "{}", [](Result<std::string>) {});
    connection_->Send("Target.detachFromTarget", cdp::JsonObject().Set("sessionId", e.session_id).Build(),
                      [](Result<std::string>) {});
    return;
  }
  session_contexts_[e.session_id] = context;
}

void Browser::OnDetached(const p::DetachedFromTarget& e) {
  auto it = session_contexts_.find(e.session_id);
  if (it == session_contexts_.end()) return;
  if (Visit* v = VisitForContext(it->second)) v->OnTargetDetached(e.session_id);
  session_contexts_.erase(it);
  connection_->DestroySession(e.session_id);
}

void Browser::Watchdog() {
  if (lost_) return;
  auto alive = alive_;
  connection_->Send(
      "Browser.getVersion", "{}",
      [this, alive](Result<std::string> r) {
        if (!*alive || lost_) return;
        if (!r.ok() && r.status().code() == common::Code::kTimeout) {
          chrome_->Kill();  // a hung browser may never close the connection itself
          return OnLost("Chromium did not answer for " + std::to_string(kWatchdogDeadline.count() / 1000) +
                        " s (hung)");
        }
        loop_.AddTimer(kWatchdogInterval, [this, alive] { if (*alive) Watchdog(); });
      },
      kWatchdogDeadline);
}

uint64_t Browser::memory_bytes() const { return chrome_ ? common::ProcessGroupRssBytes(chrome_->pid()) : 0; }

void Browser::OnLost(const std::string& why) {
  if (lost_) return;
  lost_ = true;
  AbortVisits("browser_lost: " + why, true);
  if (on_lost_) on_lost_(Status::ConnectionClosed(why));
}

void Browser::Interrupt(const std::string& why) { AbortVisits(why, false); }

void Browser::AbortVisits(const std::string& why, bool browser_lost) {
  // Each Visit's on_done posts its own erasure; take them out first so no
  // visit is destroyed while it is still reporting.
  auto visits = std::move(visits_);
  visits_.clear();
  prepared_.clear();
  for (auto& [id, v] : visits) v->Abort(why, browser_lost);
  loop_.Post([visits = std::make_shared<decltype(visits)>(std::move(visits))] {});
}

}  // namespace worker
