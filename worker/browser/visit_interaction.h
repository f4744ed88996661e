// VisitInteraction: the interaction step of one visit (issue 4) as the Visit
// drives it: autoconsent's messages, then, after the page's load event and a
// settle, the wait for consent and the Interactor over the visit's frame
// targets. Owned by the Visit; borrows the loop, which outlives it. Loop
// thread only. Nothing here fails the visit: a frame that fails is skipped.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/loop.h"
#include "worker/interact/autoconsent.h"
#include "worker/interact/interact_options.h"
#include "worker/interact/interactor.h"
#include "worker/record/visit_result.h"

namespace worker {

// autoconsent's page script for `options`, reporting through `binding`; null
// without --consent, or when it cannot be read (the scan checks that at start).
std::shared_ptr<const std::string> AutoconsentScript(const interact::InteractOptions& options,
                                                     const std::string& binding);

class VisitInteraction {
 public:
  using FramesFn = std::function<std::vector<interact::Interactor::FrameTarget>()>;

  VisitInteraction(common::Loop& loop, std::string consent_binding)
      : loop_(loop), consent_binding_(std::move(consent_binding)) {}
  ~VisitInteraction();
  VisitInteraction(const VisitInteraction&) = delete;
  VisitInteraction& operator=(const VisitInteraction&) = delete;

  // The visit's options, at its start.
  void Begin(const interact::InteractOptions& options);
  // Typing and clicking, or consent, or both: the page waits for them.
  bool expected() const {
    return options_.mode != interact::InteractMode::kNone || options_.consent != interact::ConsentMode::kNone;
  }
  const std::string& consent_binding() const { return consent_binding_; }
  // A call of consent_binding() from the frame known as `frame_key` (dropped
  // without --consent).
  void OnConsentMessage(const std::string& frame_key, std::string_view payload);
  // The main page loaded. The first call starts the step after the settle:
  // the consent wait, then the Interactor over `frames()` (asked then),
  // sending through `send`; `on_finished` once at the end.
  void OnPageLoaded(FramesFn frames, interact::Interactor::SendFn send, std::function<void()> on_finished);
  // The visit is finishing: a step not started yet never starts; one that
  // runs goes on until TakeRecords.
  void Stop();
  // Interaction and consent records into `result`, each with `visit_id`;
  // stops the Interactor.
  void TakeRecords(const std::string& visit_id, VisitResult& result);

 private:
  void WaitThenStart();
  void Start();
  void After(common::Duration delay, void (VisitInteraction::*step)());

  common::Loop& loop_;
  std::string consent_binding_;
  interact::InteractOptions options_;
  std::optional<interact::ConsentTracker> consent_;  // with --consent
  bool started_ = false, stopped_ = false;
  std::optional<common::TimerId> timer_;  // the settle, or the next look at consent
  std::optional<common::TimePoint> consent_wait_since_;
  FramesFn frames_;
  interact::Interactor::SendFn send_;
  std::function<void()> on_finished_;
  std::unique_ptr<interact::Interactor> interactor_;
};

}  // namespace worker
