// FakeLoop: a common::Loop for unit tests whose clock moves only when the test
// says so (Advance, RunOne), so timeouts and timer order are exact and cost no
// real time. Single-threaded, like the loop it stands in for; a timer added
// or cancelled from inside a firing timer is honoured in the same Advance.
#pragma once

#include <algorithm>
#include <functional>
#include <map>

#include "common/loop.h"

namespace testing_support {

class FakeLoop final : public common::Loop {
 public:
  common::TimePoint Now() const override { return now_; }
  common::TimerId AddTimer(common::Duration delay, std::function<void()> fn) override {
    const common::TimerId id = next_id_++;
    timers_[id] = Timer{now_ + delay, std::move(fn)};
    return id;
  }
  void CancelTimer(common::TimerId id) override { timers_.erase(id); }

  // Moves the clock forward by `d`, firing due timers in deadline order (timers
  // due at the same time in the order they were added). The clock reads each
  // timer's deadline while it runs, and now + d afterwards.
  void Advance(common::Duration d) {
    const common::TimePoint target = now_ + d;
    while (FireNext(target)) {
    }
    now_ = target;
  }
  // Fires what is due now, as the real loop does with Post()ed work.
  void RunPosted() { Advance(common::Duration(0)); }
  // Fires the earliest timer, however far ahead, moving the clock to it.
  // False when no timer is left.
  bool RunOne() { return FireNext(common::TimePoint::max()); }
  void RunUntilIdle() {
    while (RunOne()) {
    }
  }
  size_t timer_count() const { return timers_.size(); }

 private:
  struct Timer {
    common::TimePoint when;
    std::function<void()> fn;
  };

  bool FireNext(common::TimePoint limit) {
    auto due = timers_.end();
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {  // ids ascend: ties go to the first added
      if (it->second.when <= limit && (due == timers_.end() || it->second.when < due->second.when)) due = it;
    }
    if (due == timers_.end()) return false;
    now_ = std::max(now_, due->second.when);
    auto fn = std::move(due->second.fn);
    timers_.erase(due);
    fn();
    return true;
  }

  common::TimePoint now_{};
  common::TimerId next_id_ = 1;
  std::map<common::TimerId, Timer> timers_;
};

}  // namespace testing_support
