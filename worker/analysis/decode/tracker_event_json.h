// Serializes a tracker_event record as one JSON line, with the conventions of
// worker/record/record_writer.h: "type" and "schema_version" first, then the fields
// of tracker_event.h under the same names, unknown optionals as null, invalid
// UTF-8 bytes as U+FFFD. Pure; thread-safe.
#pragma once

#include <string>

#include "worker/analysis/decode/tracker_event.h"

namespace worker {

std::string ToJson(const TrackerEventRecord& r);

}  // namespace worker
