#include "worker/record/record_writer.h"

#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>

#include "worker/record/json_line.h"

namespace worker {
namespace {

void Attribution(JsonLine& j, const std::optional<TrackerAttribution>& t) {
  if (!t) return j.Field("tracker", std::optional<std::string>());
  j.Object("tracker", [&] {
    j.Field("tracker", t->tracker);
    j.Field("organization", t->organization);
    j.Field("category", t->category);
  });
}

}  // namespace

std::string ToJson(const VisitRecord& r) {
  JsonLine j("visit");
  j.Field("visit_id", r.visit_id);
  j.Field("input_url", r.input_url);
  j.Field("final_url", r.final_url);
  j.Field("site", r.site);
  j.Field("started_at", r.started_at);
  j.Field("ended_at", r.ended_at);
  j.Field("outcome", r.outcome);
  j.Field("error", r.error);
  j.Field("status", r.status);
  j.Field("browser_version", r.browser_version);
  j.Field("attempt", r.attempt);
  j.Field("load_event_fired", r.load_event_fired);
  j.Field("request_count", r.request_count);
  j.Field("cookie_count", r.cookie_count);
  j.Field("title", r.title);
  j.Field("tracker_data", r.tracker_data);
  j.Field("page", r.page);
  j.Field("landing_visit_id", r.landing_visit_id);
  return j.Done();
}

std::string ToJson(const RequestRecord& r) {
  JsonLine j("request");
  j.Field("visit_id", r.visit_id);
  j.Field("request_id", r.request_id);
  j.Field("url", r.url);
  j.Field("method", r.method);
  j.Field("resource_type", r.resource_type);
  j.Field("frame_id", r.frame_id);
  j.Field("frame_url", r.frame_url);
  j.Field("target_type", r.target_type);
  j.Field("target_url", r.target_url);
  j.Field("initiator_type", r.initiator_type);
  j.Field("initiator_url", r.initiator_url);
  j.Field("initiator_stack_urls", r.initiator_stack_urls);
  j.Field("status", r.status);
  j.Field("mime_type", r.mime_type);
  j.Field("remote_ip", r.remote_ip);
  j.Field("redirect_from", r.redirect_from);
  j.Field("redirect_to", r.redirect_to);
  j.Field("request_headers", r.request_headers);
  j.Field("response_headers", r.response_headers);
  j.Field("blocked_set_cookies", r.blocked_set_cookies);
  j.Field("post_data", r.post_data);
  j.Field("post_data_truncated", r.post_data_truncated);
  j.Field("post_data_size", r.post_data_size);
  j.Field("encoded_data_length", r.encoded_data_length);
  j.Field("wall_time", r.wall_time);
  j.Field("duration_ms", r.duration_ms);
  j.Field("failed", r.failed);
  j.Field("error_text", r.error_text);
  j.Field("finished", r.finished);
  j.Field("from_cache", r.from_cache);
  j.Field("from_service_worker", r.from_service_worker);
  j.Field("third_party", r.third_party);
  j.Field("filter_list", r.filter_list);
  j.Field("filter_rule", r.filter_rule);
  Attribution(j, r.tracker);
  return j.Done();
}

std::string ToJson(const WebSocketRecord& r) {
  JsonLine j("websocket");
  j.Field("visit_id", r.visit_id);
  j.Field("request_id", r.request_id);
  j.Field("url", r.url);
  j.Field("direction", r.direction);
  j.Field("opcode", r.opcode);
  j.Field("payload", r.payload);
  j.Field("payload_truncated", r.payload_truncated);
  j.Field("timestamp", r.timestamp);
  j.Field("target_type", r.target_type);
  j.Field("third_party", r.third_party);
  return j.Done();
}

std::string ToJson(const CookieRecord& r) {
  JsonLine j("cookie");
  j.Field("visit_id", r.visit_id);
  j.Field("name", r.name);
  j.Field("value", r.value);
  j.Field("domain", r.domain);
  j.Field("path", r.path);
  j.Field("expires", r.expires);
  j.Field("http_only", r.http_only);
  j.Field("secure", r.secure);
  j.Field("same_site", r.same_site);
  j.Field("partition_key", r.partition_key);
  j.Field("set_by", r.set_by);
  j.Field("setter_url", r.setter_url);
  j.Field("third_party", r.third_party);
  j.Field("blocked", r.blocked);
  j.Field("blocked_reasons", r.blocked_reasons);
  Attribution(j, r.tracker);
  return j.Done();
}

std::string ToJson(const CookieWriteRecord& r) {
  JsonLine j("cookie_write");
  j.Field("visit_id", r.visit_id);
  j.Field("api", r.api);
  j.Field("cookie", r.cookie);
  j.Field("frame_url", r.frame_url);
  j.Field("script_url", r.script_url);
  j.Field("stack_urls", r.stack_urls);
  j.Field("third_party", r.third_party);
  return j.Done();
}

std::string ToJson(const DialogRecord& r) {
  JsonLine j("dialog");
  j.Field("visit_id", r.visit_id);
  j.Field("dialog_type", r.dialog_type);
  j.Field("message", r.message);
  j.Field("frame_url", r.frame_url);
  j.Field("action", r.action);
  return j.Done();
}

std::string ToJson(const PopupRecord& r) {
  JsonLine j("popup");
  j.Field("visit_id", r.visit_id);
  j.Field("url", r.url);
  j.Field("opener_url", r.opener_url);
  j.Field("target_id", r.target_id);
  j.Field("closed_by_trackscan", r.closed_by_trackscan);
  return j.Done();
}

std::string ToJson(const SiteSummaryRecord& r) {
  JsonLine j("site_summary");
  j.Field("visit_id", r.visit_id);
  j.Field("site", r.site);
  j.Field("input_url", r.input_url);
  j.Field("final_url", r.final_url);
  j.Field("outcome", r.outcome);
  j.Field("requests", r.requests);
  j.Field("third_party_requests", r.third_party_requests);
  j.Field("filter_matched_requests", r.filter_matched_requests);
  j.Field("first_party_cookies", r.first_party_cookies);
  j.Field("third_party_cookies", r.third_party_cookies);
  j.Field("tracker_cookies", r.tracker_cookies);
  j.Field("organizations", r.organizations);
  j.Field("categories", r.categories);
  j.Objects("third_parties", r.third_parties, [&](const SummaryParty& p) {
    j.Field("domain", p.domain);
    j.Field("organization", p.organization);
    j.Field("trackers", p.trackers);
    j.Field("categories", p.categories);
    j.Field("mechanisms", p.mechanisms);
    j.Field("requests", p.requests);
    j.Field("filter_matches", p.filter_matches);
    j.Field("cookies", p.cookies);
  });
  j.Objects("tracker_events", r.tracker_events, [&](const SummaryPlatform& p) {
    j.Field("platform", p.platform);
    j.Field("account_ids", p.account_ids);
    j.Field("events", p.events);
    j.Field("button_texts", p.button_texts);
    j.Field("identities", p.identities);
  });
  j.Field("pii_leaks", r.pii_leaks);
  j.Field("third_party_pii_leaks", r.third_party_pii_leaks);
  j.Field("fingerprinting", r.fingerprinting);
  j.Field("session_recorders", r.session_recorders);
  j.Field("key_logging", r.key_logging);
  j.Field("findings", r.findings);
  return j.Done();
}

std::string ToJson(const DownloadRecord& r) {
  JsonLine j("download");
  j.Field("visit_id", r.visit_id);
  j.Field("url", r.url);
  j.Field("suggested_filename", r.suggested_filename);
  j.Field("action", r.action);
  return j.Done();
}

// ---- issue 4: fingerprinting and session recording (worker/instrument/records.h) ----

std::string ToJson(const FingerprintRecord& r) {
  JsonLine j("fingerprint");
  j.Field("visit_id", r.visit_id);
  j.Field("technique", r.technique);
  j.Field("script_url", r.script_url);
  j.Field("script_domain", r.script_domain);
  j.Field("third_party", r.third_party);
  j.Field("frame_url", r.frame_url);
  j.Field("evidence", r.evidence);
  return j.Done();
}

std::string ToJson(const SessionRecorderRecord& r) {
  JsonLine j("session_recorder");
  j.Field("visit_id", r.visit_id);
  j.Field("vendor", r.vendor);
  j.Field("detected_by", r.detected_by);
  j.Field("script_url", r.script_url);
  j.Field("request_ids", r.request_ids);
  j.Field("evidence", r.evidence);
  return j.Done();
}

// One fwrite per line, newline included, so a failed write never leaves a
// record without its terminator in the buffer.
common::Status RecordWriter::WriteLine(const std::string& line) {
  std::string out = line + '\n';
  if (std::fwrite(out.data(), 1, out.size(), out_) != out.size()) {
    return common::Status::Internal(std::string("writing record: ") + std::strerror(errno));
  }
  ++lines_;
  return common::Status::Ok();
}

common::Status RecordWriter::Flush() {
  if (std::fflush(out_) != 0) {
    return common::Status::Internal(std::string("flushing records: ") + std::strerror(errno));
  }
  return common::Status::Ok();
}

}  // namespace worker
