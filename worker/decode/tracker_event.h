// Tracker request decoders: turn one outgoing request (a pixel hit, an
// analytics beacon) into `tracker_event` records, one per event it carries.
// Platforms: Meta pixel, GA4, Universal Analytics, Google Ads, TikTok,
// LinkedIn, X, Snap, Pinterest, Microsoft UET, Reddit.
// Pure functions: no I/O, no clock, no exceptions; thread-safe. Garbage in
// (bad escapes, truncated JSON, huge bodies) yields fewer events, never a crash.
#pragma once

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

// One piece of user data found in an event (ud[em], udff[em], uid, ...).
struct IdentityField {
  std::string parameter;  // as sent: "ud[em]", "udff[em]", "context.user.email", "em.em", "uid"
  std::string kind;       // email | phone | first_name | last_name | city | state | zip | country |
                          // gender | date_of_birth | external_id | user_id | client_id | click_id | unknown
  std::string value;      // as sent (strings always)
  bool hashed = false;    // hex of a hash's length (32/40/64/128)
  std::optional<std::string> hash_algorithm;  // md5 | sha1 | sha256 | sha512, by hex length
  bool empty_hash = false;  // a hash of "", "undefined" or "null": flagged, not a real identity
};

using ParameterList = std::vector<std::pair<std::string, std::string>>;

struct TrackerEventRecord {  // type "tracker_event"
  std::string visit_id, request_id;  // visit_id is set by the caller
  std::string platform;              // meta | ga4 | universal_analytics | google_ads | tiktok | linkedin |
                                     // x | snap | pinterest | microsoft_uet | reddit
  std::string endpoint;              // host + path the event went to ("www.facebook.com/tr/")
  std::optional<std::string> account_id;  // pixel id, G-..., UA-..., AW-<conversion id>, ...
  std::string event_name;            // as sent: PageView, page_view, pageview, conversion, ...
  bool standard_event = false;       // one of the platform's documented standard events
  std::optional<std::string> event_id;   // dedup id as sent (Meta eid, TikTok event_id, ...)
  std::optional<std::string> timestamp;  // client time as sent (Meta ts, TikTok timestamp, ...)
  std::optional<std::string> page_url, referrer_url, page_title;
  std::optional<std::string> button_text;  // Meta cd[buttonText] or buttonFeatures.innerText
  ParameterList custom_parameters;   // event data, names as sent: cd[...], ep.*, epn.*, up.*, properties.*
  std::vector<IdentityField> identity_fields;
  std::string encoding;              // query | form | multipart | json | text_lines
  std::string raw;                   // the query, body or body line it was decoded from, capped at 8 KiB
  bool raw_truncated = false;
  bool duplicate = false;            // a copy of another event of this visit (MarkDuplicateEvents)
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
