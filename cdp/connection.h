// Connection: one CDP client over one Transport. The single router for
// incoming messages: `id` -> pending command, `sessionId` -> Session, else a
// browser-level event. Owns the pending-command registry (with deadlines) and
// the Sessions (session.h, included here: whoever holds a Connection uses
// its Sessions). Borrows the Transport and the Loop: both must outlive it.
// Loop thread only; failures come back as common::Status, never thrown.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cdp/protocol/events.h"
#include "cdp/session.h"
#include "cdp/transport.h"
#include "common/loop.h"
#include "common/status.h"

namespace cdp {

class Connection {
 public:
  Connection(Transport& transport, common::Loop& loop, common::Duration default_timeout);
  Connection(Transport&&, common::Loop&, common::Duration) = delete;
  ~Connection();  // fails every pending command with kConnectionClosed
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends a browser-level command; `params_json` is a JSON object text.
  void Send(std::string_view method, std::string params_json, ResultCallback done,
            std::optional<common::Duration> timeout = std::nullopt);

  // Sessions are created by whoever handles Target.attachedToTarget and live
  // until DestroySession, which fails their pending commands with kTargetClosed.
  Session& CreateSession(const std::string& session_id);
  void DestroySession(const std::string& session_id);
  Session* FindSession(std::string_view session_id);

  bool closed() const { return closed_; }
  size_t pending_count() const { return pending_.size(); }
  uint64_t dropped_messages() const { return dropped_; }  // undecodable, counted and skipped

  // Browser-level events (messages without sessionId).
  EventHandler on_event;
  // The transport closed; fired once, after every pending command failed.
  std::function<void(const CloseInfo&)> on_close;

 private:
  friend class Session;
  struct Pending {
    std::string method;
    std::string session_id;
    common::TimePoint deadline;
    common::Duration timeout;
    ResultCallback done;
  };
  struct Envelope;  // the routing keys of one incoming message (connection.cc)
  void SendInternal(std::string_view session_id, std::string_view method,
                    std::string params_json, ResultCallback done,
                    std::optional<common::Duration> timeout);
  void FailLater(ResultCallback done, common::Status why);
  void OnMessage(std::string_view message);
  void CompleteCommand(const Envelope& envelope);
  void DispatchEvent(const Envelope& envelope);
  void CountDropped(std::string_view method, const common::Status& why);
  void OnClose(const CloseInfo& info);
  void ExpireOverdue();
  void ArmTimer();
  void FailAll(const common::Status& why);

  Transport& transport_;
  common::Loop& loop_;
  common::Duration default_timeout_;
  int64_t next_id_ = 1;
  std::map<int64_t, Pending> pending_;
  std::unordered_map<std::string, std::unique_ptr<Session>> sessions_;
  std::optional<common::TimerId> timer_;
  common::TimePoint timer_due_{};
  bool closed_ = false;
  std::string close_reason_;  // "code 4321: proxy unavailable", once closed
  uint64_t dropped_ = 0;
  // Destroyed sessions wait here until the loop's next turn, so a handler may
  // destroy the session whose event it is handling.
  std::vector<std::unique_ptr<Session>> graveyard_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  struct Parser;  // simdjson state, kept out of this header
  std::unique_ptr<Parser> parser_;
};

}  // namespace cdp
