// ZeroMQ's own (ZMTP 3.1) heartbeats on a fleet socket, at the pace of the
// protocol's: a connection silent for kHeartbeatLiveness intervals is closed
// by ZeroMQ itself. The application-level heartbeats (fleet_protocol.h) say
// whether a *worker* is alive; these say whether one *connection* is, so a
// dead connection cannot keep a worker's routing id, swallow what is sent to
// it, or deliver stale messages once a partition heals.
#pragma once

#include <zmq.hpp>

#include "fleet/protocol.h"

namespace fleet {

inline void SetZmtpHeartbeats(zmq::socket_t& socket) {
  auto interval = static_cast<int>(fleet::kHeartbeatInterval.count());
  socket.set(zmq::sockopt::heartbeat_ivl, interval);
  socket.set(zmq::sockopt::heartbeat_timeout, interval * fleet::kHeartbeatLiveness);
  socket.set(zmq::sockopt::heartbeat_ttl, interval * fleet::kHeartbeatLiveness);
}

}  // namespace fleet
