// JSON readers shared by cdp/protocol's decoders and the Connection's
// envelope parse: simdjson on-demand with error codes (never exceptions),
// every object walked once with its keys in any order, JSON null treated as
// absent. Internal to cdp/: it exposes simdjson, so nothing outside cdp/
// includes it. Stateless, except one parser per thread (LocalParser()).
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/protocol/events.h"
#include "common/status.h"

namespace cdp::protocol::internal {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

// A parser and the padded copy of its input, reused message after message.
struct Parser {
  od::parser parser;
  std::string buffer;  // the input, with SIMDJSON_PADDING spare capacity
};
// Copies `json` into parser.buffer and starts iterating it. The document and
// every view taken from it are valid until the next Iterate on `parser`.
error_code Iterate(Parser& parser, std::string_view json, od::document& doc);
// This thread's parser for the decoders (not the Connection's).
Parser& LocalParser();
// Buffers above this are released once the message that grew them is done,
// so a connection's memory does not stay at the largest message it has seen.
inline constexpr size_t kRetainedParserBytes = 1 << 20;
// Frees `parser`'s input copy and simdjson's buffers when they exceed
// kRetainedParserBytes. Every view into its last document dies.
void ReleaseIfLarge(Parser& parser);

// Chromium writes UTF-16 strings with \uXXXX escapes code unit by code unit,
// so a lone surrogate in a page-made string (a URL, a sourceURL) reaches us
// as "\ud800", which simdjson rightly rejects as invalid Unicode. Returns a
// copy of `json` with every unpaired surrogate escape replaced by \ufffd
// (U+FFFD, as a browser's own UTF-8 conversion does), or nullopt when there
// is none. Escaped backslashes ("\\ud800") are left alone.
std::optional<std::string> RepairLoneSurrogates(std::string_view json);

bool IsNull(od::value& v);
// The JSON text of any value (object, array or scalar); a view into the input.
error_code RawJson(od::value v, std::string_view& out);

// Calls fn(key, value) -> error_code for each field of an object (null: none).
template <typename Fn>
error_code ForEachField(od::value v, Fn&& fn) {
  if (IsNull(v)) return SUCCESS;
  od::object obj;
  if (auto err = v.get_object().get(obj)) return err;
  for (auto field_result : obj) {
    std::string_view key;
    if (auto err = field_result.error()) return err;
    od::field& field = field_result.value_unsafe();
    if (auto err = field.unescaped_key().get(key)) return err;
    if (auto err = fn(key, field.value())) return err;
  }
  return SUCCESS;
}

// Calls fn(element) -> error_code for each element of an array (null: none).
template <typename Fn>
error_code ForEachElement(od::value v, Fn&& fn) {
  if (IsNull(v)) return SUCCESS;
  od::array arr;
  if (auto err = v.get_array().get(arr)) return err;
  for (auto element_result : arr) {
    if (auto err = element_result.error()) return err;
    od::value element = element_result.value_unsafe();
    if (auto err = fn(element)) return err;
  }
  return SUCCESS;
}

// Parses `json` with LocalParser() and calls fn(root value) -> error_code;
// any error becomes kDecode("<what>: <simdjson message>"). `fn` copies what
// it keeps: the parser's buffers may be released when it returns.
template <typename Fn>
common::Status ParseAndRun(std::string_view json, std::string_view what, Fn&& fn) {
  od::document doc;
  od::value root;
  Parser& parser = LocalParser();
  error_code err = Iterate(parser, json, doc);
  if (!err) err = doc.get_value().get(root);
  if (!err) err = fn(root);
  ReleaseIfLarge(parser);
  if (err) return common::Status::Decode(std::string(what) + ": " + simdjson::error_message(err));
  return common::Status::Ok();
}

// Readers: each copies into `out`; a JSON null leaves `out` as it was.
error_code Read(od::value v, std::string& out);
error_code Read(od::value v, double& out);
error_code Read(od::value v, int64_t& out);  // 200 and 200.0 both read as 200
error_code Read(od::value v, int& out);
error_code Read(od::value v, bool& out);
error_code Read(od::value v, std::optional<std::string>& out);
error_code Read(od::value v, std::vector<std::string>& out);
error_code Read(od::value v, Headers& out);  // non-string values keep their JSON text
// A cookie partition key: {topLevelSite, hasCrossSiteAncestor}, or a plain site string.
error_code ReadPartitionKey(od::value v, std::string& site, bool* cross_site);
error_code Read(od::value v, Cookie& out);
error_code Read(od::value v, std::vector<Cookie>& out);
error_code Read(od::value v, std::vector<BlockedSetCookie>& out);
error_code Read(od::value v, std::vector<AssociatedCookie>& out);
error_code Read(od::value v, TargetInfo& out);
error_code Read(od::value v, Initiator& out);
error_code Read(od::value v, Timing& out);
error_code Read(od::value v, Response& out);
error_code Read(od::value v, std::optional<Response>& out);
error_code Read(od::value v, Request& out);  // url gets urlFragment appended

}  // namespace cdp::protocol::internal
