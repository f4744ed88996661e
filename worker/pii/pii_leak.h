// Personal-data leak search: finds the canary identity the worker typed into
// forms, and sensitive page URLs and titles, in everything a visit sent
// (request URLs, bodies and headers, sent WebSocket frames, third-party jar
// cookies). Pure functions on a recorded VisitResult; no I/O, no clock;
// thread-safe. What is searched and how is in worker/pii/leak_search.cc's
// top comment; the needles (encodings, hashes) in worker/pii/needles.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "worker/visit.h"

namespace worker {

// What the worker types into forms. The defaults are the canary constant.
struct CanaryIdentity {
  std::string email = "jane.doe.trackscan@example.com", phone = "+1 617 555 0142",
              first_name = "Jane", last_name = "Doe", postcode = "02139";
  // Country calling code of `phone`, to derive its national and E.164 forms.
  std::string phone_country_code = "1";
};

// Health words that make a page sensitive (~40, lower-case, ASCII).
std::vector<std::string> HealthSensitiveTerms();

struct PiiOptions {
  CanaryIdentity canary;
  std::vector<std::string> sensitive_terms = HealthSensitiveTerms();
  std::optional<double> first_submit_wall_time;  // seconds since epoch; null = no submit happened
  std::string site;                              // registrable domain of the visited site
  std::string page_url, page_title;              // the main page's final URL and title
};

struct PiiLeakRecord {  // type "pii_leak"
  std::string visit_id, request_id;  // request_id of the request / websocket; empty for a jar cookie
  std::string recipient_host, recipient_domain;  // domain = registrable domain
  std::optional<std::string> organization;       // filled later by the caller (TrackerDB)
  bool third_party = false;
  std::string field;          // email | phone | first_name | last_name | full_name | postcode | page_url | page_title
  std::string encoding;       // plain | url | base64 | md5 | sha1 | sha256 | sha512
  std::optional<std::string> wrapped;  // digest: hex | hex_upper | base64 | base64url; base64: base64 | base64url; url: percent | form
  std::string normalization;  // as_typed | lower_trimmed | digits | digits_national | e164 | lower_no_spaces | no_fragment | as_shown
  std::string where;          // url | body | header | cookie | websocket
  std::optional<std::string> header_name;  // where=header: the header; cookie: "Cookie" or the jar cookie's name
  std::optional<std::string> parameter;    // query / form / JSON / cookie parameter the value sat in
  std::string timing;         // before_submit | after_submit | no_submit | unknown
  std::vector<std::string> sensitive_terms;  // page_url / page_title leaks: the terms found
  std::string evidence;       // up to ~160 printable ASCII characters around the hit
};

// Every leak of `visit`, one record per (request, field, encoding, wrapped,
// where, header_name, parameter), in the order the haystacks were searched
// (requests, WebSocket frames, jar cookies). First-party hits are included
// with third_party=false; the page-data leaks only to third parties.
std::vector<PiiLeakRecord> FindPiiLeaks(const VisitResult& visit, const PiiOptions& options);

// One JSON line (no newline): "type", "schema_version" first, then the members
// above in order; unknown optionals are null. schemas/pii_leak.schema.json.
std::string ToJson(const PiiLeakRecord& r);

}  // namespace worker
