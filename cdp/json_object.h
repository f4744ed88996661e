// JsonObject: builds the params object of a CDP command (RapidJSON's writer
// does the escaping). Not thread-safe; build, call Build() once, send.
//   JsonObject().Set("url", url).Set("flatten", true).Build()
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace cdp {

class JsonObject {
 public:
  JsonObject();
  ~JsonObject();
  JsonObject(JsonObject&&) noexcept;
  JsonObject& Set(std::string_view key, std::string_view value);
  JsonObject& Set(std::string_view key, const char* value) { return Set(key, std::string_view(value)); }
  JsonObject& Set(std::string_view key, bool value);
  JsonObject& Set(std::string_view key, int64_t value);
  JsonObject& Set(std::string_view key, int value) { return Set(key, static_cast<int64_t>(value)); }
  JsonObject& Set(std::string_view key, double value);
  // `json` must be valid JSON text (an object, array, ...); inserted verbatim.
  JsonObject& SetRaw(std::string_view key, std::string_view json);
  std::string Build();  // "{...}"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cdp
