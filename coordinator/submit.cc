#include "coordinator/submit.h"

#include <sstream>

#include "common/time.h"
#include "common/url_list.h"

namespace coordinator {

using common::Result;
using common::Status;

namespace {

constexpr size_t kChunk = 2000;
constexpr size_t kRejectedKept = 20;

class Submission {
 public:
  Submission(fleet::RunStore& store, std::string run) : store_(store), run_(std::move(run)) {}

  Status Add(const std::string& raw) {
    ++line_number_;
    std::string line = common::UrlOfListLine(raw);
    if (line.empty()) return Status::Ok();
    auto url = UrlOfLine(line);
    if (!url.ok()) {
      if (report_.rejected.size() < kRejectedKept) {
        report_.rejected.push_back("line " + std::to_string(line_number_) + ": " + url.status().message());
      }
      ++report_.rejected_count;
      return Status::Ok();
    }
    chunk_.push_back(fleet::WorkItem{report_.accepted++, url.value(), 0, ""});
    return chunk_.size() >= kChunk ? Flush() : Status::Ok();
  }

  Result<SubmitReport> Seal() {
    if (Status s = Flush(); !s.ok()) return s;
    if (report_.accepted == 0) {
      return Status::InvalidArgument("no URL to scan in the input" +
                                     (report_.rejected.empty() ? "" : " (" + report_.rejected[0] + ")"));
    }
    if (Status s = store_.SealRun(run_, report_.accepted); !s.ok()) return s;
    return report_;
  }

 private:
  Status Flush() {
    if (chunk_.empty()) return Status::Ok();
    Status s = store_.AppendItems(run_, chunk_);
    chunk_.clear();
    return s;
  }

  fleet::RunStore& store_;
  std::string run_;
  std::vector<fleet::WorkItem> chunk_;
  SubmitReport report_;
  int64_t line_number_ = 0;
};

}  // namespace

Result<std::string> UrlOfLine(const std::string& raw) {
  std::string line = common::UrlOfListLine(raw);
  // The host is checked where it is visited (the worker, with the run's
  // allow_private_targets): DNS answers may change before then.
  auto parsed = common::CheckEntryUrl(line, common::AddressPolicy{.allow_private = true, .allowed = {}});
  if (!parsed.ok()) return parsed.status();
  return line;
}

Result<SubmitReport> SubmitRun(fleet::RunStore& store, fleet::RunInfo run, std::istream& in) {
  if (run.created_at.empty()) run.created_at = common::NowRfc3339();
  if (Status s = store.CreateRun(run); !s.ok()) {
    // A submission cut short (a crash, a lost reply) goes on: appends are
    // idempotent per index, and the run is not dispatched before it is sealed.
    auto existing = store.GetRun(run.name);
    if (!existing.ok() || existing->state != "submitting") {
      return s.code() == common::Code::kInvalidArgument ? Status::InvalidArgument("run " + run.name + " exists")
                                                        : s;
    }
  }
  Submission submission(store, run.name);
  for (std::string line; std::getline(in, line);) {
    if (Status s = submission.Add(line); !s.ok()) return s;
  }
  return submission.Seal();
}

Result<SubmitReport> SubmitRun(fleet::RunStore& store, fleet::RunInfo run, const std::vector<std::string>& lines) {
  std::stringstream in;
  for (const auto& line : lines) in << line << '\n';
  return SubmitRun(store, std::move(run), in);
}

}  // namespace coordinator
