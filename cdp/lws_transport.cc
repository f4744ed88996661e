#include "cdp/lws_transport.h"

#include <libwebsockets.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace cdp {

// Routes lws callbacks to the LwsTransport stored as the wsi's opaque user
// data. A transport that is destroyed detaches itself first (opaque = null),
// so a callback never reaches freed memory.
struct LwsTransportCallbacks {
  static int Callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
};

namespace {

constexpr size_t kRxBufferSize = 64 * 1024;   // per read; messages are reassembled
constexpr size_t kTxPacketSize = 256 * 1024;  // per send(); lws buffers the rest

const lws_protocols kProtocols[] = {
    {"cdp", &LwsTransportCallbacks::Callback, 0, kRxBufferSize, 0, nullptr, kTxPacketSize},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

std::string ErrorText(const void* in, size_t len) {
  if (in == nullptr) return "connection error";
  const char* text = static_cast<const char*>(in);
  std::string reason = len > 0 ? std::string(text, len) : std::string(text);
  return reason.empty() ? "connection error" : reason;
}

// Splits ws://host:port/path; lws_parse_uri cuts its input, so it gets a copy.
common::Status ParseWsUrl(const std::string& ws_url, std::string& address, int& port,
                          std::string& path) {
  std::vector<char> copy(ws_url.begin(), ws_url.end());
  copy.push_back('\0');
  const char *scheme = nullptr, *host = nullptr, *rest = nullptr;
  port = 80;
  if (lws_parse_uri(copy.data(), &scheme, &host, &port, &rest) != 0 ||
      std::strcmp(scheme, "ws") != 0 || *host == '\0') {
    return common::Status::InvalidArgument("not a ws:// url: " + ws_url);
  }
  address = host;
  path = std::string("/") + rest;  // lws drops the leading '/'
  return common::Status::Ok();
}

}  // namespace

const lws_protocols* LwsTransportProtocols() { return kProtocols; }

int LwsTransportCallbacks::Callback(lws* wsi, lws_callback_reasons reason, void* user, void* in,
                                    size_t len) {
  auto* self = wsi ? static_cast<LwsTransport*>(lws_get_opaque_user_data(wsi)) : nullptr;
  if (self == nullptr) {
    // A detached wsi (its transport is gone): let it finish closing.
    return reason == LWS_CALLBACK_CLIENT_WRITEABLE ? -1 : 0;
  }
  switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      self->OnEstablished();
      return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      self->OnReceive(wsi, static_cast<const char*>(in), len);
      return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      return self->OnWritable(wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
      self->OnPeerClose(static_cast<const unsigned char*>(in), len);
      return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      self->OnLost(ErrorText(in, len));
      return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
    case LWS_CALLBACK_WSI_DESTROY:
      if (self->wsi_ == wsi) self->OnLost("connection closed");
      return 0;
    default:
      return 0;
  }
}

common::Result<std::unique_ptr<LwsTransport>> LwsTransport::Connect(LwsLoop& loop,
                                                                     const std::string& ws_url,
                                                                     std::function<void()> on_open,
                                                                     size_t max_message_bytes) {
  std::unique_ptr<LwsTransport> transport(new LwsTransport(loop));
  transport->on_open_ = std::move(on_open);
  transport->max_message_bytes_ = max_message_bytes;
  common::Status status = transport->StartConnect(ws_url);
  if (!status.ok()) return status;
  return transport;
}

common::Status LwsTransport::StartConnect(const std::string& ws_url) {
  int port = 0;
  common::Status parsed = ParseWsUrl(ws_url, address_, port, path_);
  if (!parsed.ok()) return parsed;
  host_ = address_ + ":" + std::to_string(port);

  lws_client_connect_info info{};
  info.context = loop_.context();
  info.address = address_.c_str();
  info.port = port;
  info.ssl_connection = 0;
  info.path = path_.c_str();
  info.host = host_.c_str();
  info.origin = nullptr;  // no Origin header: Chromium then needs no --remote-allow-origins
  info.protocol = nullptr;
  info.local_protocol_name = kProtocols[0].name;
  info.opaque_user_data = this;
  info.pwsi = &wsi_;
  in_connect_call_ = true;
  lws* wsi = lws_client_connect_via_info(&info);
  if (wsi == nullptr) OnLost("connect failed: " + host_);  // no-op if lws reported why
  in_connect_call_ = false;
  if (closed_) {
    // Failed inside the call: report it once the caller has set on_close.
    wsi_ = nullptr;
    std::weak_ptr<bool> alive = alive_;
    loop_.Post([this, alive] {
      if (alive.lock()) FireClose(0, peer_close_reason_);
    });
  }
  return common::Status::Ok();
}

LwsTransport::~LwsTransport() {
  *alive_ = false;
  if (wsi_ == nullptr) return;
  lws_set_opaque_user_data(wsi_, nullptr);
  lws_set_timeout(wsi_, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
  wsi_ = nullptr;
}

void LwsTransport::Send(std::string message) {
  if (closed_ || closing_) return;
  std::string framed;
  framed.reserve(LWS_PRE + message.size());
  framed.append(LWS_PRE, '\0');
  framed.append(message);
  outgoing_.push_back(std::move(framed));
  if (wsi_ != nullptr && !connecting_) lws_callback_on_writable(wsi_);
}

void LwsTransport::Close() {
  if (closed_ || closing_) return;
  closing_ = true;
  if (wsi_ == nullptr) return;
  if (connecting_) {
    lws_set_timeout(wsi_, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
  } else {
    lws_callback_on_writable(wsi_);  // OnWritable returns -1, which closes
  }
}

// lws may run this from its timer phase, right before it polls: wake the
// poll so the loop's RunUntil sees what the callbacks changed.
void LwsTransport::WakeLoop() { lws_cancel_service(loop_.context()); }

void LwsTransport::OnEstablished() {
  connecting_ = false;
  WakeLoop();
  if (!outgoing_.empty() || closing_) lws_callback_on_writable(wsi_);
  if (on_open_) {
    auto on_open = std::move(on_open_);
    on_open();  // may destroy this
  }
}

// A message over the cap is not kept: only its size and both ends, so a
// page cannot make us buffer more than the cap.
void LwsTransport::OnReceive(lws* wsi, const char* data, size_t len) {
  if (incoming_done_) {
    incoming_.clear();
    incoming_size_ = 0;
    oversized_.reset();
  }
  incoming_done_ = false;
  incoming_size_ += len;
  std::string_view chunk(data, len);
  if (!oversized_ && incoming_size_ > max_message_bytes_) {
    oversized_.emplace();
    oversized_->head = incoming_.substr(0, kOversizedPeekBytes);
    oversized_->tail = incoming_.size() > kOversizedPeekBytes ? incoming_.substr(incoming_.size() - kOversizedPeekBytes)
                                                              : incoming_;
    std::string().swap(incoming_);  // frees it (assigning an empty string would keep it)
  }
  if (oversized_) {
    std::string& head = oversized_->head;
    std::string& tail = oversized_->tail;
    head.append(chunk.substr(0, kOversizedPeekBytes - std::min(head.size(), kOversizedPeekBytes)));
    tail.append(chunk.substr(chunk.size() - std::min(chunk.size(), kOversizedPeekBytes)));
    if (tail.size() > kOversizedPeekBytes) tail.erase(0, tail.size() - kOversizedPeekBytes);
  } else {
    incoming_.append(chunk);
  }
  if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) != 0) return;
  incoming_done_ = true;
  DeliverIncoming();  // may destroy this: touch nothing after
}

void LwsTransport::DeliverIncoming() {
  std::weak_ptr<bool> alive = alive_;
  if (oversized_) {
    oversized_->size = incoming_size_;
    const OversizedMessage dropped = std::move(*oversized_);
    oversized_.reset();
    if (on_oversized) on_oversized(dropped);
    return;
  }
  if (on_message) on_message(incoming_);
  // A big message's buffer is not kept for the next, small ones.
  if (alive.lock() && incoming_.capacity() > (size_t{1} << 20)) std::string().swap(incoming_);
}

// One queued message per call. A big message that the socket cannot take at
// once is kept by lws ("truncated send"), which holds back the next
// WRITEABLE until it has been flushed, so ordering is preserved.
int LwsTransport::OnWritable(lws* wsi) {
  if (closing_) {
    lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, nullptr, 0);
    return -1;
  }
  if (outgoing_.empty()) return 0;
  std::string& framed = outgoing_.front();
  const size_t size = framed.size() - LWS_PRE;
  auto* payload = reinterpret_cast<unsigned char*>(framed.data()) + LWS_PRE;
  if (lws_write(wsi, payload, size, LWS_WRITE_TEXT) < 0) return -1;
  outgoing_.pop_front();
  if (!outgoing_.empty()) lws_callback_on_writable(wsi);
  return 0;
}

