#include "worker/analysis/decode/decode_internal.h"

namespace worker::decode {

bool ParseJson(std::string_view text, simdjson::dom::element* out) {
  // One parser per thread, reused: its buffers grow to the largest body seen
  // instead of being allocated per request.
  thread_local simdjson::dom::parser parser;
  if (text.empty()) return false;
  return parser.parse(text.data(), text.size(), true).get(*out) == simdjson::SUCCESS;
}

std::optional<std::string> JsonText(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return std::nullopt;
    case simdjson::dom::element_type::STRING: {
      std::string_view s;
      if (e.get(s) != simdjson::SUCCESS) return std::nullopt;
      return std::string(s);
    }
    default:
      return simdjson::to_string(e);
  }
}

std::optional<std::string> JsonField(simdjson::dom::element e, std::string_view key) {
  auto found = JsonPath(e, {key});
  if (!found) return std::nullopt;
  return JsonText(*found);
}

std::optional<simdjson::dom::element> JsonPath(simdjson::dom::element e,
                                              std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    simdjson::dom::object object;
    if (e.get(object) != simdjson::SUCCESS) return std::nullopt;
    if (object.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  }
  return e;
}

void AddJsonMembers(simdjson::dom::element object, std::string_view prefix, Params* out) {
  simdjson::dom::object members;
  if (object.get(members) != simdjson::SUCCESS) return;
  for (auto [key, value] : members) {
    std::optional<std::string> text = JsonText(value);
    out->emplace_back(std::string(prefix) + std::string(key), text ? *text : "null");
  }
}

}  // namespace worker::decode
