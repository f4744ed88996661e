// zstd frames: how a visit's records are stored in Redis (docs/fleet.md).
// JSON records of one visit repeat their field names, header names and URL
// prefixes, so a frame is several times smaller than the lines; Redis then
// moves and holds that many fewer bytes per record.
// Stateless functions; each thread keeps its own zstd contexts.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace common {

// A zstd frame of `data` (its size recorded in the frame header). Level 1:
// the worker's CPU matters more than the last bytes.
std::string ZstdCompress(std::string_view data, int level = 1);

// The content of one zstd frame. kDecode for anything else (not zstd,
// truncated, or more than `max_bytes` once decompressed: a hostile value in
// Redis must not exhaust memory).
Result<std::string> ZstdDecompress(std::string_view frame, size_t max_bytes = size_t{1} << 30);

}  // namespace common
