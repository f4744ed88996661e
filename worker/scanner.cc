#include "worker/scanner.h"

#include <algorithm>

namespace worker {

using common::Status;

namespace {
constexpr int kMaxRelaunches = 20;
}

Scanner::Scanner(cdp::LwsLoop& loop, ScanOptions options, std::function<void(VisitResult)> on_result)
    : loop_(loop), options_(std::move(options)), on_result_(std::move(on_result)) {}

Scanner::~Scanner() = default;

Status Scanner::Run(const std::vector<ScanTarget>& targets) {
  for (size_t i = 0; i < targets.size(); ++i) queue_.push_back({i, targets[i], 1});
  remaining_ = targets.size();
  LaunchBrowser();
  loop_.RunUntil([this] { return remaining_ == 0 || !fatal_.ok(); });
  // Stopped (Ctrl-C, SIGTERM): the visits under way report what they have.
  if (browser_ && remaining_ > 0) browser_->Interrupt("interrupted: the scan was stopped");
  browser_.reset();  // kills Chromium, removes its profile
  if (!fatal_.ok()) return fatal_;
  if (loop_.stop_requested()) return Status::Unavailable("stopped before every URL was visited");
  return Status::Ok();
}

void Scanner::LaunchBrowser() {
  if (++launches_ > kMaxRelaunches) {
    fatal_ = Status::Unavailable("Chromium crashed " + std::to_string(kMaxRelaunches) + " times; giving up");
    return;
  }
  auto browser = Browser::Launch(
      loop_, options_.launch,
      [this](Status ready) {
        if (!ready.ok()) {
          fatal_ = ready;
          return;
        }
        Pump();
      },
      [this](Status) {
        // Relaunch after the lost browser has finished reporting its visits.
        loop_.Post([this] {
          auto dead = std::move(browser_);
          dead.reset();
          if (remaining_ > 0) LaunchBrowser();
        });
      });
  if (!browser.ok()) {
    // The first launch failing is fatal (no Chromium); a relaunch failing too.
    fatal_ = browser.status();
    return;
  }
  browser_ = std::move(browser.value());
}

void Scanner::Pump() {
  while (browser_ && browser_->usable() && active_ < static_cast<size_t>(options_.concurrency) &&
         !queue_.empty()) {
    Pending job = queue_.front();
    queue_.pop_front();
    ++active_;
    VisitRequest request{options_.scan_id + "-" + std::to_string(job.index + 1) + "-a" + std::to_string(job.attempt),
                         job.target.url, job.target.site, job.attempt};
    browser_->StartVisit(request, options_.visit,
                         [this, job](VisitResult result) { OnResult(job, std::move(result)); });
  }
  if (browser_ && browser_->usable()) {
    browser_->KeepPrepared(std::min(queue_.size(), static_cast<size_t>(options_.prepared_pages)),
                           options_.visit);
  }
}

void Scanner::OnResult(Pending job, VisitResult result) {
  --active_;
  bool retry = result.browser_lost && job.attempt < options_.max_attempts;
  on_result_(std::move(result));
  if (retry) {
    queue_.push_front({job.index, job.target, job.attempt + 1});
  } else {
    --remaining_;
  }
  loop_.Post([this] { Pump(); });
}

}  // namespace worker
