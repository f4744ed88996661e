// LwsTransport: a CDP Transport over a libwebsockets client connection.
// Reassembles fragmented messages up to a cap (tens of MB are fine; a longer
// one is dropped as it arrives and reported through on_oversized), queues
// sends and writes one message per WRITEABLE callback. The reassembly buffer
// goes back to empty after a message over 1 MiB. Sends no Origin header, so
// Chromium needs no --remote-allow-origins. Loop thread only; the LwsLoop
// must outlive the transport.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "cdp/lws_loop.h"
#include "cdp/transport.h"
#include "common/status.h"

struct lws;

namespace cdp {

class LwsTransport final : public Transport {
 public:
  // Starts connecting to `ws_url` (ws://host:port/path). `on_open` fires once
  // the handshake completes; on failure on_close fires instead. kInvalidArgument
  // for a URL lws cannot parse.
  // Messages over `max_message_bytes` are dropped (on_oversized).
  static common::Result<std::unique_ptr<LwsTransport>> Connect(LwsLoop& loop, const std::string& ws_url,
                                                               std::function<void()> on_open,
                                                               size_t max_message_bytes = kDefaultMaxMessageBytes);
  ~LwsTransport() override;  // closes without firing on_close

  void Send(std::string message) override;
  void Close() override;

 private:
  friend struct LwsTransportCallbacks;
  explicit LwsTransport(LwsLoop& loop) : loop_(loop) {}
  common::Status StartConnect(const std::string& ws_url);
  void OnEstablished();
  void OnReceive(lws* wsi, const char* data, size_t len);
  int OnWritable(lws* wsi);
  void OnPeerClose(const unsigned char* data, size_t len);
  void OnLost(std::string reason);
  void WakeLoop();
  LwsLoop& loop_;
  lws* wsi_ = nullptr;
  std::function<void()> on_open_;
  std::string address_, host_, path_;
  size_t max_message_bytes_ = kDefaultMaxMessageBytes;
  std::string incoming_;             // fragments of the current message
  bool incoming_done_ = true;        // incoming_ holds a delivered message
  size_t incoming_size_ = 0;         // bytes of the current message so far
  std::optional<OversizedMessage> oversized_;  // the current message is over the cap
  void DeliverIncoming();
  std::deque<std::string> outgoing_;  // each with LWS_PRE bytes of headroom
  bool connecting_ = true;           // inside lws_client_connect_via_info or handshaking
  bool in_connect_call_ = false;     // failures seen here are reported later, via Post
  bool closing_ = false, closed_ = false;
  int peer_close_code_ = 0;
  std::string peer_close_reason_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for posted callbacks
  void FireClose(int code, std::string reason);
};

}  // namespace cdp
