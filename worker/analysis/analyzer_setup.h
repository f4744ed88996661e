// From command-line settings to the VisitAnalyzer a scan or a worker runs on
// every visit: loads the tracker data (lists, TrackerDB) and the sensitive
// terms once, at start, so that a missing file fails the command before any
// browser starts. Errors come back as Status with the path and the fix.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "worker/analysis/visit_analyzer.h"
#include "worker/record/canary.h"

namespace worker {

struct AnalysisSettings {
  std::string tracker_data_dir;           // empty: classify::DefaultTrackerDataDir()
  bool no_tracker_data = false;           // skip lists and TrackerDB (decoding etc. still run)
  std::vector<std::string> extra_lists;   // more filter lists, named by file stem
  std::string sensitive_terms_file;       // empty: HealthSensitiveTerms()
};

common::Result<std::shared_ptr<const VisitAnalyzer>> MakeVisitAnalyzer(const AnalysisSettings& settings,
                                                                       const CanaryIdentity& canary);

// The settings as `trackscan worker` flags, for the workers a crawl starts.
std::vector<std::string> AnalysisArgs(const AnalysisSettings& settings);

}  // namespace worker
