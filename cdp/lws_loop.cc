#include "cdp/lws_loop.h"

#include <libwebsockets.h>

#include <utility>

namespace cdp {

// Defined in lws_transport.cc: the one "cdp" protocol whose callback routes
// each wsi to its LwsTransport. The context must know it at creation time.
const lws_protocols* LwsTransportProtocols();

namespace {
// Standard layout, so lws_container_of (offsetof) is well-defined.
struct TimerSul {
  lws_sorted_usec_list_t sul;  // scheduled in the context
  LwsLoop* loop;
  common::TimerId id;
};
}  // namespace

struct LwsLoop::Timer {
  TimerSul entry{};
  std::function<void()> fn;
};

common::Result<std::unique_ptr<LwsLoop>> LwsLoop::Create() {
  lws_set_log_level(LLL_ERR, nullptr);
  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;  // client only
  info.protocols = LwsTransportProtocols();
  info.gid = -1;
  info.uid = -1;
  std::unique_ptr<LwsLoop> loop(new LwsLoop());
  loop->context_ = lws_create_context(&info);
  if (loop->context_ == nullptr) return common::Status::Internal("lws_create_context failed");
  return loop;
}

LwsLoop::~LwsLoop() {
  for (auto& [id, timer] : timers_) lws_sul_cancel(&timer->entry.sul);
  timers_.clear();
  if (context_ != nullptr) lws_context_destroy(context_);
}

common::TimePoint LwsLoop::Now() const { return common::Clock::now(); }

common::TimerId LwsLoop::AddTimer(common::Duration delay, std::function<void()> fn) {
  auto timer = std::make_unique<Timer>();
  timer->entry.loop = this;
  timer->entry.id = next_timer_++;
  timer->fn = std::move(fn);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(delay).count();
  lws_sul_schedule(context_, 0, &timer->entry.sul, &LwsLoop::OnTimer, us < 0 ? 0 : us);
  const common::TimerId id = timer->entry.id;
  timers_.emplace(id, std::move(timer));
  return id;
}

void LwsLoop::CancelTimer(common::TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;  // fired or cancelled already
  lws_sul_cancel(&it->second->entry.sul);
  timers_.erase(it);
}

// lws has already unlinked `sul` and does not touch it after this returns, so
// the Timer may be freed before its callback runs; the callback may then add
// or cancel timers (including itself, a no-op) or destroy their owners.
void LwsLoop::OnTimer(::lws_sorted_usec_list* sul) {
  const TimerSul* entry = lws_container_of(sul, TimerSul, sul);
  LwsLoop* loop = entry->loop;
  auto it = loop->timers_.find(entry->id);
  if (it == loop->timers_.end()) return;
  std::function<void()> fn = std::move(it->second->fn);
  loop->timers_.erase(it);
  // lws runs due timers before it polls, and that poll would sleep until the
  // next event: wake it, so RunUntil sees what this callback changed.
  lws_cancel_service(loop->context_);
  if (fn) fn();
}

void LwsLoop::RunUntil(const std::function<bool()>& done) {
  while (!stop_.load() && !done()) {
    if (lws_service(context_, 0) < 0) break;
  }
}

void LwsLoop::RequestStop() {
  stop_.store(true);
  if (context_ != nullptr) lws_cancel_service(context_);
}

}  // namespace cdp
