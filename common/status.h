// Status and Result<T>: how every trackscan module reports failure.
// Errors are values; no exception crosses a module boundary. Codes say what
// the caller can do about it, not where it happened.
// Value types; safe to move between threads, but not shared.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace common {

enum class Code {
  kOk = 0,
  kTimeout,           // a deadline passed; the operation may still complete remotely
  kConnectionClosed,  // the transport to the browser is gone
  kTargetClosed,      // the CDP target (page, worker) is gone
  kProtocol,          // the browser answered with a CDP error
  kDecode,            // a message could not be decoded
  kUnavailable,       // a dependency (browser binary, Redis, zmq peer) cannot be reached
  kInvalidArgument,   // bad input from the user or a caller
  kInternal,          // a bug or an OS failure
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Timeout(std::string msg) { return {Code::kTimeout, std::move(msg)}; }
  static Status ConnectionClosed(std::string msg) { return {Code::kConnectionClosed, std::move(msg)}; }
  static Status TargetClosed(std::string msg) { return {Code::kTargetClosed, std::move(msg)}; }
  static Status Protocol(std::string msg) { return {Code::kProtocol, std::move(msg)}; }
  static Status Decode(std::string msg) { return {Code::kDecode, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;  // "timeout: Page.navigate after 30000 ms"
  // The same code with `more` appended to the message (a hint for the user).
  Status WithSuffix(const std::string& more) const { return {code_, message_ + more}; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace common
