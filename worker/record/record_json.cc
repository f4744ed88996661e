#include "worker/record/record_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "worker/record/record_tables.h"

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

// Writes one JSON value per C++ type: the "kind" of a table field is the
// overload its member's type selects.
class JsonWriter {
 public:
  JsonWriter() : writer_(buffer_) {}
  std::string Text() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }

  // The members of T's table, in order, without the braces.
  template <HasFieldTable T>
  void Members(const T& object) {
    ForEachField<T>([&](const auto& spec) {
      writer_.Key(spec.name);
      Value(object.*spec.member);
    });
  }

  void Key(const char* name) { writer_.Key(name); }
  void StartObject() { writer_.StartObject(); }
  void EndObject() { writer_.EndObject(); }

  void Value(std::string_view v) {
    if (IsValidUtf8(v)) {  // the common case: no copy
      writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
      return;
    }
    std::string clean = SanitizeUtf8(v);
    writer_.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
  void Value(bool v) { writer_.Bool(v); }
  void Value(int v) { writer_.Int(v); }
  void Value(int64_t v) { writer_.Int64(v); }
  void Value(double v) {
    if (std::isfinite(v)) writer_.Double(v); else writer_.Null();
  }

  template <typename T>
  void Value(const std::optional<T>& v) {
    if (v) Value(*v); else writer_.Null();
  }

  template <HasFieldTable T>
  void Value(const T& object) {
    writer_.StartObject();
    Members(object);
    writer_.EndObject();
  }

  // Lists of strings or of objects.
  template <typename T>
  void Value(const std::vector<T>& items) {
    writer_.StartArray();
    for (const T& item : items) Value(item);
    writer_.EndArray();
  }

  // Header and parameter lists: [[name, value], ...], order and repeats kept.
  void Value(const std::pair<std::string, std::string>& pair) {
    writer_.StartArray();
    Value(pair.first);
    Value(pair.second);
    writer_.EndArray();
  }

  void Value(const std::map<std::string, std::string>& map) {
    writer_.StartObject();
    for (const auto& [key, value] : map) {
      std::string clean = SanitizeUtf8(key);
      writer_.Key(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
      Value(value);
    }
    writer_.EndObject();
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

template <IsRecordType T>
std::string RecordJson(const T& record) {
  JsonWriter json;
  json.StartObject();
  json.Key("type");
  json.Value(std::string_view(FieldTable<T>::kType));
  json.Key("schema_version");
  json.Value(kSchemaVersion);
  json.Members(record);
  json.EndObject();
  return json.Text();
}

}  // namespace

std::string ToJson(const VisitRecord& r) { return RecordJson(r); }
std::string ToJson(const RequestRecord& r) { return RecordJson(r); }
std::string ToJson(const WebSocketRecord& r) { return RecordJson(r); }
std::string ToJson(const CookieRecord& r) { return RecordJson(r); }
std::string ToJson(const CookieWriteRecord& r) { return RecordJson(r); }
std::string ToJson(const DialogRecord& r) { return RecordJson(r); }
std::string ToJson(const PopupRecord& r) { return RecordJson(r); }
std::string ToJson(const DownloadRecord& r) { return RecordJson(r); }
std::string ToJson(const InteractionRecord& r) { return RecordJson(r); }
std::string ToJson(const ConsentRecord& r) { return RecordJson(r); }
std::string ToJson(const TrackerEventRecord& r) { return RecordJson(r); }
std::string ToJson(const PiiLeakRecord& r) { return RecordJson(r); }
std::string ToJson(const FingerprintRecord& r) { return RecordJson(r); }
std::string ToJson(const SessionRecorderRecord& r) { return RecordJson(r); }
std::string ToJson(const SiteSummaryRecord& r) { return RecordJson(r); }

}  // namespace worker
