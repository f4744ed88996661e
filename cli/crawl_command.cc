#include "cli/crawl_command.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "common/child_process.h"
#include "common/stop_signal.h"
#include "fleet/redis_client.h"
#include "fleet/store/run_report.h"
#include "coordinator/submit.h"

namespace cli {
namespace {

using fleet::DescribeRun;
using fleet::RunInfo;
using fleet::RunStore;
using coordinator::SubmitRun;

using common::ChildProcess;
using common::Result;
using common::Status;
using Clock = std::chrono::steady_clock;

std::string SelfPath() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "trackscan";
}

std::string DefaultRunName() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "crawl-%Y%m%d-%H%M%S", &tm);
  return buf;
}

std::string DefaultStateDir() {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/trackscan";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.local/state/trackscan";
}

Status MakeDirs(const std::string& path) {
  for (size_t pos = 1; pos != std::string::npos;) {
    pos = path.find('/', pos + 1);
    std::string prefix = path.substr(0, pos);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return Status::InvalidArgument("cannot create " + prefix + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

std::string Minutes(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  int s = static_cast<int>(seconds);
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

// The private Redis: append-only file on, so a crash or a Ctrl-C keeps every
// acknowledged write, and its data outlives the crawl for --resume.
class PrivateRedis {
 public:
  Status Start(const std::string& dir) {
    if (Status s = MakeDirs(dir); !s.ok()) return s;
    socket_ = dir + "/redis.sock";
    auto child = ChildProcess::Spawn({"redis-server", "--port", "0", "--unixsocket", socket_, "--unixsocketperm",
                                      "700", "--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec",
                                      "--save", "", "--loglevel", "warning"});
    if (!child.ok()) return child.status();
    process_ = std::move(child.value());
    for (int i = 0; i < 100; ++i) {
      int status;
      if (process_->Exited(&status)) {
        return Status::Unavailable("redis-server exited at start (is another crawl using " + dir +
                                   "? or install redis-server)");
      }
      fleet::RedisAddress address;
      address.unix_path = socket_;
      fleet::RedisOptions quick;
      quick.connect_timeout = common::Duration(200);
      quick.reconnect_for = common::Duration(0);
      if (fleet::RedisClient::Connect(address, quick).ok()) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Status::Unavailable("redis-server did not answer on " + socket_);
  }
  std::string url() const { return "unix://" + socket_; }
  void Stop() {
    if (process_) process_->Stop(10000);  // SIGTERM: redis flushes the append-only file
  }

 private:
  std::string socket_;
  std::unique_ptr<ChildProcess> process_;
};

class Fleet {
 public:
  Fleet(const CrawlOptions& options, std::string redis_url, std::string endpoint)
      : options_(options), redis_url_(std::move(redis_url)), endpoint_(std::move(endpoint)) {}

  Status Start() {
    if (Status s = StartCoordinator(); !s.ok()) return s;
    workers_.resize(static_cast<size_t>(options_.workers));
    for (size_t i = 0; i < workers_.size(); ++i) {
      if (Status s = StartWorker(i); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // Restarts what died; false when workers keep dying at start (no Chromium...).
  bool Supervise() {
    int status;
    if (coordinator_->Exited(&status)) {
      std::cerr << "\ntrackscan: the coordinator exited (status " << status << "); restarting it\n";
      if (!StartCoordinator().ok()) return false;
    }
    for (size_t i = 0; i < workers_.size(); ++i) {
      if (!workers_[i]->Exited(&status)) continue;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 1 && ++worker_failures_ > 3 * options_.workers) {
        std::cerr << "\ntrackscan: workers keep failing at start; see their messages above\n";
        return false;
      }
      std::cerr << "\ntrackscan: worker " << i + 1 << " exited; restarting it\n";
      if (!StartWorker(i).ok()) return false;
    }
    return true;
  }

  void Stop() {
    // Workers first: they hand their URLs back to the coordinator.
    for (auto& w : workers_) if (w) w->Signal(SIGTERM);
    for (auto& w : workers_) if (w) w->Stop(15000);
    if (coordinator_) coordinator_->Stop(5000);
  }

 private:
  Status StartCoordinator() {
    auto child = ChildProcess::Spawn({SelfPath(), "coordinator", "--bind", endpoint_, "--redis", redis_url_,
                                      "--batch-size", std::to_string(options_.batch_size), "--attempts",
                                      std::to_string(options_.max_attempts)});
    if (!child.ok()) return child.status();
    coordinator_ = std::move(child.value());
    return Status::Ok();
  }

  Status StartWorker(size_t i) {
    std::vector<std::string> argv{SelfPath(), "worker", "--connect", endpoint_, "--redis", redis_url_, "--tabs",
                                  std::to_string(options_.tabs), "--id", "crawl-" + std::to_string(getpid()) +
                                  "-w" + std::to_string(i + 1) + "-" + std::to_string(++worker_starts_)};
    argv.insert(argv.end(), options_.worker_args.begin(), options_.worker_args.end());
    auto child = ChildProcess::Spawn(argv);
    if (!child.ok()) return child.status();
    workers_[i] = std::move(child.value());
    return Status::Ok();
  }

  const CrawlOptions& options_;
  std::string redis_url_, endpoint_;
  std::unique_ptr<ChildProcess> coordinator_;
  std::vector<std::unique_ptr<ChildProcess>> workers_;
  int worker_failures_ = 0, worker_starts_ = 0;
};

Status Export(fleet::RedisClient& redis, const RunInfo& run, const CrawlOptions& options, std::string* path) {
  *path = !options.out.empty() ? options.out : run.name + "." + options.format;
  return fleet::ExportToFile(redis, run, options.format, *path);
}

void PrintSummary(fleet::RedisClient& redis, const RunInfo& run, const std::string& path) {
  std::cout << DescribeRun(run) << "\n";
  auto top = TopThirdParties(redis, run.name, 10);
  if (top.ok() && !top->empty()) {
    std::cout << "top third parties (sites that sent them data):\n";
    for (const auto& [domain, sites] : top.value()) std::cout << "  " << sites << "  " << domain << "\n";
  }
  std::cout << "export: " << path << "\n";
}

}  // namespace

int RunCrawlCommand(CrawlOptions options) {
  if (options.resume.empty() && options.urls_file.empty()) {
    std::cerr << "trackscan: give a URL file (or --resume RUN)\n";
    return 2;
  }
  std::string run_name = !options.resume.empty() ? options.resume
                         : !options.run.empty()  ? options.run
                                                 : DefaultRunName();
  if (options.state_dir.empty()) options.state_dir = DefaultStateDir();
  common::InstallStopSignalHandlers();

  PrivateRedis private_redis;
  std::string redis_url = options.redis_url;
  if (redis_url.empty()) {
    if (Status s = private_redis.Start(options.state_dir + "/redis"); !s.ok()) {
      std::cerr << "trackscan: " << s.message() << "\n";
      return 1;
    }
    redis_url = private_redis.url();
  }
  auto address = fleet::ParseRedisUrl(redis_url);
  if (!address.ok()) {
    std::cerr << "trackscan: " << address.status().message() << "\n";
    return 2;
  }
  auto redis = fleet::RedisClient::Connect(address.value());
  if (!redis.ok()) {
    std::cerr << "trackscan: cannot reach Redis at " << fleet::ToRedisUrl(address.value()) << ": "
              << redis.status().message() << "\n";
    return 1;
  }
  RunStore store(*redis.value());
  if (options.resume.empty()) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (options.urls_file != "-") {
      file.open(options.urls_file);
      if (!file) {
        std::cerr << "trackscan: cannot read " << options.urls_file << "\n";
        return 2;
      }
      in = &file;
    }
    RunInfo run;
    run.name = run_name;
    run.settings = options.settings;
    run.ttl_s = options.ttl_s;
    auto report = SubmitRun(store, run, *in);
    if (!report.ok()) {
      std::cerr << "trackscan: " << report.status().message() << "\n";
      return report.status().code() == common::Code::kInvalidArgument ? 2 : 1;
    }
    for (const auto& why : report->rejected) std::cerr << "trackscan: skipped " << why << "\n";
    if (report->rejected_count > static_cast<int64_t>(report->rejected.size())) {
      std::cerr << "trackscan: skipped " << report->rejected_count << " lines in all\n";
    }
  } else if (!store.GetRun(run_name).ok()) {
    std::cerr << "trackscan: no run " << run_name << " in " << fleet::ToRedisUrl(address.value()) << "\n";
    return 2;
  }

  std::string endpoint = "ipc://" + options.state_dir + "/coordinator-" + std::to_string(getpid()) + ".sock";
  if (Status s = MakeDirs(options.state_dir); !s.ok()) {
    std::cerr << "trackscan: " << s.message() << "\n";
    return 1;
  }
  Fleet fleet(options, redis_url, endpoint);
  if (Status s = fleet.Start(); !s.ok()) {
    std::cerr << "trackscan: " << s.message() << "\n";
    return 1;
  }
  bool tty = isatty(STDERR_FILENO);
  auto started = Clock::now();
  int64_t finished_at_start = -1;
  auto last_line = Clock::now() - std::chrono::hours(1);
  RunInfo run;
  bool ok = true;
  while (!common::StopRequested()) {
    auto info = store.GetRun(run_name);
    if (info.ok()) {
      run = info.value();
      int64_t finished = run.done + run.failed;
      if (finished_at_start < 0) finished_at_start = finished;
      double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
      double rate = (finished - finished_at_start) / std::max(elapsed, 1.0) * 60;
      double eta = rate > 0 ? (run.total - finished) / rate * 60 : NAN;
      if (tty || Clock::now() - last_line > std::chrono::seconds(10) || run.state == "done") {
        last_line = Clock::now();
        std::fprintf(stderr, "%s%s: %lld/%lld done, %lld failed, %lld in flight, %.1f visits/min, ETA %s%s",
                     tty ? "\r\033[K" : "", run.name.c_str(), static_cast<long long>(run.done),
                     static_cast<long long>(run.total), static_cast<long long>(run.failed),
                     static_cast<long long>(run.in_flight), rate, Minutes(eta).c_str(), tty ? "" : "\n");
      }
      if (run.state == "done") break;
    }
    if (!fleet.Supervise()) {
      ok = false;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (tty) std::fprintf(stderr, "\n");
  fleet.Stop();
  int code = 0;
  if (common::StopRequested() || !ok) {
    std::cerr << "trackscan: stopped; go on with: trackscan crawl --resume " << run_name
              << (options.redis_url.empty() ? " --state-dir " + options.state_dir : " --redis " + options.redis_url)
              << "\n";
    code = 1;
  } else {
    std::string path;
    Status s = Export(*redis.value(), run, options, &path);
    if (s.ok() || s.code() == common::Code::kDecode) PrintSummary(*redis.value(), run, path);  // written, maybe incomplete
    if (!s.ok()) {
      std::cerr << "trackscan: export failed: " << s.message() << "\n";
      code = 1;
    }
  }
  redis.value().reset();
  private_redis.Stop();
  return code;
}

}  // namespace cli
