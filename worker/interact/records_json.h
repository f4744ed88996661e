// JSON Lines serialization of the interaction and consent records, in the
// same form as record_writer.h ("type" and "schema_version" first, then the
// members of records.h by name, null for unknown optionals), so that
// RecordWriter::Write takes them too. Pure; thread-safe.
#pragma once

#include <string>

#include "worker/record/records.h"

namespace worker {

std::string ToJson(const InteractionRecord& r);
std::string ToJson(const ConsentRecord& r);

}  // namespace worker
