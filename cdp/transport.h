// Transport: moves complete CDP text messages. Knows nothing about JSON, ids
// or sessions. Not thread-safe: every call and callback happens on the loop
// thread. Implementations: LwsTransport (libwebsockets), and scripted
// in-memory transports in tests.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace cdp {

// The largest CDP message trackscan accepts (--cdp-message-cap). What it
// reads is small (events of a few KB; POST bodies up to --post-data-cap,
// 1 MiB by default; URLs, which Chromium caps at 2 MiB outside data: URLs;
// WebSocket frames, capped after decoding) but a page controls some of it
// (a data: URL, a 100 MB WebSocket frame, a giant binding payload). 64 MiB
// keeps a 30 MB Runtime.evaluate reply and a 20 MiB post body, while a
// message costs at most a few times this in buffers before it is dropped.
inline constexpr size_t kDefaultMaxMessageBytes = size_t{64} << 20;
// How much of each end of an oversized message is kept: Chromium writes "id"
// or "method" first and a flat session's "sessionId" last.
inline constexpr size_t kOversizedPeekBytes = 256;

// A message longer than the cap, dropped whole: its size and its first and
// last kOversizedPeekBytes (or fewer), enough to tell what it was.
struct OversizedMessage {
  size_t size = 0;
  std::string head, tail;
};

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
  // A message over the transport's cap, dropped instead of on_message (a
  // transport without a cap never calls it).
  std::function<void(const OversizedMessage&)> on_oversized;
  // Fires exactly once per transport, whoever closed it.
  std::function<void(const CloseInfo&)> on_close;
};

}  // namespace cdp
