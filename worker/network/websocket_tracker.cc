#include "worker/network/websocket_tracker.h"

#include <algorithm>

#include "worker/normalize/registrable_domain.h"

namespace worker {

namespace p = cdp::protocol;

WebSocketTracker::WebSocketTracker(std::string visit_id, std::string site, size_t payload_cap,
                                   VisitBudget* budget)
    : visit_id_(std::move(visit_id)), site_(std::move(site)), payload_cap_(payload_cap), budget_(budget) {}

void WebSocketTracker::OnCreated(const WebSocketSource& from, const p::WebSocketCreated& e) {
  urls_[{from.key, e.request_id}] = e.url;
  Add(from, e.request_id, e.url, "open");
}

void WebSocketTracker::OnFrame(const WebSocketSource& from, const p::WebSocketFrame& e) {
  if (!Add(from, e.request_id, UrlOf(from, e.request_id), e.sent ? "sent" : "received")) return;
  WebSocketRecord& r = records_.back();
  r.opcode = e.opcode;
  r.timestamp = e.timestamp;
  size_t keep = std::min(e.payload.size(), payload_cap_);
  if (budget_ != nullptr) {
    auto fit = static_cast<size_t>(budget_->TakeBytes(Budget::kWebSocketBytes, static_cast<int64_t>(keep)));
    if (fit < keep) budget_->Drop(Budget::kWebSocketBytes);
    keep = fit;
  }
  r.payload = e.payload.substr(0, keep);
  r.payload_truncated = keep < e.payload.size();
}

void WebSocketTracker::OnClosed(const WebSocketSource& from, const p::WebSocketClosed& e) {
  if (Add(from, e.request_id, UrlOf(from, e.request_id), "close")) records_.back().timestamp = e.timestamp;
}

const std::string& WebSocketTracker::UrlOf(const WebSocketSource& from, const std::string& request_id) {
  return urls_[{from.key, request_id}];
}

bool WebSocketTracker::Add(const WebSocketSource& from, const std::string& request_id, std::string url,
                           std::string direction) {
  if (budget_ != nullptr && !budget_->Take(Budget::kWebSocketFrames)) return false;
  WebSocketRecord r;
  r.visit_id = visit_id_;
  r.request_id = request_id;
  r.third_party = normalize::IsThirdParty(url, site_);
  r.url = std::move(url);
  r.direction = std::move(direction);
  r.target_type = from.type;
  records_.push_back(std::move(r));
  return true;
}

}  // namespace worker
