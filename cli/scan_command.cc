#include "cli/scan_command.h"

#include <cstdio>
#include <iostream>
#include <random>

#include "common/output_file.h"
#include "common/process_stats.h"
#include "common/stop_signal.h"
#include "common/url_list.h"
#include "worker/record/record_json.h"
#include "worker/normalize/registrable_domain.h"
#include "worker/record/record_writer.h"
#include "worker/scan/summary.h"

namespace cli {
namespace {

using worker::RecordWriter;
using worker::Scanner;
using worker::ScanSummary;
using worker::ScanJob;
using worker::ScanTarget;
using worker::VisitResult;
using worker::ForEachRecord;

// The stop signals' wake-up (async-signal-safe).
void RequestLoopStop(void* loop) { static_cast<cdp::LwsLoop*>(loop)->RequestStop(); }

std::string RandomScanId() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

// Every URL is checked before the browser starts: a bad one fails the whole
// command, with the reason, rather than being silently skipped.
common::Result<std::vector<ScanTarget>> ValidateTargets(const std::vector<std::string>& urls,
                                                         const common::AddressPolicy& policy) {
  if (urls.empty()) return common::Status::InvalidArgument("no URL to scan (give URLs or --input FILE)");
  std::vector<ScanTarget> targets;
  for (const auto& url : urls) {
    auto parsed = common::CheckEntryUrl(url, policy, " (pass --allow-private-targets or --allow-network to scan it)");
    if (!parsed.ok()) return parsed.status();
    targets.push_back({url, worker::normalize::RegistrableDomain(parsed->host)});
  }
  return targets;
}

common::Status WriteResult(RecordWriter& writer, const VisitResult& result) {
  common::Status status;
  ForEachRecord(result, [&](const auto& record) {
    if (status.ok()) status = writer.Write(record);
  });
  if (status.ok()) status = writer.Flush();
  return status;
}

}  // namespace

int RunScanCommand(ScanCommandOptions options) {
  if (!options.input_file.empty()) {
    auto listed = common::ReadUrlList(options.input_file);
    if (!listed.ok()) {
      std::cerr << "trackscan: " << listed.status().message() << "\n";
      return 2;
    }
    options.urls.insert(options.urls.end(), listed->begin(), listed->end());
  }
  auto targets = ValidateTargets(options.urls, options.scan.egress);
  if (!targets.ok()) {
    std::cerr << "trackscan: " << targets.status().message() << "\n";
    return 2;
  }
  // Written under a temporary name and renamed at the end: --out is never half a scan.
  auto out = common::OutputFile::Open(options.out);
  if (!out.ok()) {
    std::cerr << "trackscan: " << out.status().message() << "\n";
    return 1;
  }
  auto loop = cdp::LwsLoop::Create();
  if (!loop.ok()) {
    std::cerr << "trackscan: " << loop.status().ToString() << "\n";
    return 1;
  }
  common::InstallStopSignalHandlers(RequestLoopStop, loop.value().get());
  cdp::ChromeProcess::RemoveStaleProfiles();
  if (options.scan.scan_id.empty()) options.scan.scan_id = RandomScanId();

  RecordWriter writer(out.value()->file());
  ScanSummary summary;
  common::Status write_status;
  common::Status status;
  {
    Scanner scanner(*loop.value(), options.scan, [&](const ScanJob&, VisitResult result, bool) {
      if (write_status.ok()) write_status = WriteResult(writer, result);
      summary.Add(result);
    });
    status = scanner.Run(targets.value());
  }  // Chromium is shut down and reaped here, so its CPU is in the rusage below

  if (common::Status committed = out.value()->Commit(); !committed.ok() && write_status.ok()) {
    write_status = committed;
  }
  common::ClearStopWakeup();

  // The summary goes where the records do not.
  std::ostream& report = options.out == "-" ? std::cerr : std::cout;
  report << summary.Render();
  common::MaybePrintRusage("trackscan");
  if (!write_status.ok()) {
    std::cerr << "trackscan: writing records failed: " << write_status.message() << "\n";
    return 1;
  }
  if (!status.ok()) {
    std::cerr << "trackscan: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace cli
