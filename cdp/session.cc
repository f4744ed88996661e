#include "cdp/session.h"

#include <algorithm>
#include <utility>

#include "cdp/connection.h"

namespace cdp {

namespace {

// CDP names events "Domain.event"; a filter is a domain, a method or "*".
bool Matches(std::string_view filter, std::string_view method, std::string_view domain) {
  return filter == method || filter == domain || filter == Session::kAllEvents;
}

}  // namespace

Session::Session(Connection& connection, std::string id) : connection_(connection), id_(std::move(id)) {}

void Session::Send(std::string_view method, std::string params_json, ResultCallback done,
                   std::optional<common::Duration> timeout) {
  connection_.SendInternal(id_, method, std::move(params_json), std::move(done), timeout);
}

SubscriptionId Session::On(std::string_view filter, EventHandler handler) {
  const SubscriptionId id = next_subscription_++;
  subscriptions_.push_back(
      Subscription{id, std::string(filter), std::make_shared<EventHandler>(std::move(handler))});
  return id;
}

// While an event is being dispatched the entry stays, without its handler,
// so the dispatch loop's positions hold; it is erased when the dispatch ends.
size_t Session::subscription_count() const {
  return std::count_if(subscriptions_.begin(), subscriptions_.end(),
                       [](const Subscription& s) { return s.handler != nullptr; });
}

void Session::Off(SubscriptionId id) {
  for (auto it = subscriptions_.begin(); it != subscriptions_.end(); ++it) {
    if (it->id != id) continue;
    if (dispatching_ > 0) {
      it->handler.reset();
    } else {
      subscriptions_.erase(it);
    }
    return;
  }
}

void Session::Dispatch(std::string_view method, const protocol::Event& event) {
  const std::string_view domain = method.substr(0, method.find('.'));
  ++dispatching_;
  // Subscriptions added by a handler start with the next event.
  const size_t count = subscriptions_.size();
  for (size_t i = 0; i < count && !destroyed_; ++i) {
    // By index, and holding the handler: a handler may add subscriptions
    // (the vector may grow and move) or end its own.
    const Subscription& subscription = subscriptions_[i];
    if (!subscription.handler || !Matches(subscription.filter, method, domain)) continue;
    std::shared_ptr<EventHandler> handler = subscription.handler;
    (*handler)(event);
  }
  if (--dispatching_ == 0) {
    std::erase_if(subscriptions_, [](const Subscription& s) { return s.handler == nullptr; });
  }
}

}  // namespace cdp
