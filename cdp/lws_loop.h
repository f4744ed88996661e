// LwsLoop: the process's event loop, built on one libwebsockets context.
// lws_service() is the only blocking wait; timers are lws sorted-usec-list
// entries, so websocket I/O and timers share one thread with no polling.
// Owns the lws_context. Loop thread only, except RequestStop() which is
// async-signal-safe and thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <unordered_map>

#include "common/loop.h"
#include "common/status.h"

struct lws_context;
struct lws_protocols;
struct lws_sorted_usec_list;

namespace cdp {

class LwsLoop final : public common::Loop {
 public:
  static common::Result<std::unique_ptr<LwsLoop>> Create();
  ~LwsLoop() override;

  common::TimePoint Now() const override;
  common::TimerId AddTimer(common::Duration delay, std::function<void()> fn) override;
  void CancelTimer(common::TimerId id) override;

  // Serves I/O and timers until `done()` returns true (checked after every
  // wake-up) or RequestStop() is called.
  void RunUntil(const std::function<bool()>& done);
  // Safe from a signal handler or another thread: wakes the loop, which returns.
  void RequestStop();
  bool stop_requested() const { return stop_.load(); }

  lws_context* context() const { return context_; }

 private:
  LwsLoop() = default;
  struct Timer;
  static void OnTimer(::lws_sorted_usec_list* sul);
  lws_context* context_ = nullptr;
  common::TimerId next_timer_ = 1;
  std::unordered_map<common::TimerId, std::unique_ptr<Timer>> timers_;
  std::atomic<bool> stop_{false};
};

}  // namespace cdp
