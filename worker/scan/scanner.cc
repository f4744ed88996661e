#include "worker/scan/scanner.h"

#include <algorithm>

#include "common/log.h"
#include "worker/scan/subpages.h"

namespace worker {

using common::Status;

namespace {
// Chromium lost this many times with no visit finished in between means it
// cannot run here; planned replacements (--restart-every, --memory-cap) do
// not count.
constexpr int kMaxLossesInARow = 20;
}

Scanner::Scanner(cdp::LwsLoop& loop, ScanOptions options, ResultFn on_result)
    : loop_(loop), options_(std::move(options)), on_result_(std::move(on_result)) {}

Scanner::~Scanner() = default;

Status Scanner::Run(const std::vector<ScanTarget>& targets) {
  run_remaining_ = targets.size();
  auto on_result = std::move(on_result_);
  on_result_ = [this, on_result](const ScanJob& job, VisitResult result, bool final) {
    on_result(job, std::move(result), final);
    if (final) --run_remaining_;
  };
  for (size_t i = 0; i < targets.size(); ++i) {
    Submit(ScanJob{targets[i], options_.scan_id + "-" + std::to_string(i + 1), 1, i, options_.visit});
  }
  loop_.RunUntil([&] { return run_remaining_ == 0 || !fatal_.ok(); });
  // Stopped (Ctrl-C, SIGTERM): the visits under way report what they have.
  if (run_remaining_ > 0) Stop("interrupted: the scan was stopped");
  if (!fatal_.ok()) return fatal_;
  if (loop_.stop_requested()) return Status::Unavailable("stopped before every URL was visited");
  return Status::Ok();
}

void Scanner::Submit(ScanJob job) {
  queue_.push_back(std::move(job));
  if (!browser_ && !launching_ && fatal_.ok()) return LaunchBrowser();
  Pump();
}

void Scanner::Stop(const std::string& why) {
  if (browser_) browser_->Interrupt(why);
  browser_.reset();  // kills Chromium, removes its profile
  // Landings waiting for subpages that will not run now: reported as they are.
  auto held = std::move(held_);
  held_.clear();
  for (auto& [id, h] : held) on_result_(h.job, std::move(h.result), true);
}

void Scanner::LaunchBrowser() {
  if (losses_in_a_row_ >= kMaxLossesInARow) {
    fatal_ = Status::Unavailable("Chromium was lost " + std::to_string(kMaxLossesInARow) +
                                 " times in a row; giving up");
    return;
  }
  launching_ = true;
  visits_this_browser_ = 0;
  over_memory_ = false;
  auto browser = Browser::Launch(
      loop_, options_.launch, options_.egress,
      [this](Status ready) {
        launching_ = false;
        if (!ready.ok()) {
          fatal_ = ready;
          return;
        }
        Pump();
      },
      [this](Status) {
        ++losses_in_a_row_;
        // Relaunch after the lost browser has finished reporting its visits.
        loop_.Post([this] {
          auto dead = std::move(browser_);
          dead.reset();
          if (!queue_.empty()) LaunchBrowser();
        });
      });
  if (!browser.ok()) {
    // The first launch failing is fatal (no Chromium); a relaunch failing too.
    launching_ = false;
    fatal_ = browser.status();
    return;
  }
  browser_ = std::move(browser.value());
}

// A browser is retired (no new visits; replaced once its visits are done)
// after restart_every visits or once it is over the memory cap.
bool Scanner::ShouldRetire() {
  if (options_.restart_every > 0 && visits_this_browser_ >= options_.restart_every) return true;
  if (!over_memory_ && options_.memory_cap_mb > 0 && browser_ && visits_this_browser_ > 0) {
    uint64_t mb = static_cast<uint64_t>(browser_->memory_bytes()) >> 20;
    if (mb > options_.memory_cap_mb) {
      over_memory_ = true;  // sticky until the new browser
      common::LogInfo("Chromium uses " + std::to_string(mb) + " MB, over --memory-cap " +
                      std::to_string(options_.memory_cap_mb) + " MB: replacing it");
    }
  }
  return over_memory_;
}

void Scanner::Pump() {
  bool retiring = ShouldRetire();
  if (retiring && browser_ && active_ == 0 && !queue_.empty()) {
    // A fresh browser every restart_every visits: Chromium's memory grows.
    browser_.reset();
    return LaunchBrowser();
  }
  while (!retiring && browser_ && browser_->usable() && active_ < static_cast<size_t>(options_.concurrency) &&
         !queue_.empty()) {
    ScanJob job = std::move(queue_.front());
    queue_.pop_front();
    ++active_;
    ++visits_this_browser_;
    retiring = options_.restart_every > 0 && visits_this_browser_ >= options_.restart_every;
    VisitRequest request{job.id_prefix + "-a" + std::to_string(job.attempt), job.target.url, job.target.site,
                         job.attempt};
    VisitOptions visit = job.visit;
    visit.collect_links = job.page == 0 && options_.subpages > 0;
    browser_->StartVisit(request, visit, [this, job = std::move(job)](VisitResult result) mutable {
      OnResult(std::move(job), std::move(result));
    });
  }
  if (!retiring && browser_ && browser_->usable()) {
    browser_->KeepPrepared(std::min(queue_.size(), static_cast<size_t>(options_.prepared_pages)),
                           options_.visit);
  }
}

void Scanner::OnResult(ScanJob job, VisitResult result) {
  --active_;
  if (!result.browser_lost) losses_in_a_row_ = 0;
  bool retry = result.browser_lost && job.attempt < options_.max_attempts;
  if (retry) {
    ScanJob again = job;
    ++again.attempt;
    queue_.push_front(std::move(again));
  }
  result.visit.page = job.page;
  if (job.page > 0) result.visit.landing_visit_id = job.landing_visit_id;
  if (options_.analyze) options_.analyze(result);
  if (job.page > 0) {
    on_result_(job, std::move(result), false);
    if (!retry) SubpageDone(job.landing_visit_id);
  } else if (retry || options_.subpages == 0 || loop_.stop_requested() || !HoldForSubpages(job, result)) {
    on_result_(job, std::move(result), !retry);
  }
  loop_.Post([this] {
    if (!browser_ && !launching_ && !queue_.empty() && fatal_.ok()) return LaunchBrowser();
    Pump();
  });
}

// Subpage jobs keep the landing job's tag, attempt and id prefix ("-p1", ...).
bool Scanner::HoldForSubpages(const ScanJob& landing, VisitResult& result) {
  if (result.visit.outcome == "error") return false;
  std::string from = result.visit.final_url.empty() ? result.visit.input_url : result.visit.final_url;
  auto urls = SelectSubpages(result.links, from, landing.target.site, options_.subpages);
  if (urls.empty()) return false;
  for (size_t i = 0; i < urls.size(); ++i) {
    ScanJob job{ScanTarget{urls[i], landing.target.site}, landing.id_prefix + "-p" + std::to_string(i + 1),
                landing.attempt, landing.tag, landing.visit};
    job.page = static_cast<int>(i + 1);
    job.landing_visit_id = result.visit.visit_id;
    queue_.push_back(std::move(job));
  }
  std::string id = result.visit.visit_id;
  held_[id] = HeldLanding{landing, std::move(result), urls.size()};
  return true;
}

void Scanner::SubpageDone(const std::string& landing_visit_id) {
  auto it = held_.find(landing_visit_id);
  if (it == held_.end() || --it->second.pending > 0) return;
  HeldLanding held = std::move(it->second);
  held_.erase(it);
  on_result_(held.job, std::move(held.result), true);
}

}  // namespace worker
