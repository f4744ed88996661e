#include "common/zstd_frame.h"

#include <catch2/catch.hpp>

#include <string>

using common::ZstdCompress;
using common::ZstdDecompress;

TEST_CASE("a zstd frame gives back exactly what was compressed", "[zstd]") {
  std::string lines;
  for (int i = 0; i < 200; ++i) {
    lines += R"({"type":"request","url":"https://px.tracker.test/collect?id=)" + std::to_string(i * 7919) +
             R"(","headers":{"user-agent":"Mozilla/5.0","accept":"*/*"}})" + "\n";
  }
  std::string frame = ZstdCompress(lines);
  CHECK(frame.size() * 4 < lines.size());  // repeated names and prefixes compress
  auto back = ZstdDecompress(frame);
  REQUIRE(back.ok());
  CHECK(*back == lines);
  CHECK(*ZstdDecompress(ZstdCompress("")) == "");
}

TEST_CASE("what is not one whole zstd frame is refused, not decompressed", "[zstd]") {
  std::string frame = ZstdCompress(std::string(100000, 'x'));
  CHECK(ZstdDecompress("{\"type\":\"visit\"}").status().code() == common::Code::kDecode);
  CHECK_FALSE(ZstdDecompress(std::string_view(frame).substr(0, frame.size() - 3)).ok());  // truncated
  CHECK_FALSE(ZstdDecompress(frame, 99999).ok());  // over the caller's limit
  CHECK(ZstdDecompress(frame, 100000).ok());
  std::string corrupt = frame;
  corrupt[corrupt.size() / 2] ^= 0x55;
  auto bad = ZstdDecompress(corrupt);
  CHECK((!bad.ok() || *bad != std::string(100000, 'x')));
}
