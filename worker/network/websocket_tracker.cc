#include "worker/network/websocket_tracker.h"

#include "worker/normalize/registrable_domain.h"

namespace worker {

namespace p = cdp::protocol;

WebSocketTracker::WebSocketTracker(std::string visit_id, std::string site, size_t payload_cap)
    : visit_id_(std::move(visit_id)), site_(std::move(site)), payload_cap_(payload_cap) {}

void WebSocketTracker::OnCreated(const WebSocketSource& from, const p::WebSocketCreated& e) {
  urls_[{from.key, e.request_id}] = e.url;
  Add(from, e.request_id, e.url, "open");
}

void WebSocketTracker::OnFrame(const WebSocketSource& from, const p::WebSocketFrame& e) {
  Add(from, e.request_id, UrlOf(from, e.request_id), e.sent ? "sent" : "received");
  WebSocketRecord& r = records_.back();
  r.opcode = e.opcode;
  r.payload = e.payload;
  r.timestamp = e.timestamp;
  if (r.payload->size() > payload_cap_) {
    r.payload->resize(payload_cap_);
    r.payload_truncated = true;
  }
}

void WebSocketTracker::OnClosed(const WebSocketSource& from, const p::WebSocketClosed& e) {
  Add(from, e.request_id, UrlOf(from, e.request_id), "close");
  records_.back().timestamp = e.timestamp;
}

const std::string& WebSocketTracker::UrlOf(const WebSocketSource& from, const std::string& request_id) {
  return urls_[{from.key, request_id}];
}

void WebSocketTracker::Add(const WebSocketSource& from, const std::string& request_id, std::string url,
                           std::string direction) {
  WebSocketRecord r;
  r.visit_id = visit_id_;
  r.request_id = request_id;
  r.third_party = normalize::IsThirdParty(url, site_);
  r.url = std::move(url);
  r.direction = std::move(direction);
  r.target_type = from.type;
  records_.push_back(std::move(r));
}

}  // namespace worker
