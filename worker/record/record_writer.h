// RecordWriter: appends records to a FILE* as JSON Lines, one ToJson line
// (record_json.h) and its newline per record. Borrows the FILE*, which it
// never closes and which must outlive it. Errors come back as a
// common::Status (kInternal with strerror). Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "common/status.h"
#include "worker/record/record_json.h"

namespace worker {

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
