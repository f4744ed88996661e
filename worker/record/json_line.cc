#include "worker/record/json_line.h"

#include <cmath>

#include "worker/record/records.h"

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

}  // namespace

JsonLine::JsonLine(std::string_view type) : writer_(buffer_) {
  writer_.StartObject();
  Field("type", type);
  Field("schema_version", kSchemaVersion);
}

std::string JsonLine::Done() {
  writer_.EndObject();
  return std::string(buffer_.GetString(), buffer_.GetSize());
}

void JsonLine::Field(const char* name, std::string_view v) {
  Key(name);
  String(v);
}
void JsonLine::Field(const char* name, bool v) {
  Key(name);
  writer_.Bool(v);
}
void JsonLine::Field(const char* name, int v) {
  Key(name);
  writer_.Int(v);
}
void JsonLine::Field(const char* name, int64_t v) {
  Key(name);
  writer_.Int64(v);
}
void JsonLine::Field(const char* name, double v) {
  Key(name);
  if (std::isfinite(v)) writer_.Double(v); else writer_.Null();
}

void JsonLine::Field(const char* name, const std::vector<std::string>& v) {
  Key(name);
  writer_.StartArray();
  for (const std::string& s : v) String(s);
  writer_.EndArray();
}

void JsonLine::Field(const char* name, const std::map<std::string, std::string>& map) {
  Key(name);
  writer_.StartObject();
  for (const auto& [key, value] : map) {
    std::string clean = SanitizeUtf8(key);
    writer_.Key(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
    String(value);
  }
  writer_.EndObject();
}

void JsonLine::Field(const char* name, const std::vector<std::pair<std::string, std::string>>& pairs) {
  Key(name);
  writer_.StartArray();
  for (const auto& [first, second] : pairs) {
    writer_.StartArray();
    String(first);
    String(second);
    writer_.EndArray();
  }
  writer_.EndArray();
}

void JsonLine::String(std::string_view v) {
  if (IsValidUtf8(v)) {  // the common case: no copy
    writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return;
  }
  std::string clean = SanitizeUtf8(v);
  writer_.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
}

}  // namespace worker
