// ChromeProcess: one headless Chromium, started with a fresh temporary
// profile and --remote-debugging-port=0, owned by this object. Destroying it
// kills Chromium's whole process group and removes the profile: nothing is
// left behind. Chromium also dies with us (PR_SET_PDEATHSIG) if trackscan is
// killed outright. Loop thread only; Launch blocks until DevTools answers
// (about a second) or fails.
#pragma once

#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "cdp/transport.h"
#include "common/loop.h"
#include "common/status.h"

namespace cdp {

struct LaunchOptions {
  // The browser binary itself: Debian's /usr/bin/chromium wrapper adds flags and extensions.
  std::string chrome_path = "/usr/lib/chromium/chromium";
  std::vector<std::string> extra_flags;  // appended last, so they can override ours
  common::Duration startup_timeout{20000};
  // The longest CDP message taken from this browser (--cdp-message-cap); the
  // caller's transport and Connection enforce it.
  size_t max_message_bytes = kDefaultMaxMessageBytes;
};

class ChromeProcess {
 public:
  // kUnavailable with an actionable message when the binary is missing or
  // Chromium exits or stays silent before writing DevToolsActivePort.
  static common::Result<std::unique_ptr<ChromeProcess>> Launch(const LaunchOptions& options);
  ~ChromeProcess();
  ChromeProcess(const ChromeProcess&) = delete;
  ChromeProcess& operator=(const ChromeProcess&) = delete;

  const std::string& websocket_url() const { return websocket_url_; }  // ws://127.0.0.1:PORT/devtools/browser/ID
  pid_t pid() const { return pid_; }
  // True once the main Chromium process has exited (reaps it).
  bool Exited();
  // Kills the process group now (idempotent); the destructor also does this.
  void Kill();

  // The flags trackscan always passes (exposed for tests and --help).
  static std::vector<std::string> DefaultFlags();
  // Logs a warning, once per process, when `args` (the flags Chromium gets)
  // turn its sandbox off: as root, trackscan adds --no-sandbox itself.
  static void WarnIfUnsandboxed(const std::vector<std::string>& args);
  // Removes profiles left by trackscan processes that no longer run (kill -9).
  static void RemoveStaleProfiles();

 private:
  ChromeProcess() = default;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string profile_dir_;
  std::string websocket_url_;
};

}  // namespace cdp
