#include "cdp/chrome_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/log.h"

namespace cdp {
namespace {

namespace fs = std::filesystem;
using common::Result;
using common::Status;

constexpr const char* kProfilePrefix = "trackscan-profile-";

fs::path TempRoot() {
  const char* tmp = getenv("TMPDIR");
  return (tmp && *tmp) ? fs::path(tmp) : fs::path("/tmp");
}

// Headless Chromium 156 blocks third-party cookies in a fresh profile
// (profile.cookie_controls_mode = 1); an ordinary user's browser sends them,
// and trackers rely on them, so the scan profile allows them. Browser contexts
// created over CDP inherit these preferences.
constexpr const char* kPreferences =
    R"({"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false,)"
    R"("default_content_setting_values":{"popups":1,"cookies":1}},)"
    R"("download":{"prompt_for_download":false}})";

Status WriteProfile(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir / "Default", ec);
  if (!ec) fs::create_directories(dir / "tmp", ec);
  if (ec) return Status::Internal("create profile: " + ec.message());
  std::ofstream prefs(dir / "Default" / "Preferences");
  prefs << kPreferences;
  std::ofstream owner(dir / "trackscan.pid");
  owner << getpid();
  return (prefs && owner) ? Status::Ok() : Status::Internal("write profile preferences in " + dir.string());
}

[[noreturn]] void ExecChrome(const std::string& path, const std::vector<std::string>& args,
                             const fs::path& log) {
  setsid();  // own process group: Kill() takes renderers and zygotes with it
  // Chromium leaves org.chromium.Chromium.* files in TMPDIR when killed; keep
  // them inside the profile, which Kill() removes.
  setenv("TMPDIR", (log.parent_path() / "tmp").c_str(), 1);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); close(fd); }
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) { dup2(null_fd, 0); close(null_fd); }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(path.c_str(), argv.data());
  _exit(127);
}

std::string Tail(const fs::path& file, size_t max_bytes) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

// DevToolsActivePort holds the port and the browser target's path, one a line.
bool ReadActivePort(const fs::path& file, std::string* ws_url) {
  std::ifstream in(file);
  std::string port, path;
  if (!std::getline(in, port) || !std::getline(in, path) || port.empty() || path.empty()) return false;
  *ws_url = "ws://127.0.0.1:" + port + path;
  return true;
}

constexpr const char* kListSwitches[] = {"--disable-features=", "--enable-features="};

// Chromium keeps only the last of a repeated switch, so a user's
// --disable-features would silently drop ours: feature lists are merged.
std::vector<std::string> MergeFlags(std::vector<std::string> flags, const std::vector<std::string>& extra) {
  for (const auto& flag : extra) {
    bool merged = false;
    for (std::string_view prefix : kListSwitches) {
      if (flag.rfind(prefix, 0) != 0) continue;
      for (auto& existing : flags) {
        if (existing.rfind(prefix, 0) == 0) {
          existing += "," + flag.substr(prefix.size());
          merged = true;
        }
      }
    }
    if (!merged) flags.push_back(flag);
  }
  return flags;
}

}  // namespace

std::vector<std::string> ChromeProcess::DefaultFlags() {
  std::vector<std::string> flags = {
      "--headless", "--remote-debugging-port=0",
      // Quiet the browser, or its own traffic pollutes the data (and fails on closed networks).
      "--disable-background-networking", "--disable-component-update", "--no-first-run",
      "--disable-sync", "--no-default-browser-check", "--disable-default-apps",
      "--disable-domain-reliability", "--disable-client-side-phishing-detection",
      "--metrics-recording-only", "--mute-audio", "--disable-gpu",
      // As Puppeteer launches it: popups open, so their trackers run.
      "--disable-popup-blocking",
      // Small /dev/shm in containers crashes Chromium on heavy pages.
      "--disable-dev-shm-usage",
      // Chrome's third-party-cookie deprecation experiments would hide what trackers do.
      "--disable-features=TrackingProtection3pcd,NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
      "--disable-extensions",
  };
  if (geteuid() == 0) flags.push_back("--no-sandbox");  // Chromium refuses to run as root otherwise
  return flags;
}

