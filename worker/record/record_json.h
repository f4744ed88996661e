// The record serializer: each record of records.h as one line of JSON (no
// newline), the form of everything trackscan writes (schemas/*.schema.json).
// "type" and "schema_version" come first, then the fields of the record's
// table (record_tables.h) in order; an unknown optional is null, a double that
// is not finite is null (JSON has no NaN), and every string is made valid
// UTF-8 (each invalid byte becomes U+FFFD: page data is arbitrary bytes).
// Pure functions; any thread; they cannot fail.
#pragma once

#include <string>

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
std::string ToJson(const InteractionRecord& r);
std::string ToJson(const ConsentRecord& r);
std::string ToJson(const TrackerEventRecord& r);
std::string ToJson(const PiiLeakRecord& r);
std::string ToJson(const FingerprintRecord& r);
std::string ToJson(const SessionRecorderRecord& r);
std::string ToJson(const SiteSummaryRecord& r);

}  // namespace worker
