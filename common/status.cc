#include "common/status.h"

namespace common {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kTimeout: return "timeout";
    case Code::kConnectionClosed: return "connection_closed";
    case Code::kTargetClosed: return "target_closed";
    case Code::kProtocol: return "protocol";
    case Code::kDecode: return "decode";
    case Code::kUnavailable: return "unavailable";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace common
