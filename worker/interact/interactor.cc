#include "worker/interact/interactor.h"

#include <algorithm>
#include <utility>

#include "cdp/json_object.h"
#include "cdp/protocol/decode.h"
#include "worker/interact/interaction_script.h"

namespace worker::interact {
namespace {

constexpr common::Duration kCommandTimeout{5000};
constexpr common::Duration kTypeTimeout{30000};  // typing awaits char_delay_ms per character
constexpr const char* kWorldName = "trackscan-interact";

}  // namespace

Interactor::Interactor(common::Loop& loop, const InteractOptions& options, SendFn send)
    : loop_(loop), options_(options), send_(std::move(send)), clicks_left_(options.max_clicks) {}

Interactor::~Interactor() {
  *alive_ = false;
  if (timer_) loop_.CancelTimer(*timer_);
}

void Interactor::Run(std::vector<FrameTarget> targets, std::function<void()> done) {
  targets_ = std::move(targets);
  done_ = std::move(done);
  Discover(0);
}

// Finds every frame of targets_[target] and opens a world in each, then goes
// on with the next target; after the last one, the phases run in order:
// install, type, click, finish.
void Interactor::Discover(size_t target) {
  if (target == targets_.size()) {
    auto finish = [this] {
      ForEachContext(0, [this](Context& c, Next next) {
        Evaluate(c, FinishExpression(), false, [next](std::optional<FrameReport>) { next(); });
      }, [this] { if (done_) std::exchange(done_, nullptr)(); });
    };
    auto click = [this, finish] {
      if (options_.mode != InteractMode::kClick && options_.mode != InteractMode::kAll) return finish();
      ForEachContext(0, [this](Context& c, Next next) { ClickIn(c, next); }, finish);
    };
    auto type = [this, click] {
      if (options_.mode != InteractMode::kType && options_.mode != InteractMode::kAll) return click();
      ForEachContext(0, [this](Context& c, Next next) {
        Evaluate(c, TypeExpression(), true, [next](std::optional<FrameReport>) { next(); });
      }, click);
    };
    std::string install = InstallExpression(options_);
    ForEachContext(0, [this, install](Context& c, Next next) {
      Evaluate(c, install, false, [next](std::optional<FrameReport>) { next(); });
    }, type);
    return;
  }
  const FrameTarget& t = targets_[target];
  auto alive = alive_;
  send_(t.session_id, "Page.getFrameTree", "{}", [this, alive, target](common::Result<std::string> r) {
    if (!*alive) return;
    auto frames = r.ok() ? ParseFrameTree(r.value()) : common::Result<std::vector<FrameRef>>(r.status());
    if (!frames.ok()) return Discover(target + 1);
    // A child frame that is a target of its own (out of process) is
    // interacted with through that target's session.
    std::vector<FrameRef> local;
    for (size_t i = 0; i < frames->size(); ++i) {
      const FrameRef& f = (*frames)[i];
      bool own_target = std::any_of(targets_.begin(), targets_.end(), [&](const FrameTarget& other) {
        return other.target_id == f.id && other.session_id != targets_[target].session_id;
      });
      if (!own_target) local.push_back(f);
    }
    OpenWorlds(targets_[target].session_id, std::move(local), 0, [this, target] { Discover(target + 1); });
  }, kCommandTimeout);
}

void Interactor::OpenWorlds(const std::string& session_id, std::vector<FrameRef> frames, size_t index, Next then) {
  if (index == frames.size()) return then();
  auto alive = alive_;
  std::string params = cdp::JsonObject().Set("frameId", frames[index].id).Set("worldName", kWorldName).Build();
  send_(session_id, "Page.createIsolatedWorld", std::move(params),
        [this, alive, session_id, frames, index, then](common::Result<std::string> r) {
          if (!*alive) return;
          auto id = r.ok() ? ParseIsolatedWorld(r.value()) : common::Result<int64_t>(r.status());
          if (id.ok()) contexts_.push_back(Context{session_id, id.value(), true});
          OpenWorlds(session_id, frames, index + 1, then);
        }, kCommandTimeout);
}

void Interactor::ForEachContext(size_t index, std::function<void(Context&, Next)> op, Next then) {
  while (index < contexts_.size() && !contexts_[index].alive) ++index;
  if (index >= contexts_.size()) return then();
  auto alive = alive_;
  op(contexts_[index], [this, alive, index, op, then] {
    if (*alive) ForEachContext(index + 1, op, then);
  });
}

// A context whose evaluate fails (its frame navigated or closed) is done.
void Interactor::Evaluate(Context& c, const std::string& expression, bool await_promise,
                          std::function<void(std::optional<FrameReport>)> done) {
  std::string params = cdp::JsonObject()
                           .Set("expression", expression)
                           .Set("contextId", c.id)
                           .Set("returnByValue", true)
                           .Set("awaitPromise", await_promise)
                           .Build();
  auto alive = alive_;
  Context* context = &c;  // contexts_ does not grow once the phases run
  send_(c.session_id, "Runtime.evaluate", std::move(params),
        [this, alive, context, done](common::Result<std::string> r) {
          if (!*alive) return;
          auto value = r.ok() ? cdp::protocol::DecodeEvaluate(r.value())
                              : common::Result<cdp::protocol::EvaluateResult>(r.status());
          if (!value.ok() || !value->exception_text.empty()) {
            context->alive = false;
            return done(std::nullopt);
          }
          auto report = ParseFrameReport(value->value_json);
          if (!report.ok()) return done(std::nullopt);  // Install's `true`
          Absorb(report.value());
          done(std::move(report.value()));
        },
        await_promise ? kTypeTimeout : kCommandTimeout);
}

// One click per evaluate, with a pause after each, so that a click whose
// handler navigates loses nothing already reported.
void Interactor::ClickIn(Context& c, Next next) {
  if (clicks_left_ <= 0) return next();
  Context* context = &c;
  Evaluate(c, ClickNextExpression(), false, [this, context, next](std::optional<FrameReport> report) {
    if (!report || report->done) return next();
    auto alive = alive_;
    timer_ = loop_.AddTimer(options_.between_clicks, [this, alive, context, next] {
      if (!*alive) return;
      timer_.reset();
      ClickIn(*context, next);
    });
  });
}

void Interactor::Absorb(const FrameReport& report) {
  for (const InteractionRecord& a : report.actions) {
    if (a.action == "click") --clicks_left_;
    if (a.action == "submit" && (!first_submit_ || a.wall_time < *first_submit_)) first_submit_ = a.wall_time;
    records_.push_back(a);
  }
}

}  // namespace worker::interact
