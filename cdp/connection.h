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
#include <set>
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
  // Messages longer than `max_message_bytes` are dropped and counted; a
  // command whose reply is dropped fails with kDecode at once. The Transport
  // should enforce the same cap while it reassembles (LwsTransport does).
  Connection(Transport& transport, common::Loop& loop, common::Duration default_timeout,
             size_t max_message_bytes = kDefaultMaxMessageBytes);
  Connection(Transport&&, common::Loop&, common::Duration, size_t = 0) = delete;
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
  // Messages dropped: undecodable ones and those over the cap, counted and
  // logged on stderr. An event among them still reaches its session (or
  // on_event) as a protocol::DecodeFailed.
  uint64_t dropped_messages() const { return dropped_; }
  uint64_t oversized_messages() const { return oversized_; }  // of which over the cap

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
  void OnOversized(const OversizedMessage& message);
  // Tells the event's session (or on_event) that it was lost.
  void DispatchFailure(std::string_view method, std::string_view session_id, const common::Status& why);
  void OnClose(const CloseInfo& info);
  void ExpireOverdue();
  void ArmTimer();
  void FailAll(const common::Status& why);
  // Removes a command from both indexes; O(log n).
  Pending TakePending(std::map<int64_t, Pending>::iterator it);

  Transport& transport_;
  common::Loop& loop_;
  common::Duration default_timeout_;
  int64_t next_id_ = 1;
  std::map<int64_t, Pending> pending_;
  // The same commands by (deadline, id), earliest first: the timer and the
  // expiry read the front, so a send or a reply costs O(log n), not a scan.
  std::set<std::pair<common::TimePoint, int64_t>> deadlines_;
  std::unordered_map<std::string, std::unique_ptr<Session>> sessions_;
  std::optional<common::TimerId> timer_;
  common::TimePoint timer_due_{};
  bool closed_ = false;
  std::string close_reason_;  // "code 4321: proxy unavailable", once closed
  size_t max_message_bytes_;
  uint64_t dropped_ = 0, oversized_ = 0;
  // Destroyed sessions wait here until the loop's next turn, so a handler may
  // destroy the session whose event it is handling.
  std::vector<std::unique_ptr<Session>> graveyard_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  struct Parser;  // simdjson state, kept out of this header
  std::unique_ptr<Parser> parser_;
};

}  // namespace cdp
