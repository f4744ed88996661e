// Loop: the seam between trackscan and its single event loop.
// Each process has one loop thread; every object in cdp/ and worker/ is
// created, called and destroyed on it. Only Wake() may be called from another
// thread (or a signal handler, through a flag the loop polls).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace common {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;
using TimerId = uint64_t;

class Loop {
 public:
  virtual ~Loop() = default;
  virtual TimePoint Now() const = 0;
  // Runs `fn` once on the loop thread after `delay`. Returns an id for CancelTimer.
  virtual TimerId AddTimer(Duration delay, std::function<void()> fn) = 0;
  // Cancelling a timer that already fired or was cancelled is a no-op.
  virtual void CancelTimer(TimerId id) = 0;
  void Post(std::function<void()> fn) { AddTimer(Duration(0), std::move(fn)); }
};

}  // namespace common
