#include "cdp/json_object.h"

#include <cmath>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cdp {

struct JsonObject::Impl {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
  bool built = false;

  Impl() { writer.StartObject(); }
  void Key(std::string_view key) {
    writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()), true);
  }
};

JsonObject::JsonObject() : impl_(std::make_unique<Impl>()) {}
JsonObject::~JsonObject() = default;
JsonObject::JsonObject(JsonObject&&) noexcept = default;

JsonObject& JsonObject::Set(std::string_view key, std::string_view value) {
  impl_->Key(key);
  impl_->writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()), true);
  return *this;
}

JsonObject& JsonObject::Set(std::string_view key, bool value) {
  impl_->Key(key);
  impl_->writer.Bool(value);
  return *this;
}

JsonObject& JsonObject::Set(std::string_view key, int64_t value) {
  impl_->Key(key);
  impl_->writer.Int64(value);
  return *this;
}

JsonObject& JsonObject::Set(std::string_view key, double value) {
  impl_->Key(key);
  if (std::isfinite(value)) {
    impl_->writer.Double(value);
  } else {
    impl_->writer.Null();  // JSON has no NaN or Infinity
  }
  return *this;
}

JsonObject& JsonObject::SetRaw(std::string_view key, std::string_view json) {
  impl_->Key(key);
  impl_->writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  return *this;
}

std::string JsonObject::Build() {
  if (!impl_->built) {
    impl_->writer.EndObject();
    impl_->built = true;
  }
  return std::string(impl_->buffer.GetString(), impl_->buffer.GetSize());
}

}  // namespace cdp
