#include "worker/instrument/hook_source.h"

#include <string>

namespace worker {

// The text of worker/instrument/hook.js, compiled in by trackscan_embed_text
// (worker/CMakeLists.txt).
extern const std::string_view kHookJs;

// Design notes on hook.js, since the script must stay invisible and cheap:
// - Everything the hook calls later is captured first (Reflect.apply, Map and
//   String methods, Error, Date.now, Promise.prototype.then), so a page that replaces
//   built-ins afterwards neither breaks nor observes the hook.
// - Chromium installs the binding in a new document after this script ran,
//   so it is looked up lazily; messages made before it exists wait (bounded).
// - The calling script is the first URL of a stack taken with the page's
//   Error.stackTraceLimit / prepareStackTrace set aside and put back exactly
//   (a property that did not exist is deleted again). The hook has no URL.
// - Calls are counted per (api, script, arguments) and flushed in a
//   microtask, so a loop of 10,000 fillText calls is one message; after 200
//   flushes a frame flushes at most once a second. At most 2,000 distinct
//   keys per realm; beyond that, counts go to one "(more)" key per api+script.
std::string InstrumentSource(std::string_view binding) {
  std::string source(kHookJs);
  // The file ends in a newline, as text files do; the script never has.
  if (source.ends_with('\n')) source.pop_back();
  const std::string marker = "@BINDING@";
  source.replace(source.find(marker), marker.size(), binding);
  return source;
}

}  // namespace worker
