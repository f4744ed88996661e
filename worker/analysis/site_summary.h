// The site_summary record: one per visit, answering the three questions of a
// risk team or a journalist: which third parties received data (organization,
// category, mechanism), what personal data left (events, identities, canary
// and sensitive-page leaks), and through which trackers (fingerprinting and
// session recording included). Built from the visit's other records only,
// after attribution; pure.
#pragma once

#include "worker/record/records.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace worker {

struct VisitResult;


SiteSummaryRecord BuildSiteSummary(const VisitResult& result);

}  // namespace worker
