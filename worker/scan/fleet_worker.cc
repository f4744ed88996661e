#include "worker/scan/fleet_worker.h"

#include <unistd.h>

#include <deque>
#include <iostream>
#include <map>
#include <zmq.hpp>

#include "fleet/curve_keys.h"
#include "fleet/protocol.h"
#include "common/log.h"
#include "fleet/zmtp_heartbeat.h"
#include "worker/normalize/registrable_domain.h"
#include "common/stop_signal.h"
#include "common/url_list.h"
#include "common/time.h"
#include "worker/scan/visit_commit.h"

namespace worker {
namespace {

using common::Status;
using Clock = std::chrono::steady_clock;

constexpr common::Duration kSocketPoll{20};
constexpr common::Duration kRetryCommit{1000};
constexpr std::chrono::seconds kMaxBackoff{32};

// The stop signals' wake-up (async-signal-safe).
void RequestLoopStop(void* loop) { static_cast<cdp::LwsLoop*>(loop)->RequestStop(); }

std::string DefaultWorkerId() {
  char host[256] = "worker";
  gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(getpid());
}

// What a job came with, to commit and report its result.
struct JobOrigin {
  std::string run, batch_id;
  int64_t index = 0;
};

struct Uncommitted {
  JobOrigin origin;
  VisitResult result;
  bool final;
};

class FleetWorker {
 public:
  FleetWorker(cdp::LwsLoop& loop, FleetWorkerOptions options, fleet::RedisClient& redis)
      : loop_(loop), options_(std::move(options)), sink_(redis),
        scanner_(loop, options_.scan, [this](const ScanJob& job, VisitResult r, bool final) {
          OnResult(job, std::move(r), final);
        }) {}

  int Run() {
    Connect();
    loop_.AddTimer(kSocketPoll, [this] { PollSocket(); });
    loop_.RunUntil([this] { return !scanner_.fatal().ok(); });
    if (!scanner_.fatal().ok()) {
      common::LogError(scanner_.fatal().message());
      return 1;
    }
    // Stopping: the visits under way are kept as evidence, and everything
    // held goes back to the coordinator to be visited again.
    scanner_.Stop("interrupted: the worker was stopped");
    RetryCommits();
    if (!uncommitted_.empty()) {
      common::LogError(std::to_string(uncommitted_.size()) +
                       " visit(s) could not be written to Redis; their URLs will be visited again");
    }
    Send(fleet::Disconnect{options_.worker_id});
    common::LogInfo("stopped; work handed back");
    return 0;
  }

 private:
  void Connect() {
    socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
    socket_->set(zmq::sockopt::routing_id, options_.worker_id);
    if (!options_.curve_server_key.empty()) {
      socket_->set(zmq::sockopt::curve_serverkey, options_.curve_server_key);
      socket_->set(zmq::sockopt::curve_publickey, options_.curve_public_key);
      socket_->set(zmq::sockopt::curve_secretkey, options_.curve_secret_key);
    }
    socket_->set(zmq::sockopt::linger, 1000);  // a last Disconnect still gets out
    socket_->set(zmq::sockopt::maxmsgsize, int64_t{16} << 20);
    fleet::SetZmtpHeartbeats(*socket_);
    socket_->connect(options_.connect);
    last_heard_ = Clock::now();
    next_heartbeat_ = Clock::now();
    common::LogInfo("connecting to " + options_.connect);
  }

