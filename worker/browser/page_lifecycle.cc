#include "worker/browser/page_lifecycle.h"

#include <algorithm>

namespace worker {

using common::Duration;

namespace {

// Network events move the quiet period on without waking us, so a tick comes
// at least this often; kMinTick keeps a due-now wake from spinning.
constexpr Duration kTickInterval{250};
constexpr Duration kMinTick{5};

}  // namespace

PageLifecycle::~PageLifecycle() {
  if (tick_timer_) loop_.CancelTimer(*tick_timer_);
}

void PageLifecycle::Begin(const PageTiming& timing, bool await_interaction, DoneCallback on_done) {
  timing_ = timing;
  await_interaction_ = await_interaction;
  on_done_ = std::move(on_done);
  started_ = navigated_ = last_activity_ = loop_.Now();
  state_ = State::kStarting;
  ScheduleTick(kTickInterval);
}

void PageLifecycle::OnNavigated() {
  if (state_ != State::kStarting) return;
  state_ = State::kNavigating;
  navigated_ = last_activity_ = loop_.Now();
}

// A second load event (the page navigated itself) keeps the state; either
// way the decision is taken again at once.
void PageLifecycle::OnLoadEvent() {
  if (!navigated()) return;
  if (state_ == State::kNavigating) state_ = await_interaction_ ? State::kInteracting : State::kLoaded;
  ScheduleTick(Duration(0));
}

void PageLifecycle::OnActivity() {
  if (!done()) last_activity_ = loop_.Now();
}

// A cross-site popup starts a renderer of its own, which under load takes
// longer than the quiet period with no network event to show for it; its
// load event is activity, so the quiet period runs from there.
void PageLifecycle::OnPopupLoaded(const std::string& key) {
  loading_popups_.erase(key);
  OnActivity();
}

// The interaction counts as activity: the quiet period starts again after it.
void PageLifecycle::OnInteractionFinished() {
  await_interaction_ = false;
  if (done()) return;
  last_activity_ = loop_.Now();
  if (state_ == State::kInteracting) state_ = State::kLoaded;
  ScheduleTick(Duration(0));
}

void PageLifecycle::Fail(std::string message) {
  if (!done()) End(PageOutcome{"error", std::move(message)});
}

void PageLifecycle::Stop() {
  if (done()) return;
  state_ = State::kDone;
  on_done_ = nullptr;
  if (tick_timer_) loop_.CancelTimer(*tick_timer_);
  tick_timer_.reset();
}

// Done when the page loaded, the minimum dwell has passed since the
// navigation, the quiet period has passed since the last activity, no
// interaction is pending, and no popup is still loading. The deadline ends a
// page held open only by a loading popup as done, anything else as timed out.
void PageLifecycle::Tick() {
  tick_timer_.reset();
  if (done()) return;
  auto now = loop_.Now();
  bool page_done = state_ == State::kLoaded && now - navigated_ >= timing_.min_dwell &&
                   now - last_activity_ >= timing_.quiet_period;
  bool past_deadline = now - started_ >= timing_.timeout;
  if (past_deadline && !page_done) {
    return End({"timeout", "visit deadline of " + std::to_string(timing_.timeout.count() / 1000) + " s"});
  }
  if (page_done && (loading_popups_.empty() || past_deadline)) {
    if (document_status_ && *document_status_ >= 400) {
      return End({"error", "HTTP " + std::to_string(*document_status_)});
    }
    return End({"ok", std::nullopt});
  }
  // Wake when the next condition can flip; the load event and the end of
  // the interaction wake us too.
  auto due = std::min(started_ + timing_.timeout, now + kTickInterval);
  for (auto t : {navigated_ + timing_.min_dwell, last_activity_ + timing_.quiet_period}) {
    if (t > now) due = std::min(due, t);  // a condition already met cannot wake us
  }
  ScheduleTick(std::max(std::chrono::duration_cast<Duration>(due - now), kMinTick));
}

void PageLifecycle::ScheduleTick(Duration delay) {
  if (tick_timer_) loop_.CancelTimer(*tick_timer_);
  tick_timer_ = loop_.AddTimer(delay, [this] { Tick(); });
}

// The callback is the last thing done here: it may destroy this object.
void PageLifecycle::End(PageOutcome outcome) {
  state_ = State::kDone;
  if (tick_timer_) loop_.CancelTimer(*tick_timer_);
  tick_timer_.reset();
  auto on_done = std::move(on_done_);
  on_done_ = nullptr;
  if (on_done) on_done(std::move(outcome));
}

}  // namespace worker
