// Interactor: the interaction step of one visit. In every frame of the given
// frame targets (the page and its out-of-process iframes; same-process child
// frames through the frame tree), it opens an isolated world, types the
// canary identity into form fields, then clicks calls to action, at most
// max_clicks in all, one frame after the other (interaction_script.h).
// Owned by the Visit; borrows the loop, which outlives it. CDP goes through
// `send`, so that a detached target fails its command instead of dangling.
// Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cdp/connection.h"
#include "common/loop.h"
#include "worker/interact/interact_options.h"
#include "worker/interact/interaction_report.h"
#include "worker/record/records.h"

namespace worker::interact {

class Interactor {
 public:
  // Sends `method` on the session `session_id`; `done` is called exactly once.
  using SendFn = std::function<void(const std::string& session_id, std::string_view method, std::string params,
                                    cdp::ResultCallback done, common::Duration timeout)>;
  struct FrameTarget {
    std::string session_id, target_id;
  };

  Interactor(common::Loop& loop, const InteractOptions& options, SendFn send);
  ~Interactor();
  Interactor(const Interactor&) = delete;
  Interactor& operator=(const Interactor&) = delete;

  // Interacts with `targets`, the main page first. `done` fires once, on the
  // loop thread, when every frame is done or failed (a frame that navigates
  // away or closes is skipped); never after the Interactor is destroyed.
  void Run(std::vector<FrameTarget> targets, std::function<void()> done);

  // The actions so far, in the order they happened per frame; visit_id empty.
  const std::vector<InteractionRecord>& records() const { return records_; }
  // Seconds since epoch of the first submit event seen; null when none.
  std::optional<double> first_submit_wall_time() const { return first_submit_; }

 private:
  struct Context {
    std::string session_id;
    int64_t id = 0;
    bool alive = true;
  };
  using Next = std::function<void()>;

  void Discover(size_t target);
  void OpenWorlds(const std::string& session_id, std::vector<FrameRef> frames, size_t index, Next then);
  void ForEachContext(size_t index, std::function<void(Context&, Next)> op, Next then);
  void Evaluate(Context& c, const std::string& expression, bool await_promise,
                std::function<void(std::optional<FrameReport>)> done);
  void ClickIn(Context& c, Next next);
  void Absorb(const FrameReport& report);

  common::Loop& loop_;
  InteractOptions options_;
  SendFn send_;
  std::vector<FrameTarget> targets_;
  std::vector<Context> contexts_;
  std::function<void()> done_;
  std::vector<InteractionRecord> records_;
  std::optional<double> first_submit_;
  int clicks_left_ = 0;
  std::optional<common::TimerId> timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace worker::interact
