// Encode writes with RapidJSON's Writer in one fixed key order ("v", "type",
// then the struct's members as declared), so a message always has the same
// bytes and schemas/fleet/examples/ can be compared with them byte for byte.
// Decode reads with simdjson On Demand in two passes over one parse: the
// envelope ("v", "type") first, wherever the keys are, so that a frame of
// another version is rejected before its body is interpreted; then, after
// rewind(), the body, walked once in the sender's order. Keys the decoder
// does not know are skipped, so a v1 sender may add fields. Every failure is
// kDecode with a reason that names the field.
#include "fleet/protocol.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <type_traits>

namespace fleet {
namespace {

namespace od = simdjson::ondemand;
using common::Result;
using common::Status;
using simdjson::error_code;

// In the order of Message's alternatives; TypeName and Decode index it.
constexpr const char* kTypeNames[] = {"ready", "heartbeat", "batch", "done", "disconnect"};
static_assert(std::size(kTypeNames) == std::variant_size_v<Message>);

// A batch is at most a few dozen URLs; a larger one is a broken sender, and
// rejecting it bounds what one frame can make us allocate.
constexpr size_t kMaxBatchItems = 10000;

// One member of a struct on the wire: its name, where its value lives, and
// the lowest value Decode accepts (attempts start at 1; a setting may be -1,
// the worker's default; nothing else is negative). Encode and Decode share the lists below, so they cannot
// disagree on names or order.
struct Slot {
  template <typename T>
  Slot(const char* name, T* value, int64_t min = 0) : name(name), value(value), min(min) {}
  const char* name;
  std::variant<std::string*, bool*, double*, int*, int64_t*, VisitSettings*, std::vector<BatchItem>*>
      value;
  int64_t min;
  bool seen = false;  // Decode: the member was present
};

// Each struct's members in declaration order, which is the wire order.
std::array<Slot, 2> SlotsOf(Ready& m) {
  return {{{"worker_id", &m.worker_id}, {"capacity", &m.capacity}}};
}
std::array<Slot, 1> SlotsOf(Heartbeat& m) { return {{{"worker_id", &m.worker_id}}}; }
std::array<Slot, 1> SlotsOf(Disconnect& m) { return {{{"worker_id", &m.worker_id}}}; }
std::array<Slot, 5> SlotsOf(Batch& m) {
  return {{{"run", &m.run}, {"batch_id", &m.batch_id}, {"lease_ms", &m.lease_ms},
           {"settings", &m.settings}, {"items", &m.items}}};
}
std::array<Slot, 5> SlotsOf(VisitSettings& s) {
  return {{{"timeout_s", &s.timeout_s, -1}, {"min_dwell_s", &s.min_dwell_s, -1},
           {"quiet_period_s", &s.quiet_period_s, -1}, {"post_data_cap", &s.post_data_cap, -1},
           {"allow_private_targets", &s.allow_private_targets}}};
}
std::array<Slot, 3> SlotsOf(BatchItem& m) {
  return {{{"index", &m.index}, {"url", &m.url}, {"attempt", &m.attempt, 1}}};
}
std::array<Slot, 7> SlotsOf(Done& m) {
  return {{{"worker_id", &m.worker_id}, {"run", &m.run}, {"batch_id", &m.batch_id}, {"index", &m.index},
           {"visit_id", &m.visit_id}, {"outcome", &m.outcome}, {"attempt", &m.attempt, 1}}};
}
// Encode only reads through the slots.
template <typename T>
auto SlotsOf(const T& m) { return SlotsOf(const_cast<T&>(m)); }

// ---------------------------------------------------------------- Encode

// The peer's simdjson rejects a whole frame with invalid UTF-8, so one bad
// byte in a URL would lose the batch: each such byte becomes U+FFFD instead.
std::string ValidUtf8(std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;  // the shortest valid sequence at i: a prefix of one is incomplete
    while (n <= 4 && i + n <= s.size() && !simdjson::validate_utf8(s.data() + i, n)) ++n;
    bool valid = n <= 4 && i + n <= s.size();
    out.append(valid ? s.substr(i, n) : std::string_view("\xEF\xBF\xBD"));
    i += valid ? n : 1;
  }
  return out;
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// An object with the slots' members; a message's object starts with "v" and "type".
void WriteObject(JsonWriter& w, std::span<const Slot> slots, const char* type = nullptr);

void WriteValue(JsonWriter& w, const Slot& slot) {
  std::visit([&](const auto* v) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(v)>>;
    if constexpr (std::is_same_v<T, std::string>) {
      std::string clean = ValidUtf8(*v);
      w.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
    } else if constexpr (std::is_same_v<T, bool>) {
      w.Bool(*v);
    } else if constexpr (std::is_same_v<T, double>) {
      w.Double(std::isfinite(*v) ? *v : -1.0);  // JSON has no NaN or infinity; -1 = the worker's default
    } else if constexpr (std::is_integral_v<T>) {
      w.Int64(*v);
    } else if constexpr (std::is_same_v<T, VisitSettings>) {
      WriteObject(w, SlotsOf(*v));
    } else {
      w.StartArray();
      for (const BatchItem& item : *v) WriteObject(w, SlotsOf(item));
      w.EndArray();
    }
  }, slot.value);
}

void WriteObject(JsonWriter& w, std::span<const Slot> slots, const char* type) {
  w.StartObject();
  if (type) {
    w.Key("v");
    w.Int(kProtocolVersion);
    w.Key("type");
    w.String(type);
  }
  for (const Slot& slot : slots) {
    w.Key(slot.name);
    WriteValue(w, slot);
  }
  w.EndObject();
}

// ---------------------------------------------------------------- Decode

using Reason = std::string;  // why a frame is rejected; empty while all is well

std::string Quote(std::string_view s) {  // for reasons: short and printable
  std::string out(s.substr(0, 40));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  return "\"" + out + (s.size() > 40 ? "...\"" : "\"");
}

Reason Broken(const std::string& where, error_code err) {  // `where`: "" or " at \"name\""
  return "invalid JSON" + where + ": " + simdjson::error_message(err);
}

// A value of the wrong kind is the sender's mistake; anything else is broken JSON.
Reason Mistyped(const std::string& name, const char* expected, error_code err) {
  if (err == simdjson::INCORRECT_TYPE || err == simdjson::NUMBER_ERROR ||
      err == simdjson::NUMBER_OUT_OF_RANGE) {
    return Quote(name) + " is not " + expected;
  }
  return Broken(" at " + Quote(name), err);
}

Reason ReadObject(od::value v, const std::string& path, std::span<Slot> slots, bool all_required = true);

// On Demand checks only what is read, so the value of a key we do not know is
// read through too: whether a frame is valid JSON must not depend on which
// fields this version knows. Nesting is capped: this recurses, and On Demand
// only assumes (never checks) that documents are less than 1024 levels deep.
error_code Validate(od::value v, int depth = 0) {
  od::json_type type;
  od::object object;
  od::array array;
  if (auto err = v.type().get(type)) return err;
  switch (type) {
    case od::json_type::object:
      if (auto err = v.get_object().get(object)) return err;
      for (auto field : object) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (depth > 64) return simdjson::DEPTH_ERROR;
        if (auto err = Validate(field.value_unsafe().value(), depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    case od::json_type::array:
      if (auto err = v.get_array().get(array)) return err;
      for (auto element : array) {
        if (auto err = element.error()) return err;
        if (depth > 64) return simdjson::DEPTH_ERROR;
        if (auto err = Validate(element.value_unsafe(), depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    case od::json_type::string: return v.get_string().error();
    case od::json_type::number: return v.get_double().error();  // also big integers
    case od::json_type::boolean: return v.get_bool().error();
    case od::json_type::null: return v.is_null().value_unsafe() ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
  }
  return simdjson::TAPE_ERROR;
}

Reason ReadInteger(od::value v, const std::string& name, int64_t min, int64_t max, int64_t& out) {
  int64_t n = 0;
  if (auto err = v.get_int64().get(n)) return Mistyped(name, "an integer", err);
  if (n < min) return Quote(name) + " is " + std::to_string(n) + ", must be >= " + std::to_string(min);
  if (n > max) return Quote(name) + " is " + std::to_string(n) + ", must be <= " + std::to_string(max);
  out = n;
  return {};
}

Reason ReadItems(od::value v, const std::string& name, std::vector<BatchItem>& items) {
  od::array array;
  if (auto err = v.get_array().get(array)) return Mistyped(name, "an array", err);
  for (auto element : array) {
    od::value value;
    if (auto err = element.get(value)) return Broken(" in " + Quote(name), err);
    if (items.size() == kMaxBatchItems) return "more than " + std::to_string(kMaxBatchItems) + " items";
    std::array<Slot, 3> slots = SlotsOf(items.emplace_back());
    std::string path = name + "[" + std::to_string(items.size() - 1) + "].";
    if (Reason r = ReadObject(value, path, slots); !r.empty()) return r;
  }
  return {};
}

Reason ReadSlot(od::value v, const std::string& name, Slot& slot) {
  return std::visit([&](auto* out) -> Reason {
    using T = std::remove_pointer_t<decltype(out)>;
    if constexpr (std::is_same_v<T, std::string>) {
      std::string_view s;
      if (auto err = v.get_string().get(s)) return Mistyped(name, "a string", err);
      // Ids and URLs end up in Redis keys and C APIs, where a NUL cuts them short.
      if (s.find('\0') != s.npos) return Quote(name) + " contains a NUL character";
      out->assign(s);
      return {};
    } else if constexpr (std::is_same_v<T, bool>) {
      if (auto err = v.get_bool().get(*out)) return Mistyped(name, "a boolean", err);
      return {};
    } else if constexpr (std::is_same_v<T, double>) {
      double d = 0;
      if (auto err = v.get_double().get(d)) return Mistyped(name, "a number", err);
      if (d < static_cast<double>(slot.min)) {
        return Quote(name) + " is " + std::to_string(d) + ", must be >= " + std::to_string(slot.min);
      }
      *out = d;
      return {};
    } else if constexpr (std::is_integral_v<T>) {
      int64_t n = 0;
      Reason r = ReadInteger(v, name, slot.min, std::numeric_limits<T>::max(), n);
      if (r.empty()) *out = static_cast<T>(n);
      return r;
    } else if constexpr (std::is_same_v<T, VisitSettings>) {
      std::array<Slot, 5> slots = SlotsOf(*out);
      return ReadObject(v, name + ".", slots);
    } else {
      return ReadItems(v, name, *out);
    }
  }, slot.value);
}

// Walks the object once; keys without a slot are skipped. Every slot is
// required unless `all_required` is false. `path` prefixes the names in
// reasons ("items[3].").
Reason ReadObject(od::value v, const std::string& path, std::span<Slot> slots, bool all_required) {
  od::object object;
  if (auto err = v.get_object().get(object)) {
    if (path.empty()) return "not a JSON object";
    return Mistyped(path.substr(0, path.size() - 1), "an object", err);
  }
  for (auto field_result : object) {
    std::string_view key;
    error_code err = field_result.error();
    if (!err) err = field_result.value_unsafe().unescaped_key().get(key);
    if (err) return Broken(path.empty() ? "" : " in " + Quote(path), err);
    od::value value = field_result.value_unsafe().value();
    auto slot = std::find_if(slots.begin(), slots.end(), [&](const Slot& s) { return key == s.name; });
    if (slot == slots.end()) {  // unknown: a later v1 sender may add fields
      if (auto err = Validate(value)) return Broken(" at " + Quote(path + std::string(key)), err);
      continue;
    }
    slot->seen = true;
    if (Reason r = ReadSlot(value, path + slot->name, *slot); !r.empty()) return r;
  }
  for (const Slot& slot : slots) {
    if (!slot.seen && all_required) return "missing " + Quote(path + slot.name);
  }
  return {};
}

template <typename T>
Reason ReadBody(od::value root, Message& message) {
  T m;
  auto slots = SlotsOf(m);
  Reason r = ReadObject(root, "", slots);
  if (r.empty()) message = std::move(m);
  return r;
}

using BodyReader = Reason (*)(od::value root, Message& message);
constexpr BodyReader kBodyReaders[] = {&ReadBody<Ready>, &ReadBody<Heartbeat>, &ReadBody<Batch>,
                                       &ReadBody<Done>, &ReadBody<Disconnect>};
static_assert(std::size(kBodyReaders) == std::size(kTypeNames));

Reason ReadEnvelope(od::document& doc, size_t& type_index) {
  od::object object;
  if (auto err = doc.get_object().get(object)) {
    return err == simdjson::INCORRECT_TYPE ? "not a JSON object" : Broken("", err);
  }
  int64_t version = 0;
  if (auto err = object["v"].get_int64().get(version)) {
    return err == simdjson::NO_SUCH_FIELD ? "missing \"v\"" : Mistyped("v", "an integer", err);
  }
  if (version != kProtocolVersion) {
    return "protocol version " + std::to_string(version) + ", expected " +
           std::to_string(kProtocolVersion);
  }
  std::string_view type;
  if (auto err = object["type"].get_string().get(type)) {
    return err == simdjson::NO_SUCH_FIELD ? "missing \"type\"" : Mistyped("type", "a string", err);
  }
  for (type_index = 0; type_index < std::size(kTypeNames); ++type_index) {
    if (type == kTypeNames[type_index]) return {};
  }
  return "unknown type " + Quote(type);
}

}  // namespace

const char* TypeName(const Message& message) { return kTypeNames[message.index()]; }

std::string Encode(const Message& message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  std::visit([&](const auto& m) { WriteObject(w, SlotsOf(m), TypeName(message)); }, message);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Message> Decode(std::string_view frame) {
  if (frame.size() > kMaxMessageBytes) {  // before any copy or parse
    return Status::Decode("message of " + std::to_string(frame.size()) +
                          " bytes, more than the limit of " + std::to_string(kMaxMessageBytes));
  }
  // This thread's parser and padded input, reused so their buffers are allocated once.
  thread_local od::parser parser;
  thread_local std::string buffer;
  buffer.assign(frame);
  buffer.resize(frame.size() + simdjson::SIMDJSON_PADDING);  // zeroed padding, as padded_string has
  od::document doc;
  if (auto err = parser.iterate(buffer.data(), frame.size(), buffer.size()).get(doc)) {
    return Status::Decode(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  size_t type_index = 0;
  if (Reason r = ReadEnvelope(doc, type_index); !r.empty()) return Status::Decode(r);

  doc.rewind();
  od::value root;
  Message message;
  Reason r;
  if (auto err = doc.get_value().get(root)) r = Broken("", err);
  if (r.empty()) r = kBodyReaders[type_index](root, message);
  // The body walk ends at the object's closing brace; anything after it
  // ("{...} {...}") makes the frame something other than one JSON object.
  if (r.empty() && doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    r = "invalid JSON: content after the object";
  }
  if (!r.empty()) return Status::Decode(std::string(kTypeNames[type_index]) + ": " + r);
  return message;
}

std::string EncodeSettings(const VisitSettings& settings) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  WriteObject(w, SlotsOf(settings));
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<VisitSettings> DecodeSettings(std::string_view json) {
  od::parser parser;
  simdjson::padded_string padded(json);
  od::document doc;
  od::value root;
  VisitSettings settings;
  std::array<Slot, 5> slots = SlotsOf(settings);
  Reason r;
  if (auto err = parser.iterate(padded).get(doc)) r = Broken("", err);
  if (r.empty()) {
    if (auto err = doc.get_value().get(root)) r = Broken("", err);
  }
  if (r.empty()) r = ReadObject(root, "", slots, /*all_required=*/false);
  if (!r.empty()) return Status::Decode("settings: " + r);
  return settings;
}

}  // namespace fleet
