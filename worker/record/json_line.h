// JsonLine: one record as one line of JSON, the form of every record trackscan
// writes (schemas/*.schema.json): "type" and "schema_version" first, then the
// fields in the order written; an unknown optional is null; a double that is
// not finite is null (JSON has no NaN); strings are made valid UTF-8 (each
// invalid byte becomes U+FFFD: page data is arbitrary bytes). RapidJSON's
// writer does the escaping. One JsonLine per record; not thread-safe.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace worker {

class JsonLine {
 public:
  explicit JsonLine(std::string_view type);
  std::string Done();  // the line, without a newline

  void Field(const char* name, std::string_view v);
  void Field(const char* name, const std::string& v) { Field(name, std::string_view(v)); }
  void Field(const char* name, const char* v) { Field(name, std::string_view(v)); }
  void Field(const char* name, bool v);
  void Field(const char* name, int v);
  void Field(const char* name, int64_t v);
  void Field(const char* name, double v);
  template <typename T>
  void Field(const char* name, const std::optional<T>& v) {
    if (v) return Field(name, *v);
    Key(name);
    writer_.Null();
  }
  void Field(const char* name, const std::vector<std::string>& v);
  void Field(const char* name, const std::map<std::string, std::string>& v);
  void Field(const char* name, const std::vector<std::pair<std::string, std::string>>& pairs);  // [[a, b], ...]

  // name: {...}, the members written by fields().
  template <typename Fn>
  void Object(const char* name, Fn&& fields) {
    Key(name);
    writer_.StartObject();
    fields();
    writer_.EndObject();
  }
  // name: [{...}, ...], one object per item, its members written by each(item).
  template <typename T, typename Fn>
  void Objects(const char* name, const std::vector<T>& items, Fn&& each) {
    Key(name);
    writer_.StartArray();
    for (const T& item : items) {
      writer_.StartObject();
      each(item);
      writer_.EndObject();
    }
    writer_.EndArray();
  }

 private:
  void Key(const char* name) { writer_.Key(name); }
  void String(std::string_view v);

  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace worker
