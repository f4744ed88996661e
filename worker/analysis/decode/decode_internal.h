// Shared pieces of the tracker decoders (worker/analysis/decode/*.cc): form and body
// parsing, identity classification, JSON access. Internal to worker/analysis/decode/.
// Pure functions; thread-safe (the JSON parser is thread_local).
#pragma once

#include <simdjson.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worker/analysis/decode/tracker_event.h"

namespace worker::decode {

using Params = ParameterList;

inline constexpr size_t kRawCap = 8 * 1024;

// A request split once for all decoders.
struct Request {
  const OutgoingRequest* source = nullptr;
  std::string host, path, query;  // host lower-case; query as sent (still encoded)
  std::string_view body;          // "" when none
  std::string_view content_type;  // "" when none
};

// "a=1&b=%20x+y": '+' is a space, bad escapes stay literal, empty keys dropped.
Params ParseForm(std::string_view text);
// multipart/form-data parts (name -> value); files are skipped.
Params ParseMultipart(std::string_view body, std::string_view content_type);
// The body's parameters when it is form or multipart encoded; sets `encoding`.
Params ParseBodyParams(const Request& r, std::string* encoding);

const std::string* Find(const Params& params, std::string_view key);
std::optional<std::string> Get(const Params& params, std::string_view key);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
bool OneOf(std::string_view s, std::initializer_list<std::string_view> options);

// Classifies `value` as a hash by shape and flags hashes of "", "undefined", "null".
IdentityField MakeIdentity(std::string parameter, std::string kind, std::string value);
// Google's user-provided data "tv.1~em.<hash>~ph.<hash>" as one field per piece.
void AddUserProvidedData(std::string_view parameter, std::string_view value,
                         std::vector<IdentityField>* out);

// A record with the fields every decoder fills the same way.
TrackerEventRecord NewEvent(const Request& r, std::string platform, std::string encoding,
                            std::string_view raw);

// JSON access on simdjson's DOM. Parse returns false on any error (truncated,
// not JSON); the element lives until the next Parse on this thread.
bool ParseJson(std::string_view text, simdjson::dom::element* out);
// A scalar as text (strings unquoted, numbers and bools as written), objects and
// arrays as minified JSON; nullopt when missing or null.
std::optional<std::string> JsonText(simdjson::dom::element e);
std::optional<std::string> JsonField(simdjson::dom::element e, std::string_view key);
std::optional<simdjson::dom::element> JsonPath(simdjson::dom::element e,
                                              std::initializer_list<std::string_view> keys);
// Adds each member of an object as "<prefix><key>" -> JsonText.
void AddJsonMembers(simdjson::dom::element object, std::string_view prefix, Params* out);

// Per-platform decoders: append the events of `r` and return true when the
// request is theirs (even if nothing decoded), false to let others try.
bool DecodeMeta(const Request& r, std::vector<TrackerEventRecord>* out);
bool DecodeGoogle(const Request& r, std::vector<TrackerEventRecord>* out);
bool DecodePixels(const Request& r, std::vector<TrackerEventRecord>* out);
bool DecodeJsonPixels(const Request& r, std::vector<TrackerEventRecord>* out);

}  // namespace worker::decode