// Without its sandbox a compromised renderer runs with all our rights, as
// root here: allowed (CI containers, a developer's box), never silent.
void ChromeProcess::WarnIfUnsandboxed(const std::vector<std::string>& args) {
  static bool warned = false;
  if (warned || std::find(args.begin(), args.end(), "--no-sandbox") == args.end()) return;
  warned = true;
  common::LogWarn(std::string("SECURITY: Chromium runs WITHOUT its sandbox (--no-sandbox") +
                  (geteuid() == 0 ? ", because trackscan runs as root" : ", as --chrome-flag asked") +
                  "): a page that exploits the renderer gets this process's rights" +
                  (geteuid() == 0 ? ", root's" : "") +
                  ". Run trackscan as an unprivileged user (deploy/Dockerfile uses uid 10001).");
}

Result<std::unique_ptr<ChromeProcess>> ChromeProcess::Launch(const LaunchOptions& options) {
  if (access(options.chrome_path.c_str(), X_OK) != 0) {
    return Status::Unavailable("Chromium not found at " + options.chrome_path +
                               ": install Debian's package with `apt-get install chromium`, or pass --chrome PATH");
  }
  std::string templ = (TempRoot() / (std::string(kProfilePrefix) + "XXXXXX")).string();
  if (!mkdtemp(templ.data())) return Status::Internal("mkdtemp " + templ + ": " + strerror(errno));
  std::unique_ptr<ChromeProcess> chrome(new ChromeProcess());
  chrome->profile_dir_ = templ;
  if (Status s = WriteProfile(templ); !s.ok()) return s;

  std::vector<std::string> args = MergeFlags(DefaultFlags(), options.extra_flags);
  WarnIfUnsandboxed(args);
  args.push_back("--user-data-dir=" + templ);
  args.push_back("about:blank");
  fs::path log = fs::path(templ) / "chrome.log";

  pid_t pid = fork();
  if (pid < 0) return Status::Internal(std::string("fork: ") + strerror(errno));
  if (pid == 0) ExecChrome(options.chrome_path, args, log);
  chrome->pid_ = pid;

  auto deadline = common::Clock::now() + options.startup_timeout;
  fs::path port_file = fs::path(templ) / "DevToolsActivePort";
  while (!ReadActivePort(port_file, &chrome->websocket_url_)) {
    if (chrome->Exited()) {
      return Status::Unavailable("Chromium exited during start-up: " + Tail(log, 600));
    }
    if (common::Clock::now() > deadline) {
      return Status::Unavailable("Chromium did not open its DevTools port within " +
                                 std::to_string(options.startup_timeout.count()) + " ms: " + Tail(log, 600));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return chrome;
}

bool ChromeProcess::Exited() {
  if (reaped_) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
  return reaped_;
}

void ChromeProcess::Kill() {
  if (pid_ > 0) {
    // A graceful exit first: Chromium then reaps its zygote and renderers, so
    // their CPU time is accounted to us (the benchmark reads it) and no
    // half-written profile files hold the removal up.
    if (!Exited()) kill(pid_, SIGTERM);
    for (int i = 0; i < 200 && !Exited(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    killpg(pid_, SIGKILL);  // the group: zygotes and renderers too
    if (!reaped_) waitpid(pid_, nullptr, 0);
    reaped_ = true;
    // Children of the group may outlive the leader by a moment; they hold no
    // files we need, but wait briefly so the profile can be removed cleanly.
    for (int i = 0; i < 50 && killpg(pid_, 0) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }
  if (!profile_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(profile_dir_, ec);
    profile_dir_.clear();
  }
}

ChromeProcess::~ChromeProcess() { Kill(); }

void ChromeProcess::RemoveStaleProfiles() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(TempRoot(), ec)) {
    if (entry.path().filename().string().rfind(kProfilePrefix, 0) != 0) continue;
    std::ifstream owner(entry.path() / "trackscan.pid");
    pid_t pid = 0;
    if (!(owner >> pid) || pid <= 0) continue;  // not ours to judge
    if (kill(pid, 0) == 0 || errno == EPERM) continue;  // its owner still runs
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace cdp
