// Scanner: visits URLs in one Chromium, `concurrency` at a time, each in its
// own browser context. Jobs are submitted at any time (a fleet worker keeps
// feeding it); `trackscan scan` submits a list and runs until it is done. A
// browser that dies is relaunched; the visits it took down are retried
// (attempt 2, ...) up to max_attempts. Every attempt's result is reported,
// partial ones included, with whether it is the job's final result.
// Borrows the loop. Loop thread only.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cdp/lws_loop.h"
#include "common/private_address.h"
#include "worker/browser/browser.h"

namespace worker {

struct ScanOptions {
  cdp::LaunchOptions launch;
  // What the browser may reach: unless allow_private, every connection goes
  // through an egress guard (worker/egress/) that enforces it.
  common::AddressPolicy egress;
  VisitOptions visit;
  int concurrency = 4;
  int max_attempts = 2;
  int prepared_pages = 1;  // pages kept ready ahead of the next visits (Browser::KeepPrepared)
  int restart_every = 0;   // visits per browser before a fresh one (0: never); bounds Chromium's growth
  uint64_t memory_cap_mb = 0;  // a browser over this (all its processes) is replaced once idle (0: no cap)
  std::string scan_id;     // prefix of visit ids in Run()
  // --pages: after an entry URL's visit, visit up to this many of its
  // same-site links (SelectSubpages), each as a job of its own (fresh
  // context, its own cookie snapshot). Their results are reported with
  // final=false (evidence of the entry URL, never its result), and the entry
  // URL's own result is held back and reported, final, after its last
  // subpage: the job is done only when all of it is.
  int subpages = 0;
  // Adds the analysis records (VisitAnalyzer) to every result before it is
  // reported; unset: the recorded events only.
  std::function<void(VisitResult&)> analyze;
};

struct ScanTarget {
  std::string url;
  std::string site;  // registrable domain of the URL's host
};

struct ScanJob {
  ScanTarget target;
  std::string id_prefix;  // visit id = id_prefix + "-a" + attempt
  int attempt = 1;
  uint64_t tag = 0;       // the submitter's, handed back with the result
  VisitOptions visit;     // this job's visit settings
  int page = 0;           // 0: an entry URL; N: its Nth subpage
  std::string landing_visit_id = {};  // page > 0: the visit whose link this is
};

class Scanner {
 public:
  // `on_result(job, result, final)`: final is false for an attempt that will be retried.
  using ResultFn = std::function<void(const ScanJob&, VisitResult, bool final)>;
  Scanner(cdp::LwsLoop& loop, ScanOptions options, ResultFn on_result);
  ~Scanner();

  // Queues a job; it starts once a browser is ready and a slot is free.
  // Launches the browser on first use.
  void Submit(ScanJob job);
  size_t queued() const { return queue_.size(); }
  size_t active() const { return active_; }
  // Set when the scan cannot go on (no Chromium, or it crashes over and over).
  const common::Status& fatal() const { return fatal_; }
  // Ends the visits under way now (reported as errors with `why`, not retried)
  // and shuts Chromium down; queued jobs stay queued.
  void Stop(const std::string& why);

  // `trackscan scan`: visits every target (visit ids scan_id-N), returns when
  // all are reported, or early: kUnavailable when Chromium cannot be started,
  // or when a stop was requested.
  common::Status Run(const std::vector<ScanTarget>& targets);

 private:
  void LaunchBrowser();
  void Pump();
  void OnResult(ScanJob job, VisitResult result);
  // Queues the subpages of a landing result and holds it; false when there are none.
  bool HoldForSubpages(const ScanJob& landing, VisitResult& result);
  void SubpageDone(const std::string& landing_visit_id);
  bool ShouldRetire();

  cdp::LwsLoop& loop_;
  ScanOptions options_;
  ResultFn on_result_;
  std::unique_ptr<Browser> browser_;
  bool launching_ = false;
  std::deque<ScanJob> queue_;
  size_t active_ = 0;
  int losses_in_a_row_ = 0, visits_this_browser_ = 0;
  bool over_memory_ = false;
  common::Status fatal_;
  size_t run_remaining_ = 0;  // Run(): final results still to come
  struct HeldLanding {
    ScanJob job;
    VisitResult result;
    size_t pending = 0;  // subpage jobs not finished yet
  };
  std::map<std::string, HeldLanding> held_;  // by the landing's visit_id
};

}  // namespace worker
