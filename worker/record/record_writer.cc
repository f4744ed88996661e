#include "worker/record/record_writer.h"

#include <cerrno>
#include <cstring>

namespace worker {

// One fwrite per line, newline included, so a failed write never leaves a
// record without its terminator in the buffer.
common::Status RecordWriter::WriteLine(const std::string& line) {
  std::string out = line + '\n';
  if (std::fwrite(out.data(), 1, out.size(), out_) != out.size()) {
    return common::Status::Internal(std::string("writing record: ") + std::strerror(errno));
  }
  ++lines_;
  return common::Status::Ok();
}

common::Status RecordWriter::Flush() {
  if (std::fflush(out_) != 0) {
    return common::Status::Internal(std::string("flushing records: ") + std::strerror(errno));
  }
  return common::Status::Ok();
}

}  // namespace worker
