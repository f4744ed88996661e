// Decodes the cookie reports of the page-side instrumentation script
// (worker/instrument/hook_source.h): document.cookie and cookieStore writes
// with the scripts that made them (the second of the three cookie sources;
// see cookie_ledger.h). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worker/record/records.h"

namespace worker {

// Decodes one Runtime.bindingCalled payload: fields separated by U+001F
// (api, frame URL, cookie string, stack URLs separated by U+001E). A separator
// format keeps JSON parsing out of normalization. nullopt when malformed.
// The returned record's script_url is the first stack URL; visit_id is empty.
std::optional<CookieWriteRecord> ParseCookieHookPayload(std::string_view payload);

// The fields of a payload of the instrumentation script between `sep`
// separators (api_calls.cc uses it for the API-use reports too).
std::vector<std::string_view> SplitPayload(std::string_view payload, char sep);

}  // namespace worker
