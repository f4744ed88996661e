// PageLifecycle: decides when a visit's page is done, and how it ended, from
// what the Visit tells it (navigation sent, load event, network activity,
// popups, interaction) and its own tick timer. Pure of CDP: owned by the
// Visit, borrows the loop (which outlives it). Loop thread only. The outcome
// comes back once through the DoneCallback, never as an error Status.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "common/loop.h"

namespace worker {

struct PageTiming {
  common::Duration timeout{30000};      // hard deadline, from Begin
  common::Duration min_dwell{3000};     // never done before this, from the navigation
  common::Duration quiet_period{2000};  // no activity for this long
};

// How the page ended, as the visit record says it: outcome "ok", or
// "timeout" / "error" with a message ("visit deadline of 30 s", "HTTP 500").
struct PageOutcome {
  std::string outcome;
  std::optional<std::string> error;
};

class PageLifecycle {
 public:
  enum class State {
    kPreparing,    // no visit yet: the page is being set up
    kStarting,     // begun; the page navigates once its set-up is answered
    kNavigating,   // Page.navigate sent, no load event yet
    kInteracting,  // loaded, but the interaction (or consent) is not finished
    kLoaded,       // loaded: done once dwelled, quiet and no popup loading
    kDone,         // the outcome is given (or the visit was stopped)
  };
  using DoneCallback = std::function<void(PageOutcome)>;

  explicit PageLifecycle(common::Loop& loop) : loop_(loop) {}
  ~PageLifecycle();
  PageLifecycle(const PageLifecycle&) = delete;
  PageLifecycle& operator=(const PageLifecycle&) = delete;

  // Starts the deadline now. With `await_interaction`, the load event leads
  // to kInteracting until OnInteractionFinished. `on_done` is called exactly
  // once (unless Stop comes first), from a timer or from Fail; the
  // PageLifecycle is in kDone by then and may be destroyed after it returns.
  void Begin(const PageTiming& timing, bool await_interaction, DoneCallback on_done);
  // Page.navigate was sent: the dwell starts now.
  void OnNavigated();
  // The main page's load event after the navigation.
  void OnLoadEvent();
  // Any network event, a new target, a popup's load: the quiet period starts
  // again. Requests that never finish make no events, so they hold nothing.
  void OnActivity();
  // The HTTP status of the main document: done with status >= 400 is an error.
  void OnDocumentStatus(int status) { document_status_ = status; }
  // A popup holds the page until its load event or its detach (`key`
  // names it, e.g. its session id), or until the deadline.
  void OnPopupOpened(const std::string& key) { loading_popups_.insert(key); }
  void OnPopupLoaded(const std::string& key);
  void OnPopupGone(const std::string& key) { loading_popups_.erase(key); }
  void OnInteractionFinished();
  // Ends now with outcome "error" and `message` (the page could not be opened
  // or navigated). Ignored once done.
  void Fail(std::string message);
  // Ends now without an outcome (the visit is aborted). Ignored once done.
  void Stop();

  State state() const { return state_; }
  bool done() const { return state_ == State::kDone; }
  bool navigated() const {
    return state_ == State::kNavigating || state_ == State::kInteracting || state_ == State::kLoaded;
  }

 private:
  void Tick();
  void ScheduleTick(common::Duration delay);
  void End(PageOutcome outcome);

  common::Loop& loop_;
  PageTiming timing_;
  State state_ = State::kPreparing;
  bool await_interaction_ = false;
  DoneCallback on_done_;
  common::TimePoint started_, navigated_, last_activity_;
  std::optional<int> document_status_;
  std::set<std::string> loading_popups_;
  std::optional<common::TimerId> tick_timer_;
};

}  // namespace worker
