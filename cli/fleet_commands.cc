// The fleet's subcommands: crawl (a whole fleet on this machine; its body is
// cli/crawl_command.cc), coordinator, worker and keygen (CURVE keys).
#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/crawl_command.h"
#include "cli/flags.h"
#include "common/log.h"
#include "common/stop_signal.h"
#include "coordinator/coordinator.h"
#include "fleet/curve_keys.h"
#include "worker/scan/fleet_worker.h"

namespace cli {
namespace {

struct CrawlFlags {
  CrawlOptions options;
  worker::ScanOptions scan;
  VisitFlags visit;
  InteractFlags interact;
  worker::AnalysisSettings analysis;
  EgressFlags egress;
};

int RunCrawl(CrawlFlags& f) {
  CrawlOptions& o = f.options;
  if (auto s = ApplyEgressFlags(f.scan, f.egress); !s.ok()) return Fail(s.message(), 2);
  // The run's setting narrows the entry URLs; each worker's own flags set its guard.
  o.settings.allow_private_targets = f.egress.allow_private;
  for (auto& arg : EgressArgs(f.egress)) o.worker_args.push_back(arg);
  o.settings.timeout_s = f.visit.timeout_s;
  o.settings.min_dwell_s = f.visit.dwell_s;
  o.settings.quiet_period_s = f.visit.quiet_s;
  o.settings.post_data_cap = static_cast<int64_t>(f.scan.visit.post_data_cap);
  if (!f.scan.launch.chrome_path.empty()) o.worker_args.push_back("--chrome=" + f.scan.launch.chrome_path);
  for (const auto& flag : f.scan.launch.extra_flags) o.worker_args.push_back("--chrome-flag=" + flag);
  o.worker_args.push_back("--websocket-payload-cap=" + std::to_string(f.scan.visit.websocket_payload_cap));
  o.worker_args.push_back("--cdp-message-cap=" + std::to_string(f.scan.launch.max_message_bytes));
  for (auto& arg : BudgetArgs(f.scan.visit.budgets)) o.worker_args.push_back(std::move(arg));
  ApplyInteractFlags(f.scan.visit.interact, f.interact, f.analysis);
  if (auto s = CheckConsent(f.scan.visit.interact); !s.ok()) return Fail(s.message() + " (--autoconsent-dir)", 2);
  // Loaded once here and dropped, so that a missing file fails the crawl, not each worker.
  if (auto a = worker::MakeVisitAnalyzer(f.analysis, f.scan.visit.interact.canary); !a.ok()) {
    return Fail(a.status().message(), 2);
  }
  o.worker_args.push_back("--pages=" + std::to_string(f.scan.subpages));
  for (auto& arg : InteractArgs(f.scan.visit.interact, f.interact)) o.worker_args.push_back(arg);
  for (auto& arg : worker::AnalysisArgs(f.analysis)) o.worker_args.push_back(arg);
  return RunCrawlCommand(std::move(o));
}

Subcommand AddCrawl(CLI::App& app) {
  auto f = std::make_shared<CrawlFlags>();
  CrawlOptions& o = f->options;
  CLI::App* crawl = app.add_subcommand(
      "crawl", "Scan a URL list with a local fleet (private Redis, coordinator, workers) and export the run");
  crawl->add_option("urls_file", o.urls_file, "URLs, one a line, or a Tranco-style rank,domain CSV ('-' for stdin)");
  crawl->add_option("--run", o.run, "Name of the run (default crawl-DATE-TIME)");
  crawl->add_option("--resume", o.resume, "Go on with a stopped run instead of submitting one");
  crawl->add_option("--redis", o.redis_url,
                    "Redis to use (redis://[user:pass@]host:port/db or unix:///path); default: a private one");
  crawl->add_option("--state-dir", o.state_dir,
                    "Where the private Redis keeps its data (default ~/.local/state/trackscan)");
  crawl->add_option("--workers", o.workers, "Worker processes, each with its own Chromium")
      ->check(CLI::Range(1, 64))->capture_default_str();
  crawl->add_option("--tabs", o.tabs, "Visits at once per worker")->check(CLI::Range(1, 64))->capture_default_str();
  crawl->add_option("--batch-size", o.batch_size, "URLs per batch")->check(CLI::Range(1, 1000))->capture_default_str();
  crawl->add_option("--attempts", o.max_attempts, "Dispatches of a URL before it is recorded failed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  crawl->add_option("--out", o.out, "Export path (default RUN.jsonl or RUN.csv)");
  crawl->add_option("--format", o.format, "Export format")
      ->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  AddVisitFlags(*crawl, f->scan, f->visit);
  AddInteractFlags(*crawl, f->scan.visit.interact, f->interact);
  AddAnalysisFlags(*crawl, f->analysis);
  AddEgressFlags(*crawl, f->egress);
  AddTtlFlag(*crawl, o.ttl_s);
  return {crawl, [f] { return RunCrawl(*f); }};
}

struct CoordinatorFlags {
  coordinator::CoordinatorOptions options;
  std::string redis, key_file, allow_file;
  double lease_s = 600;
};

int RunCoordinator(CoordinatorFlags& f) {
  common::SetLogName("coordinator");
  if (!f.key_file.empty()) {
    auto keys = fleet::ReadCurveKeyFile(f.key_file);
    if (!keys.ok()) return Fail(keys.status().message(), 2);
    f.options.curve_secret_key = keys->secret_key;
  }
  if (!f.allow_file.empty()) {
    if (f.key_file.empty()) return Fail("--curve-allow needs --curve-key-file", 2);
    auto allowed = fleet::ReadCurveAllowList(f.allow_file);
    if (!allowed.ok()) return Fail(allowed.status().message(), 2);
    f.options.curve_allowed_workers = allowed.value();
  }
  auto address = RedisOf(f.redis);
  if (!address.ok()) return Fail(address.status().message(), 2);
  f.options.redis = address.value();
  f.options.lease = Ms(f.lease_s);
  common::InstallStopSignalHandlers();
  coordinator::Coordinator server(f.options);
  common::Status s = server.Run([] { return common::StopRequested(); });
  if (!s.ok()) return Fail(s.message(), 1);
  return 0;
}

Subcommand AddCoordinator(CLI::App& app) {
  auto f = std::make_shared<CoordinatorFlags>();
  coordinator::CoordinatorOptions& o = f->options;
  CLI::App* coord = app.add_subcommand("coordinator", "Hand batches of queued URLs to workers (ZeroMQ)");
  coord->add_option("--bind", o.bind, "ZeroMQ endpoint to listen on")->capture_default_str();
  coord->add_option("--redis", f->redis, "Redis URL (default redis://127.0.0.1:6379)");
  coord->add_option("--batch-size", o.batch_size, "URLs per batch")->check(CLI::Range(1, 1000))->capture_default_str();
  coord->add_option("--attempts", o.max_attempts, "Dispatches of a URL before it is recorded failed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  coord->add_option("--lease", f->lease_s, "Seconds a worker has to finish a batch before it is re-queued")
      ->check(CLI::Range(5.0, 86400.0))->capture_default_str();
  coord->add_option("--requests-stream", o.requests_stream, "Redis Stream of on-demand scan requests")
      ->capture_default_str();
  coord->add_flag("--allow-private-targets", o.allow_private_targets,
                  "Let on-demand requests scan loopback, private or link-local addresses");
  coord->add_option("--curve-key-file", f->key_file,
                    "CURVE: FILE holding the coordinator's secret key (from `trackscan keygen`); encrypts the socket");
  coord->add_option("--curve-allow", f->allow_file,
                    "CURVE: FILE of worker public keys allowed to connect, one a line (default: any)");
  return {coord, [f] { return RunCoordinator(*f); }};
}

struct WorkerFlags {
  worker::FleetWorkerOptions options;
  std::string redis, key_file;
  VisitFlags visit;
  InteractFlags interact;
  worker::AnalysisSettings analysis;
  EgressFlags egress;
};

int RunWorker(WorkerFlags& f) {
  worker::FleetWorkerOptions& o = f.options;
  if (auto s = ApplyEgressFlags(o.scan, f.egress); !s.ok()) return Fail(s.message(), 2);
  if (!o.curve_server_key.empty() && !fleet::IsZ85Key(o.curve_server_key)) {
    return Fail("--curve-server-key is not a 40-character Z85 key", 2);
  }
  if (!f.key_file.empty()) {
    if (o.curve_server_key.empty()) return Fail("--curve-key-file needs --curve-server-key", 2);
    auto keys = fleet::ReadCurveKeyFile(f.key_file);
    if (!keys.ok()) return Fail(keys.status().message(), 2);
    o.curve_public_key = keys->public_key;
    o.curve_secret_key = keys->secret_key;
  }
  auto address = RedisOf(f.redis);
  if (!address.ok()) return Fail(address.status().message(), 2);
  o.redis = address.value();
  ApplyVisitFlags(o.scan, f.visit);
  ApplyInteractFlags(o.scan.visit.interact, f.interact, f.analysis);
  if (auto s = CheckConsent(o.scan.visit.interact); !s.ok()) return Fail(s.message() + " (--autoconsent-dir)", 2);
  if (auto s = SetAnalyzer(o.scan, f.analysis); !s.ok()) return Fail(s.message(), 2);
  return worker::RunWorkerCommand(std::move(o));
}

Subcommand AddWorker(CLI::App& app) {
  auto f = std::make_shared<WorkerFlags>();
  worker::FleetWorkerOptions& o = f->options;
  CLI::App* work = app.add_subcommand("worker", "Visit URLs the coordinator hands out; store records in Redis");
  // A long-running worker's own defaults, set before CLI11 captures them for --help.
  o.scan.restart_every = 200;
  o.scan.memory_cap_mb = 4096;
  work->add_option("--connect", o.connect, "The coordinator's ZeroMQ endpoint")->capture_default_str();
  work->add_option("--redis", f->redis, "Redis URL (default redis://127.0.0.1:6379)");
  work->add_option("--tabs", o.scan.concurrency, "Visits at once, each in its own browser context")
      ->check(CLI::Range(1, 64))->capture_default_str();
  work->add_option("--id", o.worker_id, "Worker id (default HOST-PID)");
  work->add_option("--restart-every", o.scan.restart_every,
                   "Start a fresh Chromium after this many visits (0: never)")->capture_default_str();
  work->add_option("--memory-cap", o.scan.memory_cap_mb,
                   "Replace Chromium once its processes use more than MB (0: no cap)")->capture_default_str();
  work->add_option("--attempts", o.scan.max_attempts, "Tries of a visit whose browser crashed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  AddVisitFlags(*work, o.scan, f->visit);
  AddInteractFlags(*work, o.scan.visit.interact, f->interact);
  AddAnalysisFlags(*work, f->analysis);
  AddEgressFlags(*work, f->egress);
  work->add_option("--curve-server-key", o.curve_server_key,
                   "CURVE: the coordinator's public key (Z85); turns encryption on");
  work->add_option("--curve-key-file", f->key_file,
                   "CURVE: FILE holding this worker's secret key (default: a fresh key per run)");
  return {work, [f] { return RunWorker(*f); }};
}

// The secret key file is created, never overwritten, and readable by its owner only.
int RunKeygen(const std::string& path) {
  auto keys = fleet::GenerateCurveKeyPair();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Fail("cannot create " + path + " (it must not exist yet)", 1);
  std::string text = keys.secret_key + "\n";
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) return Fail("cannot write " + path, 1);
  std::cout << keys.public_key << "\n";
  return 0;
}

Subcommand AddKeygen(CLI::App& app) {
  auto out = std::make_shared<std::string>();
  CLI::App* keygen = app.add_subcommand("keygen", "Make a CURVE key pair: the secret to FILE, the public key to stdout");
  keygen->add_option("--out", *out, "File for the secret key (created with mode 600)")->required();
  return {keygen, [out] { return RunKeygen(*out); }};
}

}  // namespace

void AddFleetCommands(CLI::App& app, std::vector<Subcommand>& out) {
  out.push_back(AddCrawl(app));
  out.push_back(AddCoordinator(app));
  out.push_back(AddWorker(app));
  out.push_back(AddKeygen(app));
}

}  // namespace cli
