#include "cli/flags.h"

#include <algorithm>
#include <iostream>

#include "fleet/store/run_store.h"
#include "worker/analysis/classify/tracker_data.h"
#include "worker/interact/autoconsent.h"

namespace cli {
namespace {

std::string JoinComma(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// What each budget counts, for --help (the order of worker::Budget).
constexpr const char* kBudgetHelp[worker::kBudgetCount] = {
    "Keep at most N request records per visit; later requests are counted, not recorded",
    "Keep at most BYTES of request + response headers per request; the rest is cut (headers_truncated)",
    "Keep at most BYTES of headers per visit; later header lists are cut",
    "Keep at most BYTES of request bodies per visit; later bodies are cut or not fetched",
    "Keep at most N WebSocket records (open, frames, close) per visit",
    "Keep at most BYTES of WebSocket payloads per visit; later payloads are cut",
    "Keep at most N cookie_write records per visit (later writes still attribute jar cookies)",
    "Record at most N targets (page, popups, iframes, workers) per visit; later ones run unrecorded",
    "Follow the URLs of at most N frames per visit",
    "Record at most N dialogs per visit (later ones are still dismissed)",
    "Record at most N downloads per visit (later ones are still denied)",
    "Record at most N popups per visit; later ones run unrecorded",
};

}  // namespace

std::string BudgetFlag(worker::Budget b) {
  std::string name = "--max-" + std::string(worker::BudgetName(b));
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

void AddBudgetFlags(CLI::App& app, worker::BudgetLimits& limits) {
  for (size_t i = 0; i < worker::kBudgetCount; ++i) {
    auto b = static_cast<worker::Budget>(i);
    app.add_option(BudgetFlag(b), limits[b], kBudgetHelp[i])
        ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))->capture_default_str()->group("Per-visit budgets");
  }
}

std::vector<std::string> BudgetArgs(const worker::BudgetLimits& limits) {
  std::vector<std::string> args;
  for (size_t i = 0; i < worker::kBudgetCount; ++i) {
    auto b = static_cast<worker::Budget>(i);
    args.push_back(BudgetFlag(b) + "=" + std::to_string(limits[b]));
  }
  return args;
}

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
  app.add_option("--cdp-message-cap", o.launch.max_message_bytes,
                 "Drop any DevTools message from Chromium longer than BYTES (counted in the visit's "
                 "decode_errors; a command whose reply is dropped fails)")
      ->check(CLI::Range(size_t{1} << 20, size_t{1} << 30))->capture_default_str();
  AddBudgetFlags(app, o.visit.budgets);
  app.add_option("--pages", o.subpages,
                 "Also visit up to N same-site links of each entry page, each as a visit of its own")
      ->check(CLI::Range(0, 100))->capture_default_str();
  app.add_option("--chrome", o.launch.chrome_path, "The Chromium binary (not Debian's wrapper script)")
      ->capture_default_str();
  app.add_option("--chrome-flag", o.launch.extra_flags,
                 "Extra Chromium flag, repeatable (e.g. --chrome-flag=--host-resolver-rules=...)")
      ->allow_extra_args(false);
}

void ApplyVisitFlags(worker::ScanOptions& o, const VisitFlags& v) {
  o.visit.timeout = Ms(v.timeout_s);
  o.visit.min_dwell = Ms(v.dwell_s);
  o.visit.quiet_period = Ms(v.quiet_s);
}

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

common::Status CheckConsent(const worker::interact::InteractOptions& o) {
  if (o.consent == worker::interact::ConsentMode::kNone) return common::Status::Ok();
  auto source = worker::interact::LoadAutoconsentSource(o.autoconsent_dir, "check", o.consent);
  return source.ok() ? common::Status::Ok() : source.status();
}

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

common::Status SetAnalyzer(worker::ScanOptions& o, const worker::AnalysisSettings& a) {
  auto analyzer = worker::MakeVisitAnalyzer(a, o.visit.interact.canary);
  if (!analyzer.ok()) return analyzer.status();
  o.analyze = [analyzer = analyzer.value()](worker::VisitResult& r) { analyzer->Analyze(r); };
  return common::Status::Ok();
}

void AddEgressFlags(CLI::App& app, EgressFlags& f) {
  app.add_flag("--allow-private-targets", f.allow_private,
               "Let the browser reach loopback, private, link-local and other non-public addresses "
               "(turns the private-network guard off)");
  app.add_option("--allow-network", f.networks,
                 "Let the browser reach this network despite the guard (CIDR, e.g. 10.20.0.0/16; repeatable)")
      ->allow_extra_args(false);
}

common::Status ApplyEgressFlags(worker::ScanOptions& o, const EgressFlags& f) {
  o.egress.allow_private = f.allow_private;
  o.egress.allowed.clear();
  for (const auto& cidr : f.networks) {
    auto network = common::IpNetwork::Parse(cidr);
    if (!network.ok()) return common::Status::InvalidArgument("--allow-network: " + network.status().message());
    o.egress.allowed.push_back(network.value());
  }
  return common::Status::Ok();
}

std::vector<std::string> EgressArgs(const EgressFlags& f) {
  std::vector<std::string> args;
  if (f.allow_private) args.push_back("--allow-private-targets");
  for (const auto& cidr : f.networks) args.push_back("--allow-network=" + cidr);
  return args;
}

void AddTtlFlag(CLI::App& app, int64_t& ttl_s) {
  app.add_option("--ttl", ttl_s,
                 "Delete the run from Redis SECONDS after it is done (a running coordinator does it; "
                 "default 0: keep it)")
      ->check(CLI::Range(int64_t{0}, fleet::kMaxRunTtlS));
}

common::Duration Ms(double seconds) { return common::Duration(static_cast<int64_t>(seconds * 1000)); }

common::Result<fleet::RedisAddress> RedisOf(const std::string& url) {
  return url.empty() ? common::Result<fleet::RedisAddress>(fleet::RedisAddress{}) : fleet::ParseRedisUrl(url);
}

int Fail(const std::string& message, int code) {
  std::cerr << "trackscan: " << message << "\n";
  return code;
}

}  // namespace cli
