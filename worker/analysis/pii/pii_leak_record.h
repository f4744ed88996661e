// The pii_leak record (schemas/pii_leak.schema.json): one place where the
// canary identity or a sensitive page URL/title left the browser. Apart from
// the search (pii_leak.h) so that VisitResult can hold them. Plain values.
#pragma once

#include "worker/record/records.h"

#include <optional>
#include <string>
#include <vector>

namespace worker {


// One JSON line (no newline): "type", "schema_version" first, then the members
// above in order; unknown optionals are null. schemas/pii_leak.schema.json.
std::string ToJson(const PiiLeakRecord& r);

}  // namespace worker
