// fleet/protocol's decoders: the input is one ZeroMQ frame (Decode) and also
// a run's settings text (DecodeSettings). Whatever decodes must encode to
// bytes that decode again to the same message: Encode(Decode(Encode(m))) ==
// Encode(m), and the same for the settings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fleet/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto message = fleet::Decode(input); message.ok()) {
    const std::string encoded = fleet::Encode(*message);
    auto again = fleet::Decode(encoded);
    if (!again.ok() || fleet::Encode(*again) != encoded) std::abort();
  }
  if (auto settings = fleet::DecodeSettings(input); settings.ok()) {
    const std::string encoded = fleet::EncodeSettings(*settings);
    auto again = fleet::DecodeSettings(encoded);
    if (!again.ok() || fleet::EncodeSettings(*again) != encoded) std::abort();
  }
  return 0;
}
