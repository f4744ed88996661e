#include "worker/interact/interact_options.h"

namespace worker::interact {

std::vector<std::string> DefaultClickWords() {
  return {"book", "booking", "schedule", "appointment", "request", "search", "find a doctor", "find a provider",
          "sign up", "register", "contact", "get started", "apply", "continue", "next", "get a quote"};
}

std::vector<std::string> DefaultNeverClickWords() {
  return {"pay", "payment", "buy", "checkout", "check out", "purchase", "donate", "donation", "order", "cart",
          "card", "billing", "delete", "unsubscribe", "log out", "sign out", "logout"};
}

common::Result<InteractMode> ParseInteractMode(std::string_view text) {
  if (text == "none") return InteractMode::kNone;
  if (text == "type") return InteractMode::kType;
  if (text == "click") return InteractMode::kClick;
  if (text == "all") return InteractMode::kAll;
  return common::Status::InvalidArgument("--interact must be none, type, click or all, not " + std::string(text));
}

common::Result<ConsentMode> ParseConsentMode(std::string_view text) {
  if (text == "none") return ConsentMode::kNone;
  if (text == "reject") return ConsentMode::kReject;
  if (text == "accept") return ConsentMode::kAccept;
  return common::Status::InvalidArgument("--consent must be none, reject or accept, not " + std::string(text));
}

const char* ConsentModeName(ConsentMode mode) {
  switch (mode) {
    case ConsentMode::kReject: return "reject";
    case ConsentMode::kAccept: return "accept";
    case ConsentMode::kNone: break;
  }
  return "none";
}

}  // namespace worker::interact
