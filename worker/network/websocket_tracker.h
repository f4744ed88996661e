// WebSocketTracker: turns one visit's Network.webSocket* events into its
// `websocket` records (open, each frame sent or received, close), in the
// order the events came, with payloads cut at a cap. Owned by the Visit.
// With a VisitBudget, records over `websocket_frames` are not kept and
// payloads over what `websocket_bytes` has left are cut (both counted).
// Pure: no I/O, no clock (timestamps come from the events), no CDP session.
// Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cdp/protocol/events.h"
#include "worker/network/visit_budget.h"
#include "worker/record/records.h"

namespace worker {

// Which target an event came from: `key` tells targets apart (request ids
// are only unique within one), `type` is the record's target_type.
struct WebSocketSource {
  const std::string& key;
  const std::string& type;
};

class WebSocketTracker {
 public:
  // `budget` (may be null: unlimited) must outlive the tracker.
  WebSocketTracker(std::string visit_id, std::string site, size_t payload_cap, VisitBudget* budget = nullptr);

  void OnCreated(const WebSocketSource& from, const cdp::protocol::WebSocketCreated& e);
  // A frame's payload longer than payload_cap is cut there (payload_truncated).
  void OnFrame(const WebSocketSource& from, const cdp::protocol::WebSocketFrame& e);
  void OnClosed(const WebSocketSource& from, const cdp::protocol::WebSocketClosed& e);

  // Every record so far, moved out.
  std::vector<WebSocketRecord> Take() { return std::move(records_); }

 private:
  // A frame or close of a socket whose creation was not seen has URL "".
  const std::string& UrlOf(const WebSocketSource& from, const std::string& request_id);
  // Appends a record; false when the frames budget is spent (nothing added).
  bool Add(const WebSocketSource& from, const std::string& request_id, std::string url, std::string direction);

  std::string visit_id_, site_;
  size_t payload_cap_;
  VisitBudget* budget_;
  std::map<std::pair<std::string, std::string>, std::string> urls_;  // (source key, request id) -> url
  std::vector<WebSocketRecord> records_;
};

}  // namespace worker
