#include "worker/decode/tracker_event_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "worker/records.h"

namespace worker {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0 (as record_writer.cc:
// overlong forms, surrogates and code points past U+10FFFF are not well formed).
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  if (b < 0x80) return 1;
  size_t n = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char b1 = byte(i + 1);
  if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F) || (b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F)) {
    return 0;
  }
  return n;
}

class Writer {
 public:
  Writer() : writer_(buffer_) {
    writer_.StartObject();
    Field("type", std::string_view("tracker_event"));
    writer_.Key("schema_version");
    writer_.Int(kSchemaVersion);
  }
  std::string Done() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }
  void Field(const char* name, std::string_view v) { writer_.Key(name); String(v); }
  void Field(const char* name, bool v) { writer_.Key(name); writer_.Bool(v); }
  void Field(const char* name, const std::optional<std::string>& v) {
    if (v) { Field(name, std::string_view(*v)); } else { writer_.Key(name); writer_.Null(); }
  }
  void Field(const char* name, const ParameterList& pairs) {  // [[name, value], ...], order kept
    writer_.Key(name);
    writer_.StartArray();
    for (const auto& [key, value] : pairs) {
      writer_.StartArray();
      String(key);
      String(value);
      writer_.EndArray();
    }
    writer_.EndArray();
  }
  void Field(const char* name, const std::vector<IdentityField>& fields) {
    writer_.Key(name);
    writer_.StartArray();
    for (const IdentityField& f : fields) {
      writer_.StartObject();
      Field("parameter", std::string_view(f.parameter));
      Field("kind", std::string_view(f.kind));
      Field("value", std::string_view(f.value));
      Field("hashed", f.hashed);
      Field("hash_algorithm", f.hash_algorithm);
      Field("empty_hash", f.empty_hash);
      writer_.EndObject();
    }
    writer_.EndArray();
  }

 private:
  // Decoded values are arbitrary bytes; JSON must be UTF-8.
  void String(std::string_view v) {
    std::string clean;
    clean.reserve(v.size());
    for (size_t i = 0; i < v.size();) {
      size_t n = Utf8Length(v, i);
      if (n == 0) { clean += "\xEF\xBF\xBD"; ++i; } else { clean.append(v, i, n); i += n; }
    }
    writer_.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace

std::string ToJson(const TrackerEventRecord& r) {
  Writer j;
  j.Field("visit_id", std::string_view(r.visit_id));
  j.Field("request_id", std::string_view(r.request_id));
  j.Field("platform", std::string_view(r.platform));
  j.Field("endpoint", std::string_view(r.endpoint));
  j.Field("account_id", r.account_id);
  j.Field("event_name", std::string_view(r.event_name));
  j.Field("standard_event", r.standard_event);
  j.Field("event_id", r.event_id);
  j.Field("timestamp", r.timestamp);
  j.Field("page_url", r.page_url);
  j.Field("referrer_url", r.referrer_url);
  j.Field("page_title", r.page_title);
  j.Field("button_text", r.button_text);
  j.Field("custom_parameters", r.custom_parameters);
  j.Field("identity_fields", r.identity_fields);
  j.Field("encoding", std::string_view(r.encoding));
  j.Field("raw", std::string_view(r.raw));
  j.Field("raw_truncated", r.raw_truncated);
  j.Field("duplicate", r.duplicate);
  return j.Done();
}

}  // namespace worker
