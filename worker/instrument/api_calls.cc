#include "worker/instrument/api_calls.h"

#include <charconv>
#include <utility>

#include "worker/instrument/cookie_hook.h"

namespace worker {
namespace {

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::optional<ApiCallRecord> ParseEntry(std::string_view entry, std::string_view frame_url) {
  auto f = SplitPayload(entry, '\x1d');
  if (f.size() != 5 || f[0].empty()) return std::nullopt;
  ApiCallRecord call;
  call.api = f[0];
  call.script_url = f[1];
  call.frame_url = frame_url;
  if (!ParseNumber(f[2], &call.count) || call.count < 1) return std::nullopt;
  if (!ParseNumber(f[3], &call.first_time)) return std::nullopt;
  // One empty argument reads as none; no rule needs to tell them apart.
  if (!f[4].empty()) {
    for (auto arg : SplitPayload(f[4], '\x1c')) call.args.emplace_back(arg);
  }
  return call;
}

}  // namespace

std::optional<std::vector<ApiCallRecord>> ParseApiCallsPayload(std::string_view payload) {
  auto fields = SplitPayload(payload, '\x1f');
  if (fields.size() != 3 || fields[0] != "calls" || fields[2].empty()) return std::nullopt;
  std::vector<ApiCallRecord> calls;
  for (auto entry : SplitPayload(fields[2], '\x1e')) {
    auto call = ParseEntry(entry, fields[1]);
    if (!call) return std::nullopt;
    calls.push_back(std::move(*call));
  }
  return calls;
}

void ApiCallLog::Add(std::vector<ApiCallRecord> calls) {
  for (auto& call : calls) {
    Key key{call.frame_url, call.api, call.script_url, call.args};
    auto it = index_.find(key);
    if (it != index_.end()) {
      ApiCallRecord& known = records_[it->second];
      known.count += call.count;
      if (call.first_time < known.first_time) known.first_time = call.first_time;
      continue;
    }
    if (records_.size() >= max_records_) {
      dropped_ += call.count;
      continue;
    }
    index_.emplace(std::move(key), records_.size());
    records_.push_back(std::move(call));
  }
}

std::vector<ApiCallRecord> ApiCallLog::Take() {
  index_.clear();
  return std::exchange(records_, {});
}

}  // namespace worker
