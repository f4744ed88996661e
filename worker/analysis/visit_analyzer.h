// VisitAnalyzer turns a recorded visit into the answers of issue 4: the filter
// list and rule of every request, who is behind every third-party request and
// cookie (TrackerDB), the tracker events the requests carry, the canary and
// sensitive-page leaks, fingerprinting and session recording, and the
// site_summary. It adds records and fields to the VisitResult; it never
// changes what was recorded. The tracker data is loaded once and shared
// read-only, so one analyzer serves every visit of a process; Analyze is
// const and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "worker/analysis/classify/tracker_data.h"
#include "worker/analysis/pii/pii_leak.h"
#include "worker/record/visit_result.h"

namespace worker {

struct AnalysisOptions {
  CanaryIdentity canary;  // what the interaction step typed
  std::vector<std::string> sensitive_terms = HealthSensitiveTerms();
};

// One term a line, lower-cased; blank lines and '#' comments skipped.
// kUnavailable when the file cannot be read, kInvalidArgument when it holds no term.
common::Result<std::vector<std::string>> LoadSensitiveTerms(const std::string& path);

class VisitAnalyzer {
 public:
  // `data` null: no list matching nor attribution; decoding, leaks,
  // fingerprinting and the summary still run.
  VisitAnalyzer(std::shared_ptr<const classify::TrackerData> data, AnalysisOptions options);

  void Analyze(VisitResult& result) const;

 private:
  void Classify(VisitResult& result) const;
  std::optional<TrackerAttribution> AttributeHost(const std::string& host) const;

  std::shared_ptr<const classify::TrackerData> data_;
  AnalysisOptions options_;
};

}  // namespace worker
