// Browser: one running Chromium and its DevTools connection, with the target
// routing of auto-attach (the only subscriber to Target.* events). Each visit
// gets its own browser context; several visits run at once. Owns the
// ChromeProcess, the transport, the Connection and the Visits; borrows the
// loop, which must outlive it. Loop thread only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cdp/connection.h"
#include "cdp/lws_loop.h"
#include "cdp/lws_transport.h"
#include "cdp/chrome_process.h"
#include "worker/browser/visit.h"

namespace worker {

struct VisitRequest {
  std::string visit_id, input_url, site;
  int attempt = 1;
};

class Browser {
 public:
  // Launches Chromium (blocking, about a second) and connects. `on_ready`
  // fires once with ok when visits can start, or with the failure;
  // `on_lost` fires once if the browser dies or the connection drops later,
  // after every active visit finished with what it had (browser_lost).
  // Unless `egress` allows everything, Chromium goes out only through an
  // EgressGuard the Browser starts and owns.
  static common::Result<std::unique_ptr<Browser>> Launch(cdp::LwsLoop& loop, const cdp::LaunchOptions& options,
                                                         const common::AddressPolicy& egress,
                                                         std::function<void(common::Status)> on_ready,
                                                         std::function<void(common::Status)> on_lost);
  ~Browser();  // kills Chromium; active visits are dropped without on_done

  // Starts a visit in its own browser context, on a prepared page when one
  // is ready; `done` fires exactly once.
  void StartVisit(const VisitRequest& request, const VisitOptions& options,
                  std::function<void(VisitResult)> done);
  // Keeps `count` pages prepared (context, blank page, recorders set up) for
  // the next visits, so that a renderer's start overlaps the visits under way
  // instead of delaying the next navigation. Surplus pages stay until used.
  void KeepPrepared(size_t count, const VisitOptions& options);
  // Ends every active visit now with outcome error and `why`, reporting what
  // each recorded (a stop was requested; no retry is asked for).
  void Interrupt(const std::string& why);
  size_t active_visits() const { return visits_.size() - prepared_.size(); }
  // Resident memory of Chromium's processes (all of its process group).
  uint64_t memory_bytes() const;
  const std::string& version() const { return version_; }
  bool usable() const { return ready_ && !lost_; }

 private:
  explicit Browser(cdp::LwsLoop& loop) : loop_(loop) {}
  void OnOpen();
  void OnBrowserEvent(const cdp::protocol::Event& event);
  void OnSessionEvent(const std::string& session_id, const cdp::protocol::Event& event);
  void OnAttached(const std::string& parent_session, const cdp::protocol::AttachedToTarget& e);
  void OnDetached(const cdp::protocol::DetachedFromTarget& e);
  void OnLost(const std::string& why);
  // A browser that stops answering (hung, or SIGSTOPped) counts as lost.
  void Watchdog();
  void AbortVisits(const std::string& why, bool browser_lost);
  // Creates a context and a Visit in it, then calls `use` with it (null and
  // the reason when the context cannot be created).
  void NewVisit(const VisitOptions& options, std::function<void(Visit*, common::Status)> use);
  void FinishVisit(const std::string& context_id, VisitResult result,
                   std::function<void(VisitResult)> done);
  Visit* VisitForContext(const std::string& context_id);

  cdp::LwsLoop& loop_;
  std::unique_ptr<egress::EgressGuard> guard_;  // outlives Chromium and every Visit
  std::unique_ptr<cdp::ChromeProcess> chrome_;
  std::unique_ptr<cdp::LwsTransport> transport_;
  std::unique_ptr<cdp::Connection> connection_;
  std::function<void(common::Status)> on_ready_, on_lost_;
  std::string version_;
  std::string cookie_binding_;
  bool ready_ = false, lost_ = false;
  std::map<std::string, std::unique_ptr<Visit>> visits_;   // by browser context id, prepared ones too
  std::vector<std::string> prepared_;                       // contexts of prepared, unbegun visits
  size_t preparing_ = 0;                                    // contexts being created for them
  std::map<std::string, std::string> session_contexts_;    // session id -> context id ("" = not ours)
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace worker
