// cdp::JsonObject, which writes the params of the commands sent to Chromium,
// often with page-controlled text in them (URLs, request ids, expressions).
// The input is split at its first NUL into a key and a value. Whatever the
// bytes, Build() must not crash; when they are valid UTF-8, the object must
// be JSON that reads back as exactly that key and value.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cdp/json_object.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view key = input.substr(0, nul);
  const std::string_view value = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  const std::string json = cdp::JsonObject().Set(key, value).Set("n", int64_t{-1}).Set("b", true).Build();
  if (!simdjson::validate_utf8(input.data(), input.size())) return 0;
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json).get(object) != simdjson::SUCCESS) std::abort();
  auto field = object.begin();
  std::string_view read_value;
  if (field == object.end() || (*field).key != key) std::abort();
  if ((*field).value.get_string().get(read_value) != simdjson::SUCCESS || read_value != value) std::abort();
  return 0;
}
