// Transport: moves complete CDP text messages. Knows nothing about JSON, ids
// or sessions. Not thread-safe: every call and callback happens on the loop
// thread. Implementations: LwsTransport (libwebsockets), and scripted
// in-memory transports in tests.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace cdp {

struct CloseInfo {
  int code = 0;        // websocket close code, or 0 when the socket failed without one
  std::string reason;  // human-readable: "connection refused", "peer closed", ...
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Queued; written when the socket is writable. A no-op once closed.
  virtual void Send(std::string message) = 0;
  // Starts closing; on_close fires once, later, on the loop thread.
  virtual void Close() = 0;

  // One whole (defragmented) message; the view is valid only during the call.
  std::function<void(std::string_view message)> on_message;
  // Fires exactly once per transport, whoever closed it.
  std::function<void(const CloseInfo&)> on_close;
};

}  // namespace cdp
