// `trackscan scan`: its flags, and the checks that fail it before any browser
// starts; cli/scan_command.cc runs it.
#include <memory>

#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/scan_command.h"

namespace cli {
namespace {

struct ScanFlags {
  ScanCommandOptions options;
  VisitFlags visit;
  InteractFlags interact;
  worker::AnalysisSettings analysis;
  EgressFlags egress;
};

int RunScan(ScanFlags& f) {
  ApplyVisitFlags(f.options.scan, f.visit);
  if (auto s = ApplyEgressFlags(f.options.scan, f.egress); !s.ok()) return Fail(s.message(), 2);
  ApplyInteractFlags(f.options.scan.visit.interact, f.interact, f.analysis);
  if (auto s = CheckConsent(f.options.scan.visit.interact); !s.ok()) return Fail(s.message() + " (--autoconsent-dir)", 2);
  if (auto s = SetAnalyzer(f.options.scan, f.analysis); !s.ok()) return Fail(s.message(), 2);
  return RunScanCommand(std::move(f.options));
}

}  // namespace

void AddScanCommands(CLI::App& app, std::vector<Subcommand>& out) {
  auto f = std::make_shared<ScanFlags>();
  ScanCommandOptions& o = f->options;
  CLI::App* scan = app.add_subcommand(
      "scan", "Visit URLs and record every request, cookie, WebSocket frame, dialog, popup and download");
  scan->add_option("urls", o.urls, "Entry URLs to visit (http or https)");
  scan->add_option("--input", o.input_file,
                   "Read entry URLs from FILE, one a line ('-' for stdin; '#' comments)");
  scan->add_option("--out", o.out, "Write the JSON Lines records to FILE ('-' for stdout, the default)");
  scan->add_option("--concurrency", o.scan.concurrency, "Visits at once, each in its own browser context")
      ->check(CLI::Range(1, 64))->capture_default_str();
  scan->add_option("--attempts", o.scan.max_attempts, "Tries of a visit whose browser crashed")
      ->check(CLI::Range(1, 10))->capture_default_str();
  AddVisitFlags(*scan, o.scan, f->visit);
  AddInteractFlags(*scan, o.scan.visit.interact, f->interact);
  AddAnalysisFlags(*scan, f->analysis);
  AddEgressFlags(*scan, f->egress);
  out.push_back({scan, [f] { return RunScan(*f); }});
}

}  // namespace cli
