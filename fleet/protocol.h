// The coordinator-worker protocol: one JSON object per ZeroMQ message frame,
// each with "v" (kProtocolVersion) and "type". A worker's DEALER talks to the
// coordinator's ROUTER (zguide's load-balancing broker with Paranoid Pirate
// heartbeats): the worker announces free capacity with `ready`, and only then
// gets a `batch`; it reports each URL with `done` once Redis has confirmed
// its records; both sides send `heartbeat` every kHeartbeatInterval and
// treat a peer silent for kHeartbeatLiveness intervals as gone.
// Schemas: schemas/fleet/<type>.schema.json. Encode/Decode are pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/loop.h"
#include "common/status.h"

namespace fleet {

constexpr int kProtocolVersion = 1;
constexpr size_t kMaxMessageBytes = 4 << 20;  // larger frames are dropped unread
constexpr common::Duration kHeartbeatInterval{1000};
constexpr int kHeartbeatLiveness = 3;

// Worker -> coordinator: `capacity` more URLs can be taken now.
struct Ready {
  std::string worker_id;
  int capacity = 0;
};

// Both ways: still alive. `worker_id` is empty from the coordinator.
struct Heartbeat {
  std::string worker_id;
};

// Scan settings carried with each batch (a run's options). -1 = the
// worker's default; 0 is a setting (no dwell, no quiet period, no bodies),
// except a timeout of 0, which also means the default.
struct VisitSettings {
  double timeout_s = -1, min_dwell_s = -1, quiet_period_s = -1;
  int64_t post_data_cap = -1;
  bool allow_private_targets = false;
};

// A batch's "settings" object alone, as Encode writes it; RunStore keeps the
// same text in the run hash. DecodeSettings reads it back: missing keys keep
// their defaults (settings stored by an older version still load), unknown
// ones are skipped; kDecode for anything else than such an object.
std::string EncodeSettings(const VisitSettings& settings);
common::Result<VisitSettings> DecodeSettings(std::string_view json);

struct BatchItem {
  int64_t index = 0;  // the URL's position in its run
  std::string url;
  int attempt = 1;  // the visit's attempt number (earlier dispatches that ended without a result + 1)
};

// Coordinator -> worker: visit these; the lease ends at lease_ms from now.
struct Batch {
  std::string run, batch_id;
  int64_t lease_ms = 0;
  VisitSettings settings;
  std::vector<BatchItem> items;
};

// Worker -> coordinator: item `index` of `batch_id` has its final result in
// Redis (the visit named by visit_id; outcome ok | timeout | error | failed).
struct Done {
  std::string worker_id, run, batch_id;
  int64_t index = 0;
  std::string visit_id, outcome;
  int attempt = 1;
};

// Worker -> coordinator: leaving now; release its batches at once.
struct Disconnect {
  std::string worker_id;
};

using Message = std::variant<Ready, Heartbeat, Batch, Done, Disconnect>;

std::string Encode(const Message& message);
// kDecode with the reason for: not JSON, no or wrong "v", unknown "type",
// a missing or mistyped field, more than kMaxMessageBytes.
common::Result<Message> Decode(std::string_view frame);
const char* TypeName(const Message& message);

}  // namespace fleet
