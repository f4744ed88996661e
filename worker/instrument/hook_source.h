// The one instrumentation script trackscan puts in every frame before any
// page script runs (Page.addScriptToEvaluateOnNewDocument, runImmediately).
// It reports through one Runtime binding, which it takes off the globals at
// first use:
// - cookie writes (document.cookie, cookieStore.set), one message per write,
//   decoded by ParseCookieHookPayload (worker/instrument/cookie_hook.h);
// - fingerprinting and session-recording API use, counted in the page per
//   (api, calling script, arguments) and sent in batches, decoded by
//   ParseApiCallsPayload (worker/instrument/api_calls.h).
// Wrapped functions and accessors are Proxies of the originals, installed
// where the originals were, and Function.prototype.toString answers for them
// as for the originals: no new globals, no new own properties.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace worker {

// The JavaScript source, reporting through the binding named `binding`.
std::string InstrumentSource(std::string_view binding);

}  // namespace worker
