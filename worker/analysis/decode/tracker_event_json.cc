#include "worker/analysis/decode/tracker_event_json.h"

#include "worker/record/json_line.h"

namespace worker {

std::string ToJson(const TrackerEventRecord& r) {
  JsonLine j("tracker_event");
  j.Field("visit_id", r.visit_id);
  j.Field("request_id", r.request_id);
  j.Field("platform", r.platform);
  j.Field("endpoint", r.endpoint);
  j.Field("account_id", r.account_id);
  j.Field("event_name", r.event_name);
  j.Field("standard_event", r.standard_event);
  j.Field("event_id", r.event_id);
  j.Field("timestamp", r.timestamp);
  j.Field("page_url", r.page_url);
  j.Field("referrer_url", r.referrer_url);
  j.Field("page_title", r.page_title);
  j.Field("button_text", r.button_text);
  j.Field("custom_parameters", r.custom_parameters);
  j.Objects("identity_fields", r.identity_fields, [&](const IdentityField& f) {
    j.Field("parameter", f.parameter);
    j.Field("kind", f.kind);
    j.Field("value", f.value);
    j.Field("hashed", f.hashed);
    j.Field("hash_algorithm", f.hash_algorithm);
    j.Field("empty_hash", f.empty_hash);
  });
  j.Field("encoding", r.encoding);
  j.Field("raw", r.raw);
  j.Field("raw_truncated", r.raw_truncated);
  j.Field("duplicate", r.duplicate);
  return j.Done();
}

}  // namespace worker
