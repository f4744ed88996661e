#include "cli/scan_command.h"

#include <csignal>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

#include "worker/interact/records_json.h"
#include "common/private_address.h"
#include "common/process_stats.h"
#include "worker/normalize/registrable_domain.h"
#include "common/url.h"
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

cdp::LwsLoop* g_loop = nullptr;  // for the signal handler only
void OnSignal(int) {
  if (g_loop) g_loop->RequestStop();
}

std::string RandomScanId() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

bool ReadUrlFile(const std::string& path, std::vector<std::string>* urls) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return false;
    in = &file;
  }
  for (std::string line; std::getline(*in, line);) {
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    urls->push_back(line.substr(first, line.find_last_not_of(" \t\r") - first + 1));
  }
  return true;
}

// Every URL is checked before the browser starts: a bad one fails the whole
// command, with the reason, rather than being silently skipped.
common::Result<std::vector<ScanTarget>> ValidateTargets(const std::vector<std::string>& urls,
                                                         bool allow_private) {
  if (urls.empty()) return common::Status::InvalidArgument("no URL to scan (give URLs or --input FILE)");
  std::vector<ScanTarget> targets;
  for (const auto& url : urls) {
    auto parsed = common::ValidateEntryUrl(url);
    if (!parsed.ok()) return parsed.status();
    if (!allow_private) {
      common::Status s = common::CheckPublicHost(parsed->host);
      if (s.code() == common::Code::kInvalidArgument) {
        return common::Status::InvalidArgument(s.message() + " (pass --allow-private-targets to scan it)");
      }
    }
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
  if (!options.input_file.empty() && !ReadUrlFile(options.input_file, &options.urls)) {
    std::cerr << "trackscan: cannot read " << options.input_file << "\n";
    return 2;
  }
  auto targets = ValidateTargets(options.urls, options.allow_private_targets);
  if (!targets.ok()) {
    std::cerr << "trackscan: " << targets.status().message() << "\n";
    return 2;
  }
  std::FILE* out = options.out == "-" ? stdout : std::fopen(options.out.c_str(), "w");
  if (!out) {
    std::cerr << "trackscan: cannot write " << options.out << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  auto loop = cdp::LwsLoop::Create();
  if (!loop.ok()) {
    std::cerr << "trackscan: " << loop.status().ToString() << "\n";
    return 1;
  }
  g_loop = loop.value().get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  cdp::ChromeProcess::RemoveStaleProfiles();
  if (options.scan.scan_id.empty()) options.scan.scan_id = RandomScanId();

  RecordWriter writer(out);
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

  if (out != stdout) std::fclose(out);
  g_loop = nullptr;

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
