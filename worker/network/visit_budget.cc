#include "worker/network/visit_budget.h"

#include <algorithm>

namespace worker {

std::string_view BudgetName(Budget b) {
  static constexpr std::array<std::string_view, kBudgetCount> kNames = {
      "requests",         "request_header_bytes", "header_bytes", "post_data_bytes",
      "websocket_frames", "websocket_bytes",      "cookie_writes", "targets",
      "frames",           "dialogs",              "downloads",     "popups",
  };
  return kNames[static_cast<size_t>(b)];
}

bool VisitBudget::Take(Budget b) {
  if (used_[Index(b)] >= limits_[b]) {
    Drop(b);
    return false;
  }
  ++used_[Index(b)];
  return true;
}

int64_t VisitBudget::TakeBytes(Budget b, int64_t bytes) {
  int64_t taken = std::clamp<int64_t>(bytes, 0, Remaining(b));
  used_[Index(b)] += taken;
  return taken;
}

void VisitBudget::Refund(Budget b, int64_t bytes) {
  used_[Index(b)] = std::max<int64_t>(0, used_[Index(b)] - bytes);
}

int64_t VisitBudget::Remaining(Budget b) const { return std::max<int64_t>(0, limits_[b] - used_[Index(b)]); }

std::vector<LimitHit> VisitBudget::Hits() const {
  std::vector<LimitHit> hits;
  for (size_t i = 0; i < kBudgetCount; ++i) {
    if (dropped_[i] == 0) continue;
    auto b = static_cast<Budget>(i);
    hits.push_back(LimitHit{std::string(BudgetName(b)), limits_[b], dropped_[i]});
  }
  return hits;
}

}  // namespace worker
