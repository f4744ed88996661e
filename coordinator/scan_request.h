// ScanRequest: one on-demand scan request, read from the fields of its Redis
// Stream entry (schemas/fleet/scan_request.schema.json). RequestIntake takes
// the entries off the stream and stores what this accepts; the reading itself
// is here, apart from Redis, so that it can be tested and fuzzed on its own.
// Pure: no I/O, no DNS; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "fleet/store/run_store.h"

namespace coordinator {

// A stream entry's fields (name, value), in the order Redis returned them.
using StreamFields = std::vector<std::pair<std::string, std::string>>;

struct ScanRequest {
  std::string request_id, reply_stream;  // as given, also when rejected (for the reply)
  fleet::RunInfo run;                    // "ondemand-<request_id>", priority 1, settings, ttl_s
  std::vector<std::string> lines;        // `urls` split at '\n', unchecked: SubmitRun checks each
  std::string error;                     // why the request is rejected; empty when it is not
};

// Reads `fields`: unknown ones are ignored, and an optional value the
// coordinator cannot use counts as absent (the run then has the default).
// allow_private_targets is the coordinator's, never the requester's.
ScanRequest ParseScanRequest(const StreamFields& fields, bool allow_private_targets);

}  // namespace coordinator
