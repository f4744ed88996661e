// The records the fingerprinting and session-recording rules produce
// (fingerprint_rules.h), one JSON object per line like those of
// worker/record/records.h: schemas/fingerprint.schema.json and
// schemas/session_recorder.schema.json; record_writer.h serializes them.
// Plain values, no behaviour.
#pragma once

#include "worker/record/records.h"

#include <optional>
#include <string>
#include <vector>

namespace worker {


}  // namespace worker
