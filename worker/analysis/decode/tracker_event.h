// Tracker request decoders: turn one outgoing request (a pixel hit, an
// analytics beacon) into `tracker_event` records, one per event it carries.
// Platforms: Meta pixel, GA4, Universal Analytics, Google Ads, TikTok,
// LinkedIn, X, Snap, Pinterest, Microsoft UET, Reddit.
// Pure functions: no I/O, no clock, no exceptions; thread-safe. Garbage in
// (bad escapes, truncated JSON, huge bodies) yields fewer events, never a crash.
#pragma once

#include "worker/record/records.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace worker {

// A view of one recorded request. Borrowed: every view must outlive the call
// to DecodeTrackerEvents; the records it returns own their strings.
struct OutgoingRequest {
  std::string_view request_id, url, method;
  std::optional<std::string_view> post_data;     // whole body when recorded
  std::optional<std::string_view> content_type;  // request Content-Type header if any
};


// The events `request` carries, in the order sent; empty when it is no known
// tracker request or nothing in it decodes. Never throws.
std::vector<TrackerEventRecord> DecodeTrackerEvents(const OutgoingRequest& request);

// Marks copies across one visit's events: a Meta
// /privacy_sandbox/pixel/register/trigger/ hit repeats a /tr hit's
// parameters, so it is marked duplicate when the /tr event is there too
// (alone, it stays the only evidence and is not marked).
void MarkDuplicateEvents(std::vector<TrackerEventRecord>& events);

}  // namespace worker
