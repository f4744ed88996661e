// ToJson for pii_leak records, with record_writer.cc's conventions ("type"
// and "schema_version" first, members in declaration order, null for unknown
// optionals). Every string of a record is made by FindPiiLeaks from URLs,
// header names, the sensitive-term list or printable-ASCII evidence, so no
// UTF-8 repair is needed here.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "worker/pii/pii_leak.h"
#include "worker/records.h"

namespace worker {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void Opt(Writer& w, const char* key, const std::optional<std::string>& v) {
  if (v) {
    Str(w, key, *v);
  } else {
    w.Key(key);
    w.Null();
  }
}

}  // namespace

std::string ToJson(const PiiLeakRecord& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "type", "pii_leak");
  w.Key("schema_version");
  w.Int(kSchemaVersion);
  Str(w, "visit_id", r.visit_id);
  Str(w, "request_id", r.request_id);
  Str(w, "recipient_host", r.recipient_host);
  Str(w, "recipient_domain", r.recipient_domain);
  Opt(w, "organization", r.organization);
  w.Key("third_party");
  w.Bool(r.third_party);
  Str(w, "field", r.field);
  Str(w, "encoding", r.encoding);
  Opt(w, "wrapped", r.wrapped);
  Str(w, "normalization", r.normalization);
  Str(w, "where", r.where);
  Opt(w, "header_name", r.header_name);
  Opt(w, "parameter", r.parameter);
  Str(w, "timing", r.timing);
  w.Key("sensitive_terms");
  w.StartArray();
  for (const std::string& t : r.sensitive_terms) w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
  w.EndArray();
  Str(w, "evidence", r.evidence);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace worker
