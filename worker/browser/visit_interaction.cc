#include "worker/browser/visit_interaction.h"

namespace worker {

using common::Duration;

// The binding name is random per Browser, so a cache keyed by it grew by one
// source for every Chromium restart. Only the last one built is kept: a scan
// runs one Browser at a time, so the source is read once per Browser.
std::shared_ptr<const std::string> AutoconsentScript(const interact::InteractOptions& options,
                                                     const std::string& binding) {
  if (options.consent == interact::ConsentMode::kNone) return nullptr;
  struct Built {
    std::string dir, binding;
    interact::ConsentMode mode = interact::ConsentMode::kNone;
    std::shared_ptr<const std::string> source;
  };
  static Built last;  // loop thread only
  if (last.source && last.dir == options.autoconsent_dir && last.mode == options.consent && last.binding == binding) {
    return last.source;
  }
  auto source = interact::LoadAutoconsentSource(options.autoconsent_dir, binding, options.consent);
  if (!source.ok()) return nullptr;
  last = Built{options.autoconsent_dir, binding, options.consent,
               std::make_shared<const std::string>(std::move(source.value()))};
  return last.source;
}

VisitInteraction::~VisitInteraction() {
  if (timer_) loop_.CancelTimer(*timer_);
}

void VisitInteraction::Begin(const interact::InteractOptions& options) {
  options_ = options;
  if (options_.consent != interact::ConsentMode::kNone) consent_.emplace(options_.consent);
}

void VisitInteraction::OnConsentMessage(const std::string& frame_key, std::string_view payload) {
  if (consent_) consent_->OnMessage(frame_key, payload);
}

void VisitInteraction::OnPageLoaded(FramesFn frames, interact::Interactor::SendFn send,
                                    std::function<void()> on_finished) {
  if (!expected() || started_) return;
  started_ = true;
  frames_ = std::move(frames);
  send_ = std::move(send);
  on_finished_ = std::move(on_finished);
  After(options_.settle, &VisitInteraction::WaitThenStart);
}

void VisitInteraction::Stop() {
  stopped_ = true;
  if (timer_) loop_.CancelTimer(*timer_);
  timer_.reset();
}

void VisitInteraction::After(Duration delay, void (VisitInteraction::*step)()) {
  timer_ = loop_.AddTimer(delay, [this, step] {
    timer_.reset();
    if (!stopped_) (this->*step)();
  });
}

// With --consent, the step first waits until autoconsent is settled or the
// consent timeout (from the first look) has passed.
void VisitInteraction::WaitThenStart() {
  if (consent_ && !consent_->Settled()) {
    auto now = loop_.Now();
    if (!consent_wait_since_) consent_wait_since_ = now;
    if (now - *consent_wait_since_ < options_.consent_timeout) {
      return After(Duration(100), &VisitInteraction::WaitThenStart);
    }
  }
  Start();
}

// Every frame target of the visit, the main page first; popups are left alone.
void VisitInteraction::Start() {
  if (options_.mode == interact::InteractMode::kNone) return on_finished_();
  interactor_ = std::make_unique<interact::Interactor>(loop_, options_, send_);
  // The Interactor calls back only while it lives, and it lives in this object.
  interactor_->Run(frames_(), [this] { on_finished_(); });
}

void VisitInteraction::TakeRecords(const std::string& visit_id, VisitResult& result) {
  if (interactor_) {
    result.interactions = interactor_->records();
    result.first_submit_wall_time = interactor_->first_submit_wall_time();
    for (auto& r : result.interactions) r.visit_id = visit_id;
    interactor_.reset();
  }
  if (consent_) result.consents = consent_->Records(visit_id);
}

}  // namespace worker
