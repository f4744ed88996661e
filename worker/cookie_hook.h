// The page-side hook that reports document.cookie and cookieStore writes with
// the scripts that made them (the second of the three cookie sources; see
// cookie_ledger.h). Installed in every page and frame before any page script
// runs (Page.addScriptToEvaluateOnNewDocument); it reports through a
// Runtime binding, which it removes from the page's globals at once.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "worker/records.h"

namespace worker {

// The JavaScript source, reporting through the binding named `binding`.
std::string CookieHookSource(std::string_view binding);

// Decodes one Runtime.bindingCalled payload: fields separated by U+001F
// (api, frame URL, cookie string, stack URLs separated by U+001E). A separator
// format keeps JSON parsing out of normalization. nullopt when malformed.
// The returned record's script_url is the first stack URL; visit_id is empty.
std::optional<CookieWriteRecord> ParseCookieHookPayload(std::string_view payload);

}  // namespace worker
