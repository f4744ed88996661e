#include "worker/analysis/decode/decode_internal.h"
#include "worker/analysis/decode/tracker_event.h"
#include "common/url.h"

namespace worker {

std::vector<TrackerEventRecord> DecodeTrackerEvents(const OutgoingRequest& request) {
  std::vector<TrackerEventRecord> events;
  auto parsed = common::ParseUrl(request.url);
  if (!parsed.ok()) return events;
  decode::Request r;
  r.source = &request;
  r.host = std::move(parsed->host);
  r.path = std::move(parsed->path);
  r.query = std::move(parsed->query);
  if (request.post_data) r.body = *request.post_data;
  if (request.content_type) r.content_type = *request.content_type;
  // Each decoder recognises its own hosts and paths; the first taker wins.
  decode::DecodeMeta(r, &events) || decode::DecodeGoogle(r, &events) || decode::DecodePixels(r, &events) ||
      decode::DecodeJsonPixels(r, &events);
  return events;
}

namespace {

bool IsSandboxCopy(const TrackerEventRecord& e) {
  return e.platform == "meta" && e.endpoint.find("/privacy_sandbox/") != std::string::npos;
}

// Same event as sent: the copy repeats the original's id, event, page and
// client timestamp (ts), which differ between two real hits of one page.
bool SameHit(const TrackerEventRecord& a, const TrackerEventRecord& b) {
  return a.platform == b.platform && a.account_id == b.account_id && a.event_name == b.event_name &&
         a.page_url == b.page_url && a.timestamp == b.timestamp && a.event_id == b.event_id &&
         a.custom_parameters == b.custom_parameters;
}

}  // namespace

void MarkDuplicateEvents(std::vector<TrackerEventRecord>& events) {
  for (TrackerEventRecord& copy : events) {
    if (!IsSandboxCopy(copy)) continue;
    for (const TrackerEventRecord& original : events) {
      if (&original != &copy && !IsSandboxCopy(original) && SameHit(original, copy)) {
        copy.duplicate = true;
        break;
      }
    }
  }
}

}  // namespace worker