void LwsTransport::OnPeerClose(const unsigned char* data, size_t len) {
  if (data == nullptr || len < 2) return;
  peer_close_code_ = (data[0] << 8) | data[1];
  peer_close_reason_.assign(reinterpret_cast<const char*>(data) + 2, len - 2);
}

void LwsTransport::OnLost(std::string reason) {
  if (closed_) return;
  int code = peer_close_code_;
  if (code != 0) {
    reason = peer_close_reason_.empty() ? "peer closed" : peer_close_reason_;
  } else if (closing_ && !connecting_) {
    code = LWS_CLOSE_STATUS_NORMAL;
    reason = "closed by client";
  }
  if (in_connect_call_) {  // StartConnect reports it later
    closed_ = true;
    peer_close_reason_ = std::move(reason);
    return;
  }
  FireClose(code, std::move(reason));
}

void LwsTransport::FireClose(int code, std::string reason) {
  closed_ = true;
  if (wsi_ != nullptr) lws_set_opaque_user_data(wsi_, nullptr);
  wsi_ = nullptr;
  outgoing_.clear();
  WakeLoop();
  if (on_close) {
    auto on_close_fn = std::move(on_close);
    on_close_fn(CloseInfo{code, std::move(reason)});  // may destroy this: touch nothing after
  }
}

}  // namespace cdp
