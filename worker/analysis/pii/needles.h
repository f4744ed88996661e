// The strings a leak search looks for: each canary field in the forms
// trackers normalize it to (Meta / Google / TikTok advanced matching), each
// form plain, percent-encoded, base64 (standard and URL-safe, on its own and
// inside a longer base64 text at each of the 3 alignments) and hashed (MD5,
// SHA-1, SHA-256, SHA-512 via OpenSSL EVP; hex in both cases and base64 of
// the raw digest).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "worker/analysis/pii/pii_leak.h"

namespace worker::pii {

struct Needle {
  std::string text;           // the bytes to find
  std::string field;          // email | phone | ... (PiiLeakRecord::field)
  std::string encoding;       // plain | url | base64 | md5 | sha1 | sha256 | sha512
  std::string wrapped;        // "" or hex | hex_upper | base64 | base64url | percent | form
  std::string normalization;  // as_typed | lower_trimmed | digits | ...
  // Short values (first / last name, postcode, phone digits) sent plain count
  // only bounded by non-alphanumerics inside a parameter value, so "Jane"
  // in "Janet" or in page text is no hit.
  bool bounded = false;
  bool third_party_only = false;           // page data: a leak only to a third party
  std::vector<std::string> sensitive_terms;  // page data: why the page is sensitive
};

// Every needle of `canary`, no two with the same text: when two forms are
// equal (an email typed lower-case) the first wins, as typed before the
// normalized ones. First / last name and postcode get plain (bounded) and
// hashed needles only. Needles shorter than 3 bytes are skipped.
std::vector<Needle> CanaryNeedles(const CanaryIdentity& canary);

// Encoders, exposed for tests and the page-data needles.
std::string PercentEncode(std::string_view s, bool form);  // encodeURIComponent; form: ' ' -> '+'
std::string Base64(std::string_view bytes, bool url_safe);  // no padding
std::string Digest(std::string_view algorithm, std::string_view s);  // raw bytes; "md5" | "sha1" | "sha256" | "sha512"
std::string Hex(std::string_view bytes, bool upper);

}  // namespace worker::pii
