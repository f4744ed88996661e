// API use reported by the instrumentation script (hook_source.h): what a
// script called, how often, with which (first) arguments. Not a record that
// leaves the process: the fingerprinting and session-recording rules
// (fingerprint_rules.h) read it after the visit.
// Pure functions and a plain accumulator; not thread-safe.
#pragma once

#include "worker/record/records.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace worker {


// Decodes one Runtime.bindingCalled payload of API use:
// "calls" U+001F frame_url U+001F entries, entries separated by U+001E, each
// api U+001D script U+001D count U+001D first_time U+001D args (args separated
// by U+001C). nullopt when malformed (or when it is a cookie report).
std::optional<std::vector<ApiCallRecord>> ParseApiCallsPayload(std::string_view payload);

// Sums the page's batches: one ApiCallRecord per (frame, api, script, args),
// counts added, the earliest first_time kept. Beyond `max_records` distinct
// keys new keys are dropped and counted in dropped().
class ApiCallLog {
 public:
  explicit ApiCallLog(size_t max_records = 50000) : max_records_(max_records) {}
  void Add(std::vector<ApiCallRecord> calls);
  std::vector<ApiCallRecord> Take();  // in first-seen order; empties the log
  int64_t dropped() const { return dropped_; }

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::vector<std::string>>;
  size_t max_records_;
  std::map<Key, size_t> index_;
  std::vector<ApiCallRecord> records_;
  int64_t dropped_ = 0;
};

}  // namespace worker
