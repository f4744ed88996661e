#include "worker/interact/records_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <optional>

namespace worker {
namespace {

// Every string here came through simdjson (page reports) or from options, so
// it is valid UTF-8 already.
class Json {
 public:
  explicit Json(const char* type) : w_(buffer_) {
    w_.StartObject();
    Field("type", std::string(type));
    w_.Key("schema_version");
    w_.Int(kSchemaVersion);
  }
  void Field(const char* key, const std::string& v) {
    w_.Key(key);
    w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  void Field(const char* key, bool v) { w_.Key(key); w_.Bool(v); }
  void Field(const char* key, double v) {
    w_.Key(key);
    if (std::isfinite(v)) w_.Double(v); else w_.Null();
  }
  template <typename T>
  void Field(const char* key, const std::optional<T>& v) {
    if (v) return Field(key, *v);
    w_.Key(key);
    w_.Null();
  }
  std::string Done() {
    w_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace

std::string ToJson(const InteractionRecord& r) {
  Json j("interaction");
  j.Field("visit_id", r.visit_id);
  j.Field("action", r.action);
  j.Field("field_kind", r.field_kind);
  j.Field("value", r.value);
  j.Field("button_text", r.button_text);
  j.Field("element_tag", r.element_tag);
  j.Field("element_id", r.element_id);
  j.Field("element_name", r.element_name);
  j.Field("element_type", r.element_type);
  j.Field("selector", r.selector);
  j.Field("frame_url", r.frame_url);
  j.Field("wall_time", r.wall_time);
  j.Field("ok", r.ok);
  j.Field("error", r.error);
  return j.Done();
}

std::string ToJson(const ConsentRecord& r) {
  Json j("consent");
  j.Field("visit_id", r.visit_id);
  j.Field("mode", r.mode);
  j.Field("cmp", r.cmp);
  j.Field("action", r.action);
  j.Field("result", r.result);
  j.Field("frame_url", r.frame_url);
  j.Field("found_wall_time", r.found_wall_time);
  j.Field("done_wall_time", r.done_wall_time);
  j.Field("error", r.error);
  return j.Done();
}

}  // namespace worker
