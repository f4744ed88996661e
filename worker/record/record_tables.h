// The field table of every serialized struct of records.h: the one place
// that says which JSON name each member gets and in which order it is
// written (after "type" and "schema_version"). Each table must list exactly
// the properties of schemas/<kType>.schema.json, in their order;
// record_tables_test.cc enforces that. Compile-time constants: any thread.
#pragma once

#include <tuple>

#include "worker/record/field_table.h"
#include "worker/record/records.h"

namespace worker {

// Every record type that is written, in ForEachRecord's order.
using RecordTypes =
    std::tuple<VisitRecord, RequestRecord, WebSocketRecord, CookieRecord, CookieWriteRecord,
               DialogRecord, PopupRecord, DownloadRecord, ConsentRecord, InteractionRecord,
               TrackerEventRecord, PiiLeakRecord, FingerprintRecord, SessionRecorderRecord,
               SiteSummaryRecord>;

// ---- nested objects ----

template <>
struct FieldTable<TrackerAttribution> {
  using R = TrackerAttribution;
  static constexpr auto kFields = std::make_tuple(
      Field("tracker", &R::tracker), Field("organization", &R::organization),
      Field("category", &R::category));
};

template <>
struct FieldTable<IdentityField> {
  using R = IdentityField;
  static constexpr auto kFields = std::make_tuple(
      Field("parameter", &R::parameter), Field("kind", &R::kind), Field("value", &R::value),
      Field("hashed", &R::hashed), Field("hash_algorithm", &R::hash_algorithm),
      Field("empty_hash", &R::empty_hash));
};

template <>
struct FieldTable<SummaryParty> {
  using R = SummaryParty;
  static constexpr auto kFields = std::make_tuple(
      Field("domain", &R::domain), Field("organization", &R::organization),
      Field("trackers", &R::trackers), Field("categories", &R::categories),
      Field("mechanisms", &R::mechanisms), Field("requests", &R::requests),
      Field("filter_matches", &R::filter_matches), Field("cookies", &R::cookies));
};

template <>
struct FieldTable<SummaryPlatform> {
  using R = SummaryPlatform;
  static constexpr auto kFields = std::make_tuple(
      Field("platform", &R::platform), Field("account_ids", &R::account_ids),
      Field("events", &R::events), Field("button_texts", &R::button_texts),
      Field("identities", &R::identities));
};

template <>
struct FieldTable<LimitHit> {
  using R = LimitHit;
  static constexpr auto kFields = std::make_tuple(
      Field("budget", &R::budget), Field("limit", &R::limit), Field("dropped", &R::dropped));
};

// ---- what a visit recorded (worker/browser/, worker/network/) ----

template <>
struct FieldTable<VisitRecord> {
  using R = VisitRecord;
  static constexpr const char* kType = "visit";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("input_url", &R::input_url),
      Field("final_url", &R::final_url), Field("site", &R::site),
      Field("started_at", &R::started_at), Field("ended_at", &R::ended_at),
      Field("outcome", &R::outcome), Field("error", &R::error), Field("status", &R::status),
      Field("browser_version", &R::browser_version), Field("attempt", &R::attempt),
      Field("load_event_fired", &R::load_event_fired), Field("request_count", &R::request_count),
      Field("cookie_count", &R::cookie_count), Field("private_network_guard", &R::private_network_guard),
      Field("requests_blocked_by_guard", &R::requests_blocked_by_guard), Field("title", &R::title),
      Field("tracker_data", &R::tracker_data), Field("page", &R::page),
      Field("landing_visit_id", &R::landing_visit_id), Field("decode_errors", &R::decode_errors),
      Field("cookie_jar_error", &R::cookie_jar_error), Field("limits_hit", &R::limits_hit));
};

