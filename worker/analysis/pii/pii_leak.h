// Personal-data leak search: finds the canary identity the worker typed into
// forms, and sensitive page URLs and titles, in everything a visit sent
// (request URLs, bodies and headers, sent WebSocket frames, third-party jar
// cookies). Pure functions on a recorded VisitResult; no I/O, no clock;
// thread-safe. What is searched and how is in worker/analysis/pii/leak_search.cc's
// top comment; the needles (encodings, hashes) in worker/analysis/pii/needles.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "worker/record/canary.h"
#include "worker/record/records.h"
#include "worker/record/visit_result.h"

namespace worker {

// Health words that make a page sensitive (~40, lower-case, ASCII).
std::vector<std::string> HealthSensitiveTerms();

struct PiiOptions {
  CanaryIdentity canary;
  std::vector<std::string> sensitive_terms = HealthSensitiveTerms();
  std::optional<double> first_submit_wall_time;  // seconds since epoch; null = no submit happened
  std::string site;                              // registrable domain of the visited site
  std::string page_url, page_title;              // the main page's final URL and title
};

// Every leak of `visit`, one record per (request, field, encoding, wrapped,
// where, header_name, parameter), in the order the haystacks were searched
// (requests, WebSocket frames, jar cookies). First-party hits are included
// with third_party=false; the page-data leaks only to third parties.
std::vector<PiiLeakRecord> FindPiiLeaks(const VisitResult& visit, const PiiOptions& options);

}  // namespace worker
