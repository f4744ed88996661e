// The process's stop request: SIGINT and SIGTERM set one flag that loops
// poll, and call one wake-up so that a loop blocked in its wait returns at
// once (cdp::LwsLoop::RequestStop). One per process, since signals are.
// Install and clear from the main thread; StopRequested() from any thread.
// No errors: installing cannot fail with valid signal numbers.
#pragma once

namespace common {

// Runs inside the signal handler: it must be async-signal-safe.
using StopWakeup = void (*)(void* context);

// From now on SIGINT and SIGTERM stop the process's loop instead of killing
// it. `wakeup(context)`, when given, is called on each of them.
void InstallStopSignalHandlers(StopWakeup wakeup = nullptr, void* context = nullptr);
// No wake-up any more (the flag still gets set); call before `context` dies.
void ClearStopWakeup();
// True once SIGINT or SIGTERM arrived after InstallStopSignalHandlers.
bool StopRequested();

}  // namespace common
