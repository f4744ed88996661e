// EgressGuard: the scanning browser's only way out to the network.
//
// A SOCKS5 proxy on 127.0.0.1 (Chromium runs with --proxy-server=socks5://,
// loopback included) that resolves every destination itself and connects
// only to an address the AddressPolicy allows: the address checked is the
// address connected to, whatever the spelling of the URL and whatever DNS
// answers (rebinding included), for every request, redirect, worker,
// WebSocket and subpage. docs/egress_guard.md says why this mechanism.
//
// It runs its own libuv loop on its own thread: it touches nothing of the
// recorder's loop, and relays bytes without parsing them. What the recorder
// reads back, from any thread, is why a destination was refused (Refusal).
// Owned by the Browser whose Chromium uses it; destroying it closes every
// tunnel and joins the thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/private_address.h"
#include "common/status.h"
#include "worker/egress/host_rules.h"

namespace worker::egress {

struct GuardOptions {
  common::AddressPolicy policy;
  HostRules rules;
  size_t max_tunnels = 1024;  // open at once; more are refused (Chromium opens at most 256)
};

// Why the guard did not connect a destination, in the words the browser
// would have used had it connected itself.
struct Refusal {
  bool blocked = false;   // by the policy; otherwise resolving or connecting failed
  std::string net_error;  // "net::ERR_NAME_NOT_RESOLVED", ...; for blocked, a sentence
  std::string reason;     // "127.0.0.1 (loopback 127.0.0.0/8)", "connection refused", ...
};

struct GuardStats {
  uint64_t tunnels = 0, blocked = 0, failed = 0, bytes_relayed = 0;
};

class EgressGuard {
 public:
  static common::Result<std::unique_ptr<EgressGuard>> Start(GuardOptions options);
  // Closes every tunnel and joins the thread; under TRACKSCAN_RUSAGE prints
  // "rusage egress_guard guard_cpu_s=.." (its thread's CPU) for the benchmarks.
  ~EgressGuard();
  EgressGuard(const EgressGuard&) = delete;
  EgressGuard& operator=(const EgressGuard&) = delete;

  int port() const { return port_; }
  // What Chromium needs to send everything through the guard.
  std::vector<std::string> ChromeFlags() const;
  // The latest refusal of host:port (as Chromium sent it: canonical host,
  // IPv6 without brackets), if the latest attempt was refused. Thread-safe.
  std::optional<Refusal> RefusalOf(const std::string& host, int port) const;
  GuardStats stats() const;

  struct Impl;  // the libuv side (egress_guard.cc)

 private:
  EgressGuard() = default;
  friend struct Tunnel;
  void NoteOutcome(const std::string& host, int port, std::optional<Refusal> refusal);

  int port_ = 0;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<uint64_t> tunnels_{0}, blocked_{0}, failed_{0}, bytes_relayed_{0};
  std::atomic<double> thread_cpu_s_{0};  // the guard thread's CPU time, set when it ends
  mutable std::mutex mutex_;  // guards refusals_
  std::map<std::string, Refusal> refusals_;  // "host:port" -> latest refusal
};

}  // namespace worker::egress
