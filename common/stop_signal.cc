#include "common/stop_signal.h"

#include <atomic>
#include <csignal>

namespace common {
namespace {

volatile std::sig_atomic_t g_stop = 0;
// Lock-free atomics, so the handler may read them. The context is written
// before the wake-up and read after it, so a handler never sees a new
// wake-up with an old context.
std::atomic<StopWakeup> g_wakeup{nullptr};
std::atomic<void*> g_context{nullptr};
static_assert(std::atomic<StopWakeup>::is_always_lock_free && std::atomic<void*>::is_always_lock_free);

void OnStopSignal(int) {
  g_stop = 1;
  if (StopWakeup wakeup = g_wakeup.load()) wakeup(g_context.load());
}

}  // namespace

void InstallStopSignalHandlers(StopWakeup wakeup, void* context) {
  g_context.store(context);
  g_wakeup.store(wakeup);
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
}

void ClearStopWakeup() { g_wakeup.store(nullptr); }

bool StopRequested() { return g_stop != 0; }

}  // namespace common
