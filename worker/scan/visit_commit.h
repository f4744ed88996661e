// ToVisitCommit: what the fleet store keeps of one visit (fleet::VisitCommit,
// fleet/store/result_sink.h), made from the worker's VisitResult: the record
// lines, each at most max_record_bytes (longer ones are cut, their long
// strings first, or dropped), the counts, and the third-party domains and jar
// cookies the run's aggregates are built from. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "fleet/store/result_sink.h"
#include "worker/record/visit_result.h"

namespace worker {

struct RecordLimits {
  size_t max_record_bytes = 256 << 10;  // a longer record line is cut, its long strings first
};

// `final`: this attempt is the URL's result (false for a browser-lost attempt
// that will be retried).
fleet::VisitCommit ToVisitCommit(const std::string& run, int64_t index, const VisitResult& result, bool final,
                                 const RecordLimits& limits = {});

}  // namespace worker
