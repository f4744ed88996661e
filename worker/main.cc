// trackscan: find out what websites send to third parties.
// Thin entry point: parses flags and hands over to the subcommand.
#include <CLI/CLI.hpp>

#include "worker/scan_command.h"

namespace {

void AddScanFlags(CLI::App& scan, worker::ScanCommandOptions& o, double& timeout_s, double& dwell_s,
                  double& quiet_s) {
  scan.add_option("urls", o.urls, "Entry URLs to visit (http or https)");
  scan.add_option("--input", o.input_file, "Read entry URLs from FILE, one a line ('-' for stdin; '#' comments)");
  scan.add_option("--out", o.out, "Write the JSON Lines records to FILE ('-' for stdout, the default)");
  scan.add_option("--concurrency", o.scan.concurrency, "Visits at once, each in its own browser context")
      ->check(CLI::Range(1, 64))->capture_default_str();
  scan.add_option("--timeout", timeout_s, "Hard deadline of one visit, in seconds")
      ->check(CLI::Range(1.0, 3600.0))->capture_default_str();
  scan.add_option("--min-dwell", dwell_s, "Stay at least this long on a page after navigating, in seconds")
      ->check(CLI::Range(0.0, 3600.0))->capture_default_str();
  scan.add_option("--quiet-period", quiet_s,
                  "The page is done once loaded and the network was quiet this long, in seconds")
      ->check(CLI::Range(0.0, 600.0))->capture_default_str();
  scan.add_option("--post-data-cap", o.scan.visit.post_data_cap, "Keep at most BYTES of each request body")
      ->capture_default_str();
  scan.add_option("--websocket-payload-cap", o.scan.visit.websocket_payload_cap,
                  "Keep at most BYTES of each WebSocket frame")->capture_default_str();
  scan.add_option("--attempts", o.scan.max_attempts, "Tries of a visit whose browser crashed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  scan.add_option("--chrome", o.scan.launch.chrome_path, "The Chromium binary (not Debian's wrapper script)")
      ->capture_default_str();
  scan.add_option("--chrome-flag", o.scan.launch.extra_flags,
                  "Extra Chromium flag, repeatable (e.g. --chrome-flag=--host-resolver-rules=...)")
      ->allow_extra_args(false);
  scan.add_flag("--allow-private-targets", o.allow_private_targets,
                "Allow entry URLs whose host resolves to a loopback, private or link-local address");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trackscan: records what websites send to third parties, through headless Chromium"};
  app.require_subcommand(1);
  worker::ScanCommandOptions scan_options;
  double timeout_s = 30, dwell_s = 3, quiet_s = 2;
  CLI::App* scan = app.add_subcommand(
      "scan", "Visit URLs and record every request, cookie, WebSocket frame, dialog, popup and download");
  AddScanFlags(*scan, scan_options, timeout_s, dwell_s, quiet_s);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  auto ms = [](double s) { return common::Duration(static_cast<int64_t>(s * 1000)); };
  scan_options.scan.visit.timeout = ms(timeout_s);
  scan_options.scan.visit.min_dwell = ms(dwell_s);
  scan_options.scan.visit.quiet_period = ms(quiet_s);
  return worker::RunScanCommand(std::move(scan_options));
}
