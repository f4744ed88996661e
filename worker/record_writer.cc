#include "worker/record_writer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>

namespace worker {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0 when it is not one
// (overlong forms, surrogates and code points past U+10FFFF are not).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  if (b < 0x80) return 1;
  size_t n = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char b1 = byte(i + 1);
  if (b == 0xE0 && b1 < 0xA0) return 0;   // overlong
  if (b == 0xED && b1 > 0x9F) return 0;   // UTF-16 surrogate
  if (b == 0xF0 && b1 < 0x90) return 0;   // overlong
  if (b == 0xF4 && b1 > 0x8F) return 0;   // past U+10FFFF
  return n;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0, n = 0; i < s.size(); i += n) {
    if ((n = Utf8SequenceLength(s, i)) == 0) return false;
  }
  return true;
}

// Page data (bodies, frames, cookie values) is arbitrary bytes; JSON must be
// UTF-8. Each invalid byte becomes U+FFFD, so the rest stays readable.
std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

// A small typed front for RapidJSON's writer: one Field overload per member
// type of records.h. RapidJSON escapes control characters itself.
class Json {
 public:
  explicit Json(const char* type) : writer_(buffer_) {
    writer_.StartObject();
    Field("type", std::string_view(type));
    Field("schema_version", kSchemaVersion);
  }
  std::string Done() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

  void Field(const char* name, std::string_view v) { Key(name); String(v); }
  void Field(const char* name, const std::string& v) { Field(name, std::string_view(v)); }
  void Field(const char* name, bool v) { Key(name); writer_.Bool(v); }
  void Field(const char* name, int v) { Key(name); writer_.Int(v); }
  void Field(const char* name, int64_t v) { Key(name); writer_.Int64(v); }
  void Field(const char* name, double v) {
    Key(name);
    if (std::isfinite(v)) writer_.Double(v); else writer_.Null();  // JSON has no NaN/inf
  }
  template <typename T>
  void Field(const char* name, const std::optional<T>& v) {
    if (v) Field(name, *v); else { Key(name); writer_.Null(); }
  }
  void Field(const char* name, const std::vector<std::string>& v) {
    Key(name);
    writer_.StartArray();
    for (const std::string& s : v) String(s);
    writer_.EndArray();
  }
  void Field(const char* name, const std::map<std::string, std::string>& map) {
    Key(name);
    writer_.StartObject();
    for (const auto& [key, value] : map) {
      writer_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      String(value);
    }
    writer_.EndObject();
  }
  void Field(const char* name, const TrackerAttribution& t) {
    Key(name);
    writer_.StartObject();
    Field("tracker", t.tracker);
    Field("organization", t.organization);
    Field("category", t.category);
    writer_.EndObject();
  }
  void Field(const char* name, const std::vector<SummaryParty>& parties) {
    Key(name);
    writer_.StartArray();
    for (const auto& p : parties) {
      writer_.StartObject();
      Field("domain", p.domain);
      Field("organization", p.organization);
      Field("trackers", p.trackers);
      Field("categories", p.categories);
      Field("mechanisms", p.mechanisms);
      Field("requests", p.requests);
      Field("filter_matches", p.filter_matches);
      Field("cookies", p.cookies);
      writer_.EndObject();
    }
    writer_.EndArray();
  }
  void Field(const char* name, const std::vector<SummaryPlatform>& platforms) {
    Key(name);
    writer_.StartArray();
    for (const auto& p : platforms) {
      writer_.StartObject();
      Field("platform", p.platform);
      Field("account_ids", p.account_ids);
      Field("events", p.events);
      Field("button_texts", p.button_texts);
      Field("identities", p.identities);
      writer_.EndObject();
    }
    writer_.EndArray();
  }
  void Field(const char* name, const HeaderList& headers) {  // [[name, value], ...], order kept
    Key(name);
    writer_.StartArray();
    for (const auto& [header, value] : headers) {
      writer_.StartArray();
      String(header);
      String(value);
      writer_.EndArray();
    }
    writer_.EndArray();
  }

 private:
  void Key(const char* name) { writer_.Key(name); }
  void String(std::string_view v) {
    if (IsValidUtf8(v)) {  // the common case: no copy
      writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
      return;
    }
    std::string clean = SanitizeUtf8(v);
    writer_.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace

std::string ToJson(const VisitRecord& r) {
  Json j("visit");
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
  Json j("request");
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
  j.Field("tracker", r.tracker);
  return j.Done();
}

std::string ToJson(const WebSocketRecord& r) {
  Json j("websocket");
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
  Json j("cookie");
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
  j.Field("tracker", r.tracker);
  return j.Done();
}

std::string ToJson(const CookieWriteRecord& r) {
  Json j("cookie_write");
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
  Json j("dialog");
  j.Field("visit_id", r.visit_id);
  j.Field("dialog_type", r.dialog_type);
  j.Field("message", r.message);
  j.Field("frame_url", r.frame_url);
  j.Field("action", r.action);
  return j.Done();
}

std::string ToJson(const PopupRecord& r) {
  Json j("popup");
  j.Field("visit_id", r.visit_id);
  j.Field("url", r.url);
  j.Field("opener_url", r.opener_url);
  j.Field("target_id", r.target_id);
  j.Field("closed_by_trackscan", r.closed_by_trackscan);
  return j.Done();
}

std::string ToJson(const SiteSummaryRecord& r) {
  Json j("site_summary");
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
  j.Field("third_parties", r.third_parties);
  j.Field("tracker_events", r.tracker_events);
  j.Field("pii_leaks", r.pii_leaks);
  j.Field("third_party_pii_leaks", r.third_party_pii_leaks);
  j.Field("fingerprinting", r.fingerprinting);
  j.Field("session_recorders", r.session_recorders);
  j.Field("key_logging", r.key_logging);
  j.Field("findings", r.findings);
  return j.Done();
}

std::string ToJson(const DownloadRecord& r) {
  Json j("download");
  j.Field("visit_id", r.visit_id);
  j.Field("url", r.url);
  j.Field("suggested_filename", r.suggested_filename);
  j.Field("action", r.action);
  return j.Done();
}

// ---- issue 4: fingerprinting and session recording (worker/instrument/records.h) ----

std::string ToJson(const FingerprintRecord& r) {
  Json j("fingerprint");
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
  Json j("session_recorder");
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
