// coordinator/scan_request: an on-demand request's stream fields, as any
// system with access to the Redis Stream may XADD them. The input is the
// fields as name\0value\0name\0value... Checks what the schema
// (schemas/fleet/scan_request.schema.json) promises: an accepted request
// has a valid request_id and at most 10000 lines; each setting is the
// worker's default (-1, or 0 for the timeout) or a number of seconds in
// (0, 3600); ttl_s has at most 12 digits. Each line then goes through the
// URL-list line reading and entry check that SubmitRun applies.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/url_list.h"
#include "coordinator/scan_request.h"

namespace {

bool SecondsOrDefault(double s, double default_value) { return s == default_value || (s > 0 && s < 3600); }

void Check(const coordinator::ScanRequest& r) {
  const fleet::VisitSettings& s = r.run.settings;
  if (!SecondsOrDefault(s.timeout_s, -1) && s.timeout_s != 0) std::abort();
  if (!SecondsOrDefault(s.min_dwell_s, -1) || !SecondsOrDefault(s.quiet_period_s, -1)) std::abort();
  if (s.post_data_cap != -1 || s.allow_private_targets) std::abort();
  if (r.run.ttl_s < 0 || r.run.ttl_s > fleet::kMaxRunTtlS) std::abort();
  if (!r.error.empty()) return;
  if (r.run.name != "ondemand-" + r.request_id || r.lines.size() > 10000) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  coordinator::StreamFields fields;
  while (!input.empty()) {
    const size_t name_end = input.find('\0');
    const std::string_view name = input.substr(0, name_end);
    input.remove_prefix(name_end == std::string_view::npos ? input.size() : name_end + 1);
    const size_t value_end = input.find('\0');
    fields.emplace_back(std::string(name), std::string(input.substr(0, value_end)));
    input.remove_prefix(value_end == std::string_view::npos ? input.size() : value_end + 1);
  }
  const coordinator::ScanRequest request = coordinator::ParseScanRequest(fields, /*allow_private_targets=*/false);
  Check(request);
  for (const std::string& line : request.lines) {
    // SubmitRun's reading of a line (coordinator::UrlOfLine), without its store.
    (void)common::CheckEntryUrl(common::UrlOfListLine(line),
                                  common::AddressPolicy{.allow_private = true, .allowed = {}});
  }
  return 0;
}
