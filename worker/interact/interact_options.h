// Settings of the interaction step of a visit (typing a canary identity into
// form fields, clicking calls to action) and of consent handling. Plain
// values, copied into each visit's VisitOptions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/loop.h"
#include "common/status.h"
#include "worker/record/canary.h"

namespace worker::interact {

enum class InteractMode { kNone, kType, kClick, kAll };
enum class ConsentMode { kNone, kReject, kAccept };

// Buttons and links whose text has one of these words are clicked.
// "subscribe" is left out: on news sites it means a paid subscription.
std::vector<std::string> DefaultClickWords();
// Never clicked, even with a click word: payment and destructive actions.
std::vector<std::string> DefaultNeverClickWords();

struct InteractOptions {
  // None unless asked for. scan, worker and crawl all set it from
  // --interact, whose default is all (cli/flags.cc).
  InteractMode mode = InteractMode::kNone;
  CanaryIdentity canary;
  std::vector<std::string> click_words = DefaultClickWords();
  std::vector<std::string> never_click_words = DefaultNeverClickWords();
  int max_clicks = 3;                        // per visit, all frames together
  int char_delay_ms = 10;                    // between typed characters
  common::Duration settle{500};              // after the load event, before typing
  common::Duration between_clicks{400};      // lets each click's requests leave
  ConsentMode consent = ConsentMode::kNone;
  std::string autoconsent_dir;               // holds dist/autoconsent.playwright.js and rules/rules.json
  common::Duration consent_timeout{5000};    // interaction waits this long for autoconsent at most
};

// "none" | "type" | "click" | "all"; kInvalidArgument otherwise.
common::Result<InteractMode> ParseInteractMode(std::string_view text);
// "none" | "reject" | "accept"; kInvalidArgument otherwise.
common::Result<ConsentMode> ParseConsentMode(std::string_view text);
const char* ConsentModeName(ConsentMode mode);

}  // namespace worker::interact