template <>
struct FieldTable<RequestRecord> {
  using R = RequestRecord;
  static constexpr const char* kType = "request";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("request_id", &R::request_id), Field("url", &R::url),
      Field("method", &R::method), Field("resource_type", &R::resource_type),
      Field("frame_id", &R::frame_id), Field("frame_url", &R::frame_url),
      Field("target_type", &R::target_type), Field("target_url", &R::target_url),
      Field("initiator_type", &R::initiator_type), Field("initiator_url", &R::initiator_url),
      Field("initiator_stack_urls", &R::initiator_stack_urls), Field("status", &R::status),
      Field("mime_type", &R::mime_type), Field("remote_ip", &R::remote_ip),
      Field("redirect_from", &R::redirect_from), Field("redirect_to", &R::redirect_to),
      Field("request_headers", &R::request_headers), Field("response_headers", &R::response_headers),
      Field("blocked_set_cookies", &R::blocked_set_cookies), Field("post_data", &R::post_data),
      Field("post_data_truncated", &R::post_data_truncated),
      Field("post_data_size", &R::post_data_size), Field("headers_truncated", &R::headers_truncated),
      Field("encoded_data_length", &R::encoded_data_length), Field("wall_time", &R::wall_time),
      Field("duration_ms", &R::duration_ms), Field("failed", &R::failed),
      Field("error_text", &R::error_text), Field("blocked_by_guard", &R::blocked_by_guard), Field("finished", &R::finished),
      Field("from_cache", &R::from_cache), Field("from_service_worker", &R::from_service_worker),
      Field("third_party", &R::third_party), Field("filter_list", &R::filter_list),
      Field("filter_rule", &R::filter_rule), Field("tracker", &R::tracker));
};

template <>
struct FieldTable<WebSocketRecord> {
  using R = WebSocketRecord;
  static constexpr const char* kType = "websocket";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("request_id", &R::request_id), Field("url", &R::url),
      Field("direction", &R::direction), Field("opcode", &R::opcode), Field("payload", &R::payload),
      Field("payload_truncated", &R::payload_truncated), Field("timestamp", &R::timestamp),
      Field("target_type", &R::target_type), Field("third_party", &R::third_party));
};

template <>
struct FieldTable<CookieRecord> {
  using R = CookieRecord;
  static constexpr const char* kType = "cookie";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("name", &R::name), Field("value", &R::value),
      Field("domain", &R::domain), Field("path", &R::path), Field("expires", &R::expires),
      Field("http_only", &R::http_only), Field("secure", &R::secure),
      Field("same_site", &R::same_site), Field("partition_key", &R::partition_key),
      Field("set_by", &R::set_by), Field("setter_url", &R::setter_url),
      Field("third_party", &R::third_party), Field("blocked", &R::blocked),
      Field("blocked_reasons", &R::blocked_reasons), Field("tracker", &R::tracker));
};

template <>
struct FieldTable<CookieWriteRecord> {
  using R = CookieWriteRecord;
  static constexpr const char* kType = "cookie_write";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("api", &R::api), Field("cookie", &R::cookie),
      Field("frame_url", &R::frame_url), Field("script_url", &R::script_url),
      Field("stack_urls", &R::stack_urls), Field("third_party", &R::third_party));
};

template <>
struct FieldTable<DialogRecord> {
  using R = DialogRecord;
  static constexpr const char* kType = "dialog";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("dialog_type", &R::dialog_type),
      Field("message", &R::message), Field("frame_url", &R::frame_url), Field("action", &R::action));
};

template <>
struct FieldTable<PopupRecord> {
  using R = PopupRecord;
  static constexpr const char* kType = "popup";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("url", &R::url), Field("opener_url", &R::opener_url),
      Field("target_id", &R::target_id), Field("closed_by_trackscan", &R::closed_by_trackscan));
};

template <>
struct FieldTable<DownloadRecord> {
  using R = DownloadRecord;
  static constexpr const char* kType = "download";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("url", &R::url),
      Field("suggested_filename", &R::suggested_filename), Field("action", &R::action));
};

// ---- interaction and consent (worker/interact/) ----

template <>
struct FieldTable<InteractionRecord> {
  using R = InteractionRecord;
  static constexpr const char* kType = "interaction";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("action", &R::action),
      Field("field_kind", &R::field_kind), Field("value", &R::value),
      Field("button_text", &R::button_text), Field("element_tag", &R::element_tag),
      Field("element_id", &R::element_id), Field("element_name", &R::element_name),
      Field("element_type", &R::element_type), Field("selector", &R::selector),
      Field("frame_url", &R::frame_url), Field("wall_time", &R::wall_time), Field("ok", &R::ok),
      Field("error", &R::error));
};

