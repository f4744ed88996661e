// Consent banners through DuckDuckGo's autoconsent (npm @duckduckgo/autoconsent).
//
// The page side: its Playwright/Puppeteer bundle (dist/autoconsent.playwright.js)
// runs at document start in the main world of every frame, behind a small
// wrapper that defines window.autoconsentSendMessage. The wrapper answers the
// bundle's `init` itself with the config and the rules (rules/rules.json,
// embedded), so no frame waits for a round trip; `isMainWorld: true` makes
// the bundle run its eval snippets inline. Everything else it says (cmpDetected,
// popupFound, optOutResult, optInResult, autoconsentDone, autoconsentError, and
// lifecycle changes from `report`) goes through a Runtime binding to the
// ConsentTracker, wrapped as {"top", "url", "time", "msg"}.
//
// The globals autoconsentSendMessage/autoconsentReceiveMessage are visible to
// the page (as with Puppeteer's exposeFunction); the binding itself is taken
// off the globals at first use.
//
// Pure, no I/O except LoadAutoconsentSource; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "worker/interact/interact_options.h"
#include "worker/record/records.h"

namespace worker::interact {

// The injected source: wrapper + bundle, config for `mode` (reject: optOut,
// accept: optIn), `rules_json` (a RuleBundle object) embedded.
std::string AutoconsentSource(std::string_view binding, ConsentMode mode, std::string_view bundle_js,
                              std::string_view rules_json);

// Reads DIR/dist/autoconsent.playwright.js and DIR/rules/rules.json.
// kUnavailable, naming the file, when one cannot be read.
common::Result<std::string> LoadAutoconsentSource(const std::string& dir, std::string_view binding,
                                                  ConsentMode mode);

// Follows autoconsent in every frame of a visit from its messages.
class ConsentTracker {
 public:
  explicit ConsentTracker(ConsentMode mode) : mode_(mode) {}

  // One binding payload from the frame known as `frame_key` (e.g. session
  // id + execution context id). False when the payload is malformed.
  bool OnMessage(const std::string& frame_key, std::string_view payload);

  // True once the top frame's banner is dealt with (done, failed, or no
  // consent manager found) and no frame is still acting on a banner it
  // found. The visit waits for this, or the consent timeout, before
  // interacting.
  bool Settled() const;

  // One record per frame that found a consent manager or failed, plus the top
  // frame's in any case (no_banner when nothing was found; timeout when it
  // never finished). `visit_id` is set on each.
  std::vector<ConsentRecord> Records(const std::string& visit_id) const;

 private:
  struct Frame {
    bool top = false;
    std::string url;
    std::string lifecycle;
    std::optional<std::string> cmp;
    bool found = false;
    std::optional<double> found_time, done_time;
    std::string result;  // "" while nothing is known
    std::optional<std::string> error;
  };
  ConsentMode mode_;
  std::map<std::string, Frame> frames_;
  std::vector<std::string> order_;  // frame keys as first seen
};

}  // namespace worker::interact
