// Scanner: visits a list of URLs in one Chromium, `concurrency` at a time,
// each in its own browser context. A browser that dies is relaunched; the
// visits it took down are retried (attempt 2, ...) up to max_attempts.
// Every attempt's result is reported, partial ones included. Borrows the
// loop. Loop thread only; Run() drives the loop until the list is done.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cdp/lws_loop.h"
#include "worker/browser.h"

namespace worker {

struct ScanOptions {
  LaunchOptions launch;
  VisitOptions visit;
  int concurrency = 4;
  int max_attempts = 2;
  int prepared_pages = 1;  // pages kept ready ahead of the next visits (Browser::KeepPrepared)
  std::string scan_id;  // prefix of visit ids
};

struct ScanTarget {
  std::string url;
  std::string site;  // registrable domain of the URL's host
};

class Scanner {
 public:
  Scanner(cdp::LwsLoop& loop, ScanOptions options, std::function<void(VisitResult)> on_result);
  ~Scanner();

  // Visits every target; returns when all are reported, or early with
  // kUnavailable when Chromium cannot be started, or when a stop was requested.
  common::Status Run(const std::vector<ScanTarget>& targets);

 private:
  struct Pending { size_t index; ScanTarget target; int attempt; };
  void LaunchBrowser();
  void Pump();
  void OnResult(Pending job, VisitResult result);

  cdp::LwsLoop& loop_;
  ScanOptions options_;
  std::function<void(VisitResult)> on_result_;
  std::unique_ptr<Browser> browser_;
  std::deque<Pending> queue_;
  size_t active_ = 0, remaining_ = 0;
  int launches_ = 0;
  common::Status fatal_;  // set when the scan cannot go on; Run returns it
};

}  // namespace worker
