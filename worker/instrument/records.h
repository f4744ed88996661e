// The records the fingerprinting and session-recording rules produce
// (fingerprint_rules.h), one JSON object per line like those of
// worker/records.h: schemas/fingerprint.schema.json and
// schemas/session_recorder.schema.json; record_writer.h serializes them.
// Plain values, no behaviour.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace worker {

struct FingerprintRecord {  // type "fingerprint"
  std::string visit_id;
  std::string technique;       // canvas | canvas_font | webgl | audio
  std::string script_url;      // the script whose calls satisfied the rule
  std::string script_domain;   // its registrable domain
  bool third_party = false;    // script_domain differs from the visit's site
  std::string frame_url;       // the document (or worker) it ran in
  std::vector<std::string> evidence;  // what satisfied the rule, readable
};

struct SessionRecorderRecord {  // type "session_recorder"
  std::string visit_id;
  std::string vendor;          // from the endpoint list, or "unknown"
  std::string detected_by;     // endpoint | behaviour | both
  std::optional<std::string> script_url;  // the recording script, when known
  std::vector<std::string> request_ids;   // requests to the vendor's endpoints
  std::vector<std::string> evidence;      // what matched, readable
};

}  // namespace worker
