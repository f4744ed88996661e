// Serializes observation records as JSON Lines (RapidJSON's writer). Each line
// is one object with "type" and "schema_version" first, then the fields of
// records.h under the same names; unknown optionals are null.
// ToJson functions are pure; RecordWriter borrows a FILE* it does not close.
// Not thread-safe.
#pragma once

#include <cstdio>
#include <string>

#include "common/status.h"
#include "worker/analysis/site_summary.h"
#include "worker/analysis/decode/tracker_event_json.h"
#include "worker/instrument/records.h"
#include "worker/interact/records_json.h"
#include "worker/analysis/pii/pii_leak_record.h"
#include "worker/record/records.h"

namespace worker {

std::string ToJson(const VisitRecord& r);
std::string ToJson(const RequestRecord& r);
std::string ToJson(const WebSocketRecord& r);
std::string ToJson(const CookieRecord& r);
std::string ToJson(const CookieWriteRecord& r);
std::string ToJson(const DialogRecord& r);
std::string ToJson(const PopupRecord& r);
std::string ToJson(const DownloadRecord& r);
std::string ToJson(const FingerprintRecord& r);
std::string ToJson(const SessionRecorderRecord& r);
std::string ToJson(const SiteSummaryRecord& r);

class RecordWriter {
 public:
  explicit RecordWriter(std::FILE* out) : out_(out) {}
  template <typename R>
  common::Status Write(const R& record) { return WriteLine(ToJson(record)); }
  common::Status Flush();
  uint64_t lines() const { return lines_; }

 private:
  common::Status WriteLine(const std::string& line);
  std::FILE* out_;
  uint64_t lines_ = 0;
};

}  // namespace worker