template <>
struct FieldTable<ConsentRecord> {
  using R = ConsentRecord;
  static constexpr const char* kType = "consent";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("mode", &R::mode), Field("cmp", &R::cmp),
      Field("action", &R::action), Field("result", &R::result), Field("frame_url", &R::frame_url),
      Field("found_wall_time", &R::found_wall_time), Field("done_wall_time", &R::done_wall_time),
      Field("error", &R::error));
};

// ---- analysis (worker/analysis/, worker/instrument/) ----

template <>
struct FieldTable<TrackerEventRecord> {
  using R = TrackerEventRecord;
  static constexpr const char* kType = "tracker_event";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("request_id", &R::request_id),
      Field("platform", &R::platform), Field("endpoint", &R::endpoint),
      Field("account_id", &R::account_id), Field("event_name", &R::event_name),
      Field("standard_event", &R::standard_event), Field("event_id", &R::event_id),
      Field("timestamp", &R::timestamp), Field("page_url", &R::page_url),
      Field("referrer_url", &R::referrer_url), Field("page_title", &R::page_title),
      Field("button_text", &R::button_text), Field("custom_parameters", &R::custom_parameters),
      Field("identity_fields", &R::identity_fields), Field("encoding", &R::encoding),
      Field("raw", &R::raw), Field("raw_truncated", &R::raw_truncated),
      Field("duplicate", &R::duplicate));
};

template <>
struct FieldTable<PiiLeakRecord> {
  using R = PiiLeakRecord;
  static constexpr const char* kType = "pii_leak";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("request_id", &R::request_id),
      Field("recipient_host", &R::recipient_host), Field("recipient_domain", &R::recipient_domain),
      Field("organization", &R::organization), Field("third_party", &R::third_party),
      Field("field", &R::field), Field("encoding", &R::encoding), Field("wrapped", &R::wrapped),
      Field("normalization", &R::normalization), Field("where", &R::where),
      Field("header_name", &R::header_name), Field("parameter", &R::parameter),
      Field("timing", &R::timing), Field("sensitive_terms", &R::sensitive_terms),
      Field("evidence", &R::evidence));
};

template <>
struct FieldTable<FingerprintRecord> {
  using R = FingerprintRecord;
  static constexpr const char* kType = "fingerprint";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("technique", &R::technique),
      Field("script_url", &R::script_url), Field("script_domain", &R::script_domain),
      Field("third_party", &R::third_party), Field("frame_url", &R::frame_url),
      Field("evidence", &R::evidence));
};

template <>
struct FieldTable<SessionRecorderRecord> {
  using R = SessionRecorderRecord;
  static constexpr const char* kType = "session_recorder";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("vendor", &R::vendor),
      Field("detected_by", &R::detected_by), Field("script_url", &R::script_url),
      Field("request_ids", &R::request_ids), Field("evidence", &R::evidence));
};

template <>
struct FieldTable<SiteSummaryRecord> {
  using R = SiteSummaryRecord;
  static constexpr const char* kType = "site_summary";
  static constexpr auto kFields = std::make_tuple(
      Field("visit_id", &R::visit_id), Field("site", &R::site), Field("input_url", &R::input_url),
      Field("final_url", &R::final_url), Field("outcome", &R::outcome),
      Field("requests", &R::requests), Field("third_party_requests", &R::third_party_requests),
      Field("filter_matched_requests", &R::filter_matched_requests),
      Field("first_party_cookies", &R::first_party_cookies),
      Field("third_party_cookies", &R::third_party_cookies),
      Field("tracker_cookies", &R::tracker_cookies), Field("organizations", &R::organizations),
      Field("categories", &R::categories), Field("third_parties", &R::third_parties),
      Field("tracker_events", &R::tracker_events), Field("pii_leaks", &R::pii_leaks),
      Field("third_party_pii_leaks", &R::third_party_pii_leaks),
      Field("fingerprinting", &R::fingerprinting), Field("session_recorders", &R::session_recorders),
      Field("key_logging", &R::key_logging), Field("findings", &R::findings));
};

}  // namespace worker
