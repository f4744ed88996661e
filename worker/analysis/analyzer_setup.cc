#include "worker/analysis/analyzer_setup.h"

#include <chrono>
#include <string>

#include "common/log.h"

namespace worker {

common::Result<std::shared_ptr<const VisitAnalyzer>> MakeVisitAnalyzer(const AnalysisSettings& settings,
                                                                       const CanaryIdentity& canary) {
  AnalysisOptions options;
  options.canary = canary;
  if (!settings.sensitive_terms_file.empty()) {
    auto terms = LoadSensitiveTerms(settings.sensitive_terms_file);
    if (!terms.ok()) return terms.status();
    options.sensitive_terms = std::move(terms.value());
  }
  std::shared_ptr<const classify::TrackerData> data;
  if (!settings.no_tracker_data) {
    std::string dir = settings.tracker_data_dir.empty() ? classify::DefaultTrackerDataDir() : settings.tracker_data_dir;
    auto start = std::chrono::steady_clock::now();
    auto loaded = classify::TrackerData::Load(dir, settings.extra_lists);
    if (!loaded.ok()) {
      return loaded.status().WithSuffix(" (or pass --no-tracker-data to scan without it)");
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::string versions;
    for (const auto& [name, version] : loaded->versions) versions += (versions.empty() ? "" : "; ") + name + ": " + version;
    common::LogInfo("tracker data from " + dir + " loaded in " + std::to_string(ms.count()) + " ms (" + versions + ")");
    data = std::make_shared<const classify::TrackerData>(std::move(loaded.value()));
  }
  return std::make_shared<const VisitAnalyzer>(std::move(data), std::move(options));
}

std::vector<std::string> AnalysisArgs(const AnalysisSettings& settings) {
  std::vector<std::string> args;
  if (settings.no_tracker_data) args.push_back("--no-tracker-data");
  if (!settings.tracker_data_dir.empty()) args.push_back("--tracker-data=" + settings.tracker_data_dir);
  for (const auto& list : settings.extra_lists) args.push_back("--filter-list=" + list);
  if (!settings.sensitive_terms_file.empty()) args.push_back("--sensitive-terms=" + settings.sensitive_terms_file);
  return args;
}

}  // namespace worker