  void Send(const fleet::Message& message) {
    std::string frame = fleet::Encode(message);
    try {
      socket_->send(zmq::buffer(frame), zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      common::LogWarn(std::string("send failed: ") + e.what());
    }
  }

  int Capacity() const {
    int prefetch = options_.prefetch >= 0 ? options_.prefetch : options_.scan.concurrency;
    return options_.scan.concurrency + prefetch -
           static_cast<int>(scanner_.queued() + scanner_.active() + uncommitted_.size());
  }

  void PollSocket() {
    loop_.AddTimer(kSocketPoll, [this] { PollSocket(); });
    zmq::message_t frame;
    while (socket_->recv(frame, zmq::recv_flags::dontwait)) {
      last_heard_ = Clock::now();
      backoff_ = std::chrono::seconds(1);
      auto message = fleet::Decode(frame.to_string_view());
      if (!message.ok()) {
        common::LogWarn("dropped a message from the coordinator: " + message.status().message());
        continue;
      }
      if (auto* batch = std::get_if<fleet::Batch>(&message.value())) Take(*batch);
    }
    auto now = Clock::now();
    if (now - last_heard_ > fleet::kHeartbeatInterval * fleet::kHeartbeatLiveness + backoff_) {
      common::LogWarn("coordinator silent; reconnecting (next wait " + std::to_string(backoff_.count()) + " s)");
      backoff_ = std::min(backoff_ * 2, kMaxBackoff);
      Connect();
    }
    if (now >= next_heartbeat_) {
      next_heartbeat_ = now + fleet::kHeartbeatInterval;
      int capacity = Capacity();
      if (capacity > 0) Send(fleet::Ready{options_.worker_id, capacity});
      else Send(fleet::Heartbeat{options_.worker_id});
    }
  }

  // The worker's own flags decide what its browser may reach; a run's
  // settings can only narrow which entry URLs it accepts, never widen it.
  common::AddressPolicy EntryPolicy(const fleet::VisitSettings& settings) const {
    common::AddressPolicy policy = options_.scan.egress;
    policy.allow_private = policy.allow_private && settings.allow_private_targets;
    return policy;
  }

  void Take(const fleet::Batch& batch) {
    VisitOptions visit = options_.scan.visit;
    auto ms = [](double s) { return common::Duration(static_cast<int64_t>(s * 1000)); };
    // Negative: this worker's own flags (0 is a setting, but for the timeout).
    if (batch.settings.timeout_s > 0) visit.timeout = ms(batch.settings.timeout_s);
    if (batch.settings.min_dwell_s >= 0) visit.min_dwell = ms(batch.settings.min_dwell_s);
    if (batch.settings.quiet_period_s >= 0) visit.quiet_period = ms(batch.settings.quiet_period_s);
    if (batch.settings.post_data_cap >= 0) visit.post_data_cap = static_cast<size_t>(batch.settings.post_data_cap);
    for (const auto& item : batch.items) {
      JobOrigin origin{batch.run, batch.batch_id, item.index};
      std::string id_prefix = batch.run + "-" + std::to_string(item.index);
      auto parsed = common::CheckEntryUrl(item.url, EntryPolicy(batch.settings));
      if (!parsed.ok()) {
        Refuse(origin, id_prefix, item, parsed.status().message());
        continue;
      }
      uint64_t tag = next_tag_++;
      origins_[tag] = origin;
      scanner_.Submit(ScanJob{{item.url, normalize::RegistrableDomain(parsed->host)}, id_prefix, item.attempt, tag,
                              visit});
    }
  }

  // A URL that must not be visited still gets its result: an error visit.
  void Refuse(const JobOrigin& origin, const std::string& id_prefix, const fleet::BatchItem& item,
              const std::string& why) {
    VisitResult result;
    result.visit.visit_id = id_prefix + "-a" + std::to_string(item.attempt);
    result.visit.input_url = result.visit.final_url = item.url;
    result.visit.attempt = item.attempt;
    result.visit.started_at = result.visit.ended_at = common::NowRfc3339();
    result.visit.outcome = "error";
    result.visit.error = "refused: " + why;
    Commit(origin, std::move(result), true);
  }

  void OnResult(const ScanJob& job, VisitResult result, bool final) {
    auto it = origins_.find(job.tag);
    if (it == origins_.end()) return;
    JobOrigin origin = it->second;
    if (final) origins_.erase(it);
    // Stopping: an interrupted visit is evidence, not the URL's result.
    if (loop_.stop_requested()) final = false;
    Commit(origin, std::move(result), final);
  }

  void Commit(const JobOrigin& origin, VisitResult result, bool final) {
    auto stored = sink_.Commit(ToVisitCommit(origin.run, origin.index, result, final));
    if (stored.status().code() == common::Code::kInvalidArgument) {
      return common::LogWarn("dropped " + result.visit.visit_id + ": " + stored.status().message());
    }
    if (!stored.ok()) {
      common::LogWarn("Redis did not take " + result.visit.visit_id + " (kept, retrying): " +
                      stored.status().ToString());
      uncommitted_.push_back({origin, std::move(result), final});
      if (uncommitted_.size() == 1) loop_.AddTimer(kRetryCommit, [this] { RetryCommits(); });
      return;
    }
    if (final) {
      Send(fleet::Done{options_.worker_id, origin.run, origin.batch_id, origin.index, result.visit.visit_id,
                       result.visit.outcome, result.visit.attempt});
    }
  }

  void RetryCommits() {
    auto pending = std::move(uncommitted_);
    uncommitted_.clear();
    for (auto& u : pending) Commit(u.origin, std::move(u.result), u.final);
  }

  cdp::LwsLoop& loop_;
  FleetWorkerOptions options_;
  fleet::ResultSink sink_;
  Scanner scanner_;
  zmq::context_t context_;
  std::unique_ptr<zmq::socket_t> socket_;
  Clock::time_point last_heard_, next_heartbeat_;
  std::chrono::seconds backoff_{1};
  std::map<uint64_t, JobOrigin> origins_;
  uint64_t next_tag_ = 1;
  std::deque<Uncommitted> uncommitted_;
};

}  // namespace

int RunWorkerCommand(FleetWorkerOptions options) {
  if (options.worker_id.empty()) options.worker_id = DefaultWorkerId();
  if (!options.curve_server_key.empty() && options.curve_secret_key.empty()) {
    auto keys = fleet::GenerateCurveKeyPair();
    options.curve_public_key = keys.public_key;
    options.curve_secret_key = keys.secret_key;
  }
  common::SetLogName("worker " + options.worker_id);
  // A short reconnect window: a result Redis cannot take is kept and
  // retried from the loop, which must not block for long.
  fleet::RedisOptions redis_options;
  redis_options.reconnect_for = common::Duration(3000);
  auto redis = fleet::RedisClient::Connect(options.redis, redis_options);
  if (!redis.ok()) {
    common::LogError("cannot reach Redis at " + fleet::ToRedisUrl(options.redis) + ": " + redis.status().message());
    return 1;
  }
  auto loop = cdp::LwsLoop::Create();
  if (!loop.ok()) {
    common::LogError(loop.status().ToString());
    return 1;
  }
  common::InstallStopSignalHandlers(RequestLoopStop, loop.value().get());
  cdp::ChromeProcess::RemoveStaleProfiles();
  FleetWorker worker(*loop.value(), std::move(options), *redis.value());
  int code = worker.Run();
  common::ClearStopWakeup();
  return code;
}

}  // namespace worker
