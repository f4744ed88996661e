#include "coordinator/scan_request.h"

#include <cctype>
#include <cstdlib>

namespace coordinator {
namespace {

constexpr size_t kMaxUrlsPerRequest = 10000;

bool ValidRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// Seconds in (0, 3600); anything else ("0" included) means "not given": -1,
// the worker's default. Not 0, which would be a setting (no dwell, no
// quiet period).
double NumberField(const std::string& value) {
  char* end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  return end != value.c_str() && *end == '\0' && v > 0 && v < 3600 ? v : -1;
}

// Whole seconds as digits, at most 12 (the schema's pattern); anything else
// means "not given", as the other optional fields do.
int64_t SecondsField(const std::string& value) {
  if (value.empty() || value.size() > 12) return 0;
  for (char c : value) {
    if (c < '0' || c > '9') return 0;
  }
  return std::strtoll(value.c_str(), nullptr, 10);
}

}  // namespace

ScanRequest ParseScanRequest(const StreamFields& fields, bool allow_private_targets) {
  ScanRequest request;
  std::string urls;
  fleet::RunInfo& run = request.run;
  run.priority = 1;
  for (const auto& [k, v] : fields) {
    if (k == "request_id") request.request_id = v;
    else if (k == "urls") urls = v;
    else if (k == "reply_stream") request.reply_stream = v;
    else if (k == "timeout_s") run.settings.timeout_s = NumberField(v);
    else if (k == "min_dwell_s") run.settings.min_dwell_s = NumberField(v);
    else if (k == "quiet_period_s") run.settings.quiet_period_s = NumberField(v);
    else if (k == "ttl_s") run.ttl_s = SecondsField(v);
  }
  run.settings.allow_private_targets = allow_private_targets;  // never the requester's choice
  for (size_t start = 0; start < urls.size();) {
    size_t end = urls.find('\n', start);
    if (end == std::string::npos) end = urls.size();
    request.lines.push_back(urls.substr(start, end - start));
    start = end + 1;
  }
  if (!ValidRequestId(request.request_id)) {
    request.error = "request_id missing or not [A-Za-z0-9._-]{1,128}";
  } else if (request.lines.size() > kMaxUrlsPerRequest) {
    request.error = "more than " + std::to_string(kMaxUrlsPerRequest) + " URLs";
  } else {
    run.name = "ondemand-" + request.request_id;
    run.request_id = request.request_id;
    run.reply_stream = request.reply_stream;
  }
  return request;
}

}  // namespace coordinator
