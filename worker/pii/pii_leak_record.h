// The pii_leak record (schemas/pii_leak.schema.json): one place where the
// canary identity or a sensitive page URL/title left the browser. Apart from
// the search (pii_leak.h) so that VisitResult can hold them. Plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace worker {

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

// One JSON line (no newline): "type", "schema_version" first, then the members
// above in order; unknown optionals are null. schemas/pii_leak.schema.json.
std::string ToJson(const PiiLeakRecord& r);

}  // namespace worker
