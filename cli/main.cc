// trackscan: find out what websites send to third parties.
// Thin entry point: parses flags and hands over to the subcommand.
#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <unistd.h>

#include "fleet/curve_keys.h"
#include "common/log.h"
#include "coordinator/coordinator.h"
#include "cli/crawl_command.h"
#include "fleet/store/run_report.h"
#include "coordinator/submit.h"
#include "worker/analysis/analyzer_setup.h"
#include "worker/analysis/classify/tracker_data.h"
#include "worker/scan/fleet_worker.h"
#include "worker/interact/autoconsent.h"
#include "cli/scan_command.h"

namespace {

struct VisitFlags {
  double timeout_s = 30, dwell_s = 3, quiet_s = 2;
};

common::Duration Ms(double s) { return common::Duration(static_cast<int64_t>(s * 1000)); }

// The flags of one visit, shared by scan, worker and crawl.
void AddVisitFlags(CLI::App& app, worker::ScanOptions& o, VisitFlags& v) {
  app.add_option("--timeout", v.timeout_s, "Hard deadline of one visit, in seconds")
      ->check(CLI::Range(1.0, 3600.0))->capture_default_str();
  app.add_option("--min-dwell", v.dwell_s, "Stay at least this long on a page after navigating, in seconds")
      ->check(CLI::Range(0.0, 3600.0))->capture_default_str();
  app.add_option("--quiet-period", v.quiet_s,
                 "The page is done once loaded and the network was quiet this long, in seconds")
      ->check(CLI::Range(0.0, 600.0))->capture_default_str();
  app.add_option("--post-data-cap", o.visit.post_data_cap, "Keep at most BYTES of each request body")
      ->capture_default_str();
  app.add_option("--websocket-payload-cap", o.visit.websocket_payload_cap,
                 "Keep at most BYTES of each WebSocket frame")->capture_default_str();
  app.add_option("--pages", o.subpages,
                 "Also visit up to N same-site links of each entry page, each as a visit of its own")
      ->check(CLI::Range(0, 100))->capture_default_str();
  app.add_option("--chrome", o.launch.chrome_path, "The Chromium binary (not Debian's wrapper script)")
      ->capture_default_str();
  app.add_option("--chrome-flag", o.launch.extra_flags,
                 "Extra Chromium flag, repeatable (e.g. --chrome-flag=--host-resolver-rules=...)")
      ->allow_extra_args(false);
}

// Interaction and consent (issue 4), shared by scan, worker and crawl.
struct InteractFlags {
  std::string interact = "all", consent = "none";
};

void AddInteractFlags(CLI::App& app, worker::interact::InteractOptions& o, InteractFlags& f) {
  app.add_option("--interact", f.interact, "After the load event: type a canary identity into form fields "
                 "and/or click calls to action (never submitting, never paying)")
      ->check(CLI::IsMember({"none", "type", "click", "all"}))->capture_default_str();
  app.add_option("--canary-email", o.canary.email, "Email typed into email fields")->capture_default_str();
  app.add_option("--canary-phone", o.canary.phone, "Phone number typed into phone fields")->capture_default_str();
  app.add_option("--canary-phone-country-code", o.canary.phone_country_code,
                 "Country calling code of --canary-phone (its national and E.164 forms are searched too)")
      ->capture_default_str();
  app.add_option("--canary-first-name", o.canary.first_name, "Given name typed")->capture_default_str();
  app.add_option("--canary-last-name", o.canary.last_name, "Family name typed")->capture_default_str();
  app.add_option("--canary-postcode", o.canary.postcode, "Postal code typed")->capture_default_str();
  app.add_option("--max-clicks", o.max_clicks, "Calls to action clicked per visit, at most")
      ->check(CLI::Range(0, 50))->capture_default_str();
  app.add_option("--click-words", o.click_words, "Comma-separated: click buttons and links whose text has one")
      ->delimiter(',')->capture_default_str();
  app.add_option("--never-click-words", o.never_click_words,
                 "Comma-separated: never click an element whose text or link has one (payment)")
      ->delimiter(',')->capture_default_str();
  app.add_option("--consent", f.consent, "Answer consent banners with DuckDuckGo autoconsent before interacting")
      ->check(CLI::IsMember({"none", "reject", "accept"}))->capture_default_str();
  app.add_option("--autoconsent-dir", o.autoconsent_dir,
                 "The @duckduckgo/autoconsent package (dist/autoconsent.playwright.js, rules/rules.json)")
      ->capture_default_str();
}

void ApplyInteractFlags(worker::interact::InteractOptions& o, const InteractFlags& f,
                        const worker::AnalysisSettings& a) {
  o.mode = worker::interact::ParseInteractMode(f.interact).value();  // checked by CLI11
  o.consent = worker::interact::ParseConsentMode(f.consent).value();
  if (o.autoconsent_dir.empty()) {
    std::string data = a.tracker_data_dir.empty() ? worker::classify::DefaultTrackerDataDir() : a.tracker_data_dir;
    o.autoconsent_dir = data + "/node_modules/@duckduckgo/autoconsent";
  }
}

std::string JoinComma(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// The interaction flags again, for the workers a crawl starts.
std::vector<std::string> InteractArgs(const worker::interact::InteractOptions& o, const InteractFlags& f) {
  std::vector<std::string> args = {
      "--interact=" + f.interact, "--consent=" + f.consent, "--canary-email=" + o.canary.email,
      "--canary-phone=" + o.canary.phone, "--canary-phone-country-code=" + o.canary.phone_country_code,
      "--canary-first-name=" + o.canary.first_name,
      "--canary-last-name=" + o.canary.last_name, "--canary-postcode=" + o.canary.postcode,
      "--max-clicks=" + std::to_string(o.max_clicks), "--click-words=" + JoinComma(o.click_words),
      "--never-click-words=" + JoinComma(o.never_click_words)};
  if (!o.autoconsent_dir.empty()) args.push_back("--autoconsent-dir=" + o.autoconsent_dir);
  return args;
}

// Tracker classification and leak search (issue 4), shared by scan, worker and crawl.
void AddAnalysisFlags(CLI::App& app, worker::AnalysisSettings& a) {
  app.add_option("--tracker-data", a.tracker_data_dir,
                 "Directory scripts/tracker_data.sh filled: filter lists, TrackerDB, autoconsent "
                 "(default $TRACKSCAN_TRACKER_DATA, else the source tree's data/)");
  app.add_flag("--no-tracker-data", a.no_tracker_data,
               "Scan without filter lists and TrackerDB (no filter_rule, no attribution)");
  app.add_option("--filter-list", a.extra_lists, "An extra filter list (Adblock Plus syntax), repeatable")
      ->allow_extra_args(false);
  app.add_option("--sensitive-terms", a.sensitive_terms_file,
                 "FILE of words that make a page URL or title sensitive, one a line (default: health terms)");
}

// The analyzer every result goes through; fails before any browser starts.
common::Status SetAnalyzer(worker::ScanOptions& o, const worker::AnalysisSettings& a) {
  auto analyzer = worker::MakeVisitAnalyzer(a, o.visit.interact.canary);
  if (!analyzer.ok()) return analyzer.status();
  o.analyze = [analyzer = analyzer.value()](worker::VisitResult& r) { analyzer->Analyze(r); };
  return common::Status::Ok();
}

// A missing autoconsent fails the scan before Chromium starts, not each visit.
common::Status CheckConsent(const worker::interact::InteractOptions& o) {
  if (o.consent == worker::interact::ConsentMode::kNone) return common::Status::Ok();
  auto source = worker::interact::LoadAutoconsentSource(o.autoconsent_dir, "check", o.consent);
  return source.ok() ? common::Status::Ok() : source.status();
}

void ApplyVisitFlags(worker::ScanOptions& o, const VisitFlags& v) {
  o.visit.timeout = Ms(v.timeout_s);
  o.visit.min_dwell = Ms(v.dwell_s);
  o.visit.quiet_period = Ms(v.quiet_s);
}

common::Result<fleet::RedisAddress> RedisOf(const std::string& url) {
  return url.empty() ? common::Result<fleet::RedisAddress>(fleet::RedisAddress{}) : fleet::ParseRedisUrl(url);
}

int Fail(const std::string& message, int code) {
  std::cerr << "trackscan: " << message << "\n";
  return code;
}

constexpr const char* kTtlHelp =
    "Delete the run from Redis SECONDS after it is done (a running coordinator does it; default 0: keep it)";
constexpr int64_t kMaxTtlS = 999'999'999'999;  // RunStore's limit

// Deletes the run a bounded step at a time (RunStore::DeleteRun), so Redis
// keeps serving the fleet in between.
int DeleteRunCommand(fleet::RunStore& store, const fleet::RunInfo& run) {
  constexpr int64_t kKeysPerStep = 1000;
  std::cout << "deleting " << fleet::DescribeRun(run) << std::endl;
  int steps = 0;
  for (bool gone = false; !gone; ++steps) {
    auto step = store.DeleteRun(run.name, kKeysPerStep);
    if (!step.ok()) return Fail("deleting " + run.name + " stopped after " + std::to_string(steps) +
                                " steps (run the command again to go on): " + step.status().message(), 1);
    gone = step.value();
  }
  std::cout << "run " << run.name << " deleted, " << steps << (steps == 1 ? " step" : " steps") << " of at most "
            << kKeysPerStep << " keys\n";
  return 0;
}

volatile std::sig_atomic_t g_stop = 0;
void OnStopSignal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trackscan: records what websites send to third parties, through headless Chromium"};
  app.require_subcommand(1);

  // scan
  cli::ScanCommandOptions scan_options;
  VisitFlags scan_visit;
  CLI::App* scan = app.add_subcommand(
      "scan", "Visit URLs and record every request, cookie, WebSocket frame, dialog, popup and download");
  scan->add_option("urls", scan_options.urls, "Entry URLs to visit (http or https)");
  scan->add_option("--input", scan_options.input_file,
                   "Read entry URLs from FILE, one a line ('-' for stdin; '#' comments)");
  scan->add_option("--out", scan_options.out, "Write the JSON Lines records to FILE ('-' for stdout, the default)");
  scan->add_option("--concurrency", scan_options.scan.concurrency, "Visits at once, each in its own browser context")
      ->check(CLI::Range(1, 64))->capture_default_str();
  scan->add_option("--attempts", scan_options.scan.max_attempts, "Tries of a visit whose browser crashed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  AddVisitFlags(*scan, scan_options.scan, scan_visit);
  InteractFlags scan_interact;
  AddInteractFlags(*scan, scan_options.scan.visit.interact, scan_interact);
  worker::AnalysisSettings scan_analysis;
  AddAnalysisFlags(*scan, scan_analysis);
  scan->add_flag("--allow-private-targets", scan_options.allow_private_targets,
                 "Allow entry URLs whose host resolves to a loopback, private or link-local address");

  // crawl
  cli::CrawlOptions crawl_options;
  worker::ScanOptions crawl_scan;
  VisitFlags crawl_visit;
  CLI::App* crawl = app.add_subcommand(
      "crawl", "Scan a URL list with a local fleet (private Redis, coordinator, workers) and export the run");
  crawl->add_option("urls_file", crawl_options.urls_file,
                    "URLs, one a line, or a Tranco-style rank,domain CSV ('-' for stdin)");
  crawl->add_option("--run", crawl_options.run, "Name of the run (default crawl-DATE-TIME)");
  crawl->add_option("--resume", crawl_options.resume, "Go on with a stopped run instead of submitting one");
  crawl->add_option("--redis", crawl_options.redis_url,
                    "Redis to use (redis://[user:pass@]host:port/db or unix:///path); default: a private one");
  crawl->add_option("--state-dir", crawl_options.state_dir,
                    "Where the private Redis keeps its data (default ~/.local/state/trackscan)");
  crawl->add_option("--workers", crawl_options.workers, "Worker processes, each with its own Chromium")
      ->check(CLI::Range(1, 64))->capture_default_str();
  crawl->add_option("--tabs", crawl_options.tabs, "Visits at once per worker")
      ->check(CLI::Range(1, 64))->capture_default_str();
  crawl->add_option("--batch-size", crawl_options.batch_size, "URLs per batch")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  crawl->add_option("--attempts", crawl_options.max_attempts, "Dispatches of a URL before it is recorded failed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  crawl->add_option("--out", crawl_options.out, "Export path (default RUN.jsonl or RUN.csv)");
  crawl->add_option("--format", crawl_options.format, "Export format")
      ->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  AddVisitFlags(*crawl, crawl_scan, crawl_visit);
  InteractFlags crawl_interact;
  AddInteractFlags(*crawl, crawl_scan.visit.interact, crawl_interact);
  worker::AnalysisSettings crawl_analysis;
  AddAnalysisFlags(*crawl, crawl_analysis);
  crawl->add_flag("--allow-private-targets", crawl_options.settings.allow_private_targets,
                  "Allow URLs whose host resolves to a loopback, private or link-local address");
  crawl->add_option("--ttl", crawl_options.ttl_s, kTtlHelp)->check(CLI::Range(int64_t{0}, kMaxTtlS));

  // coordinator
  coordinator::CoordinatorOptions coordinator_options;
  std::string coordinator_redis;
  double lease_s = 600;
  CLI::App* coord = app.add_subcommand("coordinator", "Hand batches of queued URLs to workers (ZeroMQ)");
  coord->add_option("--bind", coordinator_options.bind, "ZeroMQ endpoint to listen on")->capture_default_str();
  coord->add_option("--redis", coordinator_redis, "Redis URL (default redis://127.0.0.1:6379)");
  coord->add_option("--batch-size", coordinator_options.batch_size, "URLs per batch")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  coord->add_option("--attempts", coordinator_options.max_attempts, "Dispatches of a URL before it is recorded failed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  coord->add_option("--lease", lease_s, "Seconds a worker has to finish a batch before it is re-queued")
      ->check(CLI::Range(5.0, 86400.0))->capture_default_str();
  coord->add_option("--requests-stream", coordinator_options.requests_stream,
                    "Redis Stream of on-demand scan requests")->capture_default_str();
  coord->add_flag("--allow-private-targets", coordinator_options.allow_private_targets,
                  "Let on-demand requests scan loopback, private or link-local addresses");
  std::string coordinator_key_file, coordinator_allow_file;
  coord->add_option("--curve-key-file", coordinator_key_file,
                    "CURVE: FILE holding the coordinator's secret key (from `trackscan keygen`); encrypts the socket");
  coord->add_option("--curve-allow", coordinator_allow_file,
                    "CURVE: FILE of worker public keys allowed to connect, one a line (default: any)");

  // worker
  worker::FleetWorkerOptions worker_options;
  std::string worker_redis;
  VisitFlags worker_visit;
  CLI::App* work = app.add_subcommand("worker", "Visit URLs the coordinator hands out; store records in Redis");
  worker_options.scan.restart_every = 200;
  worker_options.scan.memory_cap_mb = 4096;
  work->add_option("--connect", worker_options.connect, "The coordinator's ZeroMQ endpoint")->capture_default_str();
  work->add_option("--redis", worker_redis, "Redis URL (default redis://127.0.0.1:6379)");
  work->add_option("--tabs", worker_options.scan.concurrency, "Visits at once, each in its own browser context")
      ->check(CLI::Range(1, 64))->capture_default_str();
  work->add_option("--id", worker_options.worker_id, "Worker id (default HOST-PID)");
  work->add_option("--restart-every", worker_options.scan.restart_every,
                   "Start a fresh Chromium after this many visits (0: never)")->capture_default_str();
  work->add_option("--memory-cap", worker_options.scan.memory_cap_mb,
                   "Replace Chromium once its processes use more than MB (0: no cap)")->capture_default_str();
  work->add_option("--attempts", worker_options.scan.max_attempts, "Tries of a visit whose browser crashed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  AddVisitFlags(*work, worker_options.scan, worker_visit);
  InteractFlags worker_interact;
  AddInteractFlags(*work, worker_options.scan.visit.interact, worker_interact);
  worker::AnalysisSettings worker_analysis;
  AddAnalysisFlags(*work, worker_analysis);
  std::string worker_key_file;
  work->add_option("--curve-server-key", worker_options.curve_server_key,
                   "CURVE: the coordinator's public key (Z85); turns encryption on");
  work->add_option("--curve-key-file", worker_key_file,
                   "CURVE: FILE holding this worker's secret key (default: a fresh key per run)");

  // keygen
  std::string keygen_out;
  CLI::App* keygen = app.add_subcommand("keygen", "Make a CURVE key pair: the secret to FILE, the public key to stdout");
  keygen->add_option("--out", keygen_out, "File for the secret key (created with mode 600)")->required();

  // submit, status, export
  std::string admin_redis, admin_run, submit_file = "-", export_out = "-", export_format = "jsonl";
  bool submit_private = false;
  CLI::App* submit = app.add_subcommand("submit", "Store a URL list in Redis as a run for the coordinator");
  submit->add_option("urls_file", submit_file, "URLs, one a line, or rank,domain CSV ('-' for stdin)")
      ->capture_default_str();
  submit->add_option("--run", admin_run, "Name of the run")->required();
  submit->add_option("--redis", admin_redis, "Redis URL (default redis://127.0.0.1:6379)");
  submit->add_flag("--allow-private-targets", submit_private,
                   "Allow URLs whose host resolves to a loopback, private or link-local address");
  int64_t submit_ttl = 0;
  submit->add_option("--ttl", submit_ttl, kTtlHelp)->check(CLI::Range(int64_t{0}, kMaxTtlS));
  CLI::App* status = app.add_subcommand("status", "Show a run's progress");
  status->add_option("run", admin_run, "Name of the run")->required();
  status->add_option("--redis", admin_redis, "Redis URL (default redis://127.0.0.1:6379)");
  CLI::App* exp = app.add_subcommand("export", "Write a run's records (jsonl) or per-URL results (csv)");
  exp->add_option("run", admin_run, "Name of the run")->required();
  exp->add_option("--redis", admin_redis, "Redis URL (default redis://127.0.0.1:6379)");
  exp->add_option("--format", export_format, "jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  exp->add_option("--out", export_out, "Output file ('-' for stdout)")->capture_default_str();
  CLI::App* del = app.add_subcommand("delete", "Delete every key of a run from Redis, a bounded step at a time");
  del->add_option("run", admin_run, "Name of the run")->required();
  del->add_option("--redis", admin_redis, "Redis URL (default redis://127.0.0.1:6379)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (scan->parsed()) {
    ApplyVisitFlags(scan_options.scan, scan_visit);
    ApplyInteractFlags(scan_options.scan.visit.interact, scan_interact, scan_analysis);
    if (auto s = CheckConsent(scan_options.scan.visit.interact); !s.ok()) return Fail(s.message() + " (--autoconsent-dir)", 2);
    if (auto s = SetAnalyzer(scan_options.scan, scan_analysis); !s.ok()) return Fail(s.message(), 2);
    return cli::RunScanCommand(std::move(scan_options));
  }
  if (crawl->parsed()) {
    crawl_options.settings.timeout_s = crawl_visit.timeout_s;
    crawl_options.settings.min_dwell_s = crawl_visit.dwell_s;
    crawl_options.settings.quiet_period_s = crawl_visit.quiet_s;
    crawl_options.settings.post_data_cap = static_cast<int64_t>(crawl_scan.visit.post_data_cap);
    if (!crawl_scan.launch.chrome_path.empty()) crawl_options.worker_args.push_back("--chrome=" + crawl_scan.launch.chrome_path);
    for (const auto& f : crawl_scan.launch.extra_flags) crawl_options.worker_args.push_back("--chrome-flag=" + f);
    crawl_options.worker_args.push_back("--websocket-payload-cap=" +
                                        std::to_string(crawl_scan.visit.websocket_payload_cap));
    ApplyInteractFlags(crawl_scan.visit.interact, crawl_interact, crawl_analysis);
    if (auto s = CheckConsent(crawl_scan.visit.interact); !s.ok()) return Fail(s.message() + " (--autoconsent-dir)", 2);
    // Loaded once here and dropped, so that a missing file fails the crawl, not each worker.
    if (auto a = worker::MakeVisitAnalyzer(crawl_analysis, crawl_scan.visit.interact.canary); !a.ok()) {
      return Fail(a.status().message(), 2);
    }
    crawl_options.worker_args.push_back("--pages=" + std::to_string(crawl_scan.subpages));
    for (auto& arg : InteractArgs(crawl_scan.visit.interact, crawl_interact)) crawl_options.worker_args.push_back(arg);
    for (auto& arg : worker::AnalysisArgs(crawl_analysis)) crawl_options.worker_args.push_back(arg);
    return cli::RunCrawlCommand(std::move(crawl_options));
  }
  if (keygen->parsed()) {
    auto keys = fleet::GenerateCurveKeyPair();
    int fd = ::open(keygen_out.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return Fail("cannot create " + keygen_out + " (it must not exist yet)", 1);
    std::string text = keys.secret_key + "\n";
    bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!written) return Fail("cannot write " + keygen_out, 1);
    std::cout << keys.public_key << "\n";
    return 0;
  }
  if (coord->parsed()) {
    common::SetLogName("coordinator");
    if (!coordinator_key_file.empty()) {
      auto keys = fleet::ReadCurveKeyFile(coordinator_key_file);
      if (!keys.ok()) return Fail(keys.status().message(), 2);
      coordinator_options.curve_secret_key = keys->secret_key;
    }
    if (!coordinator_allow_file.empty()) {
      if (coordinator_key_file.empty()) return Fail("--curve-allow needs --curve-key-file", 2);
      auto allowed = fleet::ReadCurveAllowList(coordinator_allow_file);
      if (!allowed.ok()) return Fail(allowed.status().message(), 2);
      coordinator_options.curve_allowed_workers = allowed.value();
    }
    auto address = RedisOf(coordinator_redis);
    if (!address.ok()) return Fail(address.status().message(), 2);
    coordinator_options.redis = address.value();
    coordinator_options.lease = Ms(lease_s);
    std::signal(SIGINT, OnStopSignal);
    std::signal(SIGTERM, OnStopSignal);
    coordinator::Coordinator server(coordinator_options);
    common::Status s = server.Run([] { return g_stop != 0; });
    if (!s.ok()) return Fail(s.message(), 1);
    return 0;
  }
  if (work->parsed()) {
    if (!worker_options.curve_server_key.empty() && !fleet::IsZ85Key(worker_options.curve_server_key)) {
      return Fail("--curve-server-key is not a 40-character Z85 key", 2);
    }
    if (!worker_key_file.empty()) {
      if (worker_options.curve_server_key.empty()) return Fail("--curve-key-file needs --curve-server-key", 2);
      auto keys = fleet::ReadCurveKeyFile(worker_key_file);
      if (!keys.ok()) return Fail(keys.status().message(), 2);
      worker_options.curve_public_key = keys->public_key;
      worker_options.curve_secret_key = keys->secret_key;
    }
    auto address = RedisOf(worker_redis);
    if (!address.ok()) return Fail(address.status().message(), 2);
    worker_options.redis = address.value();
    ApplyVisitFlags(worker_options.scan, worker_visit);
    ApplyInteractFlags(worker_options.scan.visit.interact, worker_interact, worker_analysis);
    if (auto s = CheckConsent(worker_options.scan.visit.interact); !s.ok()) return Fail(s.message() + " (--autoconsent-dir)", 2);
    if (auto s = SetAnalyzer(worker_options.scan, worker_analysis); !s.ok()) return Fail(s.message(), 2);
    return worker::RunWorkerCommand(std::move(worker_options));
  }
  // submit, status, export, delete: one Redis connection each
  auto address = RedisOf(admin_redis);
  if (!address.ok()) return Fail(address.status().message(), 2);
  auto redis = fleet::RedisClient::Connect(address.value());
  if (!redis.ok()) return Fail("cannot reach Redis at " + fleet::ToRedisUrl(address.value()) + ": " +
                               redis.status().message(), 1);
  fleet::RunStore store(*redis.value());
  if (submit->parsed()) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (submit_file != "-") {
      file.open(submit_file);
      if (!file) return Fail("cannot read " + submit_file, 2);
      in = &file;
    }
    fleet::RunInfo run;
    run.name = admin_run;
    run.settings.allow_private_targets = submit_private;
    run.ttl_s = submit_ttl;
    auto report = coordinator::SubmitRun(store, run, *in);
    if (!report.ok()) return Fail(report.status().message(), report.status().code() == common::Code::kInvalidArgument ? 2 : 1);
    for (const auto& why : report->rejected) std::cerr << "trackscan: skipped " << why << "\n";
    std::cout << "run " << admin_run << ": " << report->accepted << " URLs queued\n";
    return 0;
  }
  auto run = store.GetRun(admin_run);
  if (!run.ok()) return Fail(run.status().message(), 2);
  if (status->parsed()) {
    std::cout << fleet::DescribeRun(run.value()) << "\n";
    return 0;
  }
  if (del->parsed()) return DeleteRunCommand(store, run.value());
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (export_out != "-") {
    file.open(export_out);
    if (!file) return Fail("cannot write " + export_out, 1);
    out = &file;
  }
  auto written = export_format == "csv" ? fleet::ExportCsv(*redis.value(), run.value(), *out)
                                        : fleet::ExportJsonl(*redis.value(), admin_run, *out);
  if (!written.ok()) return Fail(written.status().message(), 1);
  return 0;
}
