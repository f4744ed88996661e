// VisitBudget: the per-visit limits on what one visit keeps (requests,
// header and body bytes, WebSocket records, cookie writes, targets, frames,
// dialogs, downloads, popups) and what it has used of each, so that a hostile
// or broken page cannot grow trackscan's memory without bound. At a budget
// the visit goes on: the part that hit it keeps what it had, stops keeping
// that kind of thing and counts what it dropped; the `visit` record names
// the budgets hit (LimitHit, `limits_hit`). The Visit owns one per visit and
// lends it to its RequestTrackers, WebSocketTracker and CookieLedger (which
// take a pointer: null means unlimited, as in their unit tests).
// Pure; not thread-safe (the loop thread).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "worker/record/records.h"

namespace worker {

// The budgets, in the order limits_hit lists them. Each is named in the
// schema (visit.schema.json) and has a flag --max-<name with dashes>.
enum class Budget {
  kRequests,            // request records (a redirect hop of a kept request is kept)
  kRequestHeaderBytes,  // request + response header bytes kept of one request
  kHeaderBytes,         // header bytes kept over the whole visit
  kPostDataBytes,       // request body bytes kept over the whole visit
  kWebSocketFrames,     // websocket records (open, frames, close)
  kWebSocketBytes,      // WebSocket payload bytes kept
  kCookieWrites,        // cookie_write records
  kTargets,             // recorded targets (page, popups, iframes, workers)
  kFrames,              // frames whose URL is followed
  kDialogs,
  kDownloads,
  kPopups,
};
inline constexpr size_t kBudgetCount = static_cast<size_t>(Budget::kPopups) + 1;

// Name in limits_hit and in the flag (with dashes).
std::string_view BudgetName(Budget b);

// The limits. Defaults are generous: an ordinary page stays far below each
// (a news front page makes 200-600 requests with ~1 KiB of headers each,
// sets under 200 cookies, opens a few frames and targets); they bound what a
// flood can make trackscan hold to tens of MB. Why each value: docs/records.md.
struct BudgetLimits {
  std::array<int64_t, kBudgetCount> limit = {
      5000,       // requests
      32 << 10,   // request_header_bytes: 32 KiB a request (Chromium's own header limit is 256 KiB)
      16 << 20,   // header_bytes: 16 MiB a visit (5,000 requests x ~3 KiB)
      16 << 20,   // post_data_bytes: 16 MiB a visit (16 bodies at the 1 MiB --post-data-cap)
      2000,       // websocket_frames
      4 << 20,    // websocket_bytes: 4 MiB (64 frames at the 64 KiB --websocket-payload-cap)
      2000,       // cookie_writes
      200,        // targets
      500,        // frames
      20,         // dialogs
      20,         // downloads
      20,         // popups
  };
  int64_t& operator[](Budget b) { return limit[static_cast<size_t>(b)]; }
  int64_t operator[](Budget b) const { return limit[static_cast<size_t>(b)]; }
};

class VisitBudget {
 public:
  VisitBudget() = default;
  explicit VisitBudget(const BudgetLimits& limits) : limits_(limits) {}

  // One more item of a count budget: true when it fits (and takes it);
  // false counts it as dropped.
  bool Take(Budget b);
  // Up to `bytes` of a byte budget: how many fit (and are taken), 0..bytes.
  // Does not count a drop: the caller decides what it cut (Drop).
  int64_t TakeBytes(Budget b, int64_t bytes);
  // Gives back bytes taken earlier (a header list replaced by a later one).
  void Refund(Budget b, int64_t bytes);
  // What is left of a budget (0 when used up).
  int64_t Remaining(Budget b) const;
  // Counts one thing dropped or cut because of `b`.
  void Drop(Budget b) { ++dropped_[Index(b)]; }
  int64_t dropped(Budget b) const { return dropped_[Index(b)]; }
  int64_t limit(Budget b) const { return limits_[b]; }

  // The budgets with something dropped, in Budget order: the visit's limits_hit.
  std::vector<LimitHit> Hits() const;

 private:
  static size_t Index(Budget b) { return static_cast<size_t>(b); }
  BudgetLimits limits_;
  std::array<int64_t, kBudgetCount> used_{};
  std::array<int64_t, kBudgetCount> dropped_{};
};

}  // namespace worker
