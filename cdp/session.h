// Session: the commands and events of one attached target (flat mode), the
// layer between the Connection's routing and the domain code. Created and
// owned by the Connection; a Session& is valid until DestroySession. Loop
// thread only. Command failures come back through ResultCallback as a
// common::Status; nothing throws.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/protocol/events.h"
#include "common/loop.h"
#include "common/status.h"

namespace cdp {

class Connection;

// The raw JSON text of a command's "result" on success. Called exactly once,
// on the loop thread, with the result or with kTimeout, kConnectionClosed,
// kTargetClosed or kProtocol("code: message").
using ResultCallback = std::function<void(common::Result<std::string> result_json)>;
// One decoded event. The event is valid only during the call; copy what you keep.
using EventHandler = std::function<void(const protocol::Event&)>;
using SubscriptionId = uint64_t;

class Session {
 public:
  // Matches every event; for tools and tests that want the whole stream.
  static constexpr std::string_view kAllEvents = "*";

  Session(Connection& connection, std::string id);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& id() const { return id_; }
  // Sends a command to this target; `params_json` is a JSON object text.
  void Send(std::string_view method, std::string params_json, ResultCallback done,
            std::optional<common::Duration> timeout = std::nullopt);

  // Calls `handler` for each of this target's events that `filter` matches: a
  // domain ("Network": every Network.* event), one method
  // ("Page.loadEventFired"), or kAllEvents. Handlers run in the order they
  // subscribed. One added while an event is dispatched sees the next event,
  // not that one.
  SubscriptionId On(std::string_view filter, EventHandler handler);
  // Ends a subscription; the handler is not called again, even for the event
  // being dispatched. An unknown or already removed id is a no-op.
  void Off(SubscriptionId id);
  // Subscriptions not ended yet.
  size_t subscription_count() const;

 private:
  friend class Connection;
  struct Subscription {
    SubscriptionId id;
    std::string filter;
    // Shared so that a handler that ends its own subscription keeps running.
    std::shared_ptr<EventHandler> handler;
  };
  // Called by the Connection's router with the event's CDP method name. A
  // handler may DestroySession(this): the Connection's graveyard keeps the
  // Session alive until the loop's next turn, and no further handler runs.
  void Dispatch(std::string_view method, const protocol::Event& event);
  // DestroySession: from now on no handler is called.
  void MarkDestroyed() { destroyed_ = true; }

  Connection& connection_;
  std::string id_;
  SubscriptionId next_subscription_ = 1;
  std::vector<Subscription> subscriptions_;  // in subscription order; removed ones have no handler
  int dispatching_ = 0;                      // nesting depth of Dispatch
  bool destroyed_ = false;
};

}  // namespace cdp
