#include "coordinator/coordinator.h"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <random>
#include <variant>
#include <vector>

#include "fleet/protocol.h"
#include "common/log.h"
#include "fleet/zmtp_heartbeat.h"
#include "coordinator/request_intake.h"

namespace coordinator {

using common::Result;
using common::Status;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kPollInterval{100};
constexpr std::chrono::milliseconds kHousekeeping{1000};
// Runs past their TTL are deleted a slice per housekeeping tick (~10,000
// keys a second), so a big run holds neither Redis nor heartbeats for long.
constexpr int kExpirySteps = 5;
constexpr int64_t kExpiryBudget = 2000;  // keys per DeleteRun step: a few ms of Redis time
constexpr int kMaxBurst = 2000;  // messages read before their dones are stored
constexpr size_t kBatchesPerLease = 64;
constexpr size_t kMaxUnstoredDone = 100000;
constexpr std::chrono::seconds kSweepInterval{15};
constexpr int64_t kMaxFrameBytes = 16 << 20;  // beyond this zmq drops the peer before we read it

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string RandomHex(int n) {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back("0123456789abcdef"[rng() % 16]);
  return s;
}

// A peer's ZeroMQ routing id for logs: workers set a readable one (their
// worker id); anything else is shown in hex.
std::string PeerName(const std::string& identity) {
  bool readable = !identity.empty() && identity.size() <= 64;
  for (unsigned char c : identity) readable = readable && c >= 0x20 && c < 0x7f;
  if (readable) return "peer " + identity;
  std::string hex = "peer 0x";
  for (unsigned char c : identity.substr(0, 16)) {
    hex.push_back("0123456789abcdef"[c >> 4]);
    hex.push_back("0123456789abcdef"[c & 15]);
  }
  return hex;
}

}  // namespace

struct Coordinator::Impl {
  struct Worker {
    std::string identity;  // ZeroMQ routing id
    Clock::time_point last_heard;
    int credit = 0;
  };

  CoordinatorOptions options;
  zmq::context_t context;
  zmq::socket_t socket{context, zmq::socket_type::router};
  zmq::socket_t zap{context, zmq::socket_type::rep};  // ZeroMQ's authentication requests (ZAP), when CURVE is on
  std::unique_ptr<fleet::RedisClient> redis;
  std::unique_ptr<fleet::RunStore> store;
  std::unique_ptr<RequestIntake> intake;
  std::map<std::string, Worker> workers;  // by worker id
  std::string instance = RandomHex(8);
  uint64_t batches_sent = 0;
  std::vector<fleet::RunStore::ItemRef> done;  // received, not yet stored
  bool sweep_due = true;                 // at start: a predecessor may have lost some `done`s
  Clock::time_point last_sweep{};
  Clock::time_point last_housekeeping{};

  explicit Impl(CoordinatorOptions o) : options(std::move(o)) {}

  Status Open() {
    auto client = fleet::RedisClient::Connect(options.redis);
    if (!client.ok()) return client.status();
    redis = std::move(client.value());
    store = std::make_unique<fleet::RunStore>(*redis);
    intake = std::make_unique<RequestIntake>(*redis, *store, options.requests_stream, "coordinator-" + instance,
                                             options.allow_private_targets);
    if (Status s = intake->Open(); !s.ok()) return s;
    try {
      if (!options.curve_secret_key.empty()) {
        // ZAP must be bound before the socket it authenticates.
        zap.bind("inproc://zeromq.zap.01");
        socket.set(zmq::sockopt::zap_domain, "trackscan");
        socket.set(zmq::sockopt::curve_server, 1);
        socket.set(zmq::sockopt::curve_secretkey, options.curve_secret_key);
      }
      socket.set(zmq::sockopt::linger, 0);
      socket.set(zmq::sockopt::maxmsgsize, kMaxFrameBytes);
      socket.set(zmq::sockopt::router_mandatory, 0);
      // A worker that reconnects (new socket, same id) takes its id over at
      // once, and ZeroMQ's own heartbeats close a connection that went dead
      // (a cut cable, a partition): otherwise its id stays bound to that
      // connection, batches sent there are lost until their lease ends, and
      // messages the worker's kernel still held arrive when the link heals.
      socket.set(zmq::sockopt::router_handover, 1);
      fleet::SetZmtpHeartbeats(socket);
      socket.bind(options.bind);
    } catch (const zmq::error_t& e) {
      return Status::Unavailable("cannot bind " + options.bind + ": " + e.what());
    }
    common::LogInfo("listening on " + options.bind + ", Redis " + fleet::ToRedisUrl(options.redis));
    return Status::Ok();
  }

  // A ZAP request (rfc.zeromq.org/spec/27): version, request id, domain,
  // address, routing id, mechanism, then the client's 32-byte public key.
  void Authenticate() {
    std::vector<zmq::message_t> request;
    if (!zmq::recv_multipart(zap, std::back_inserter(request), zmq::recv_flags::dontwait)) return;
    bool allowed = false;
    std::string key_text = "?";
    if (request.size() >= 7 && request[5].to_string() == "CURVE" && request[6].size() == 32) {
      char z85[41];
      zmq_z85_encode(z85, static_cast<const uint8_t*>(request[6].data()), 32);
      key_text = z85;
      allowed = options.curve_allowed_workers.empty() || options.curve_allowed_workers.count(key_text) > 0;
    }
    if (!allowed) common::LogWarn("refused a connection with key " + key_text + " (not on the allow-list)");
    std::string request_id = request.size() > 1 ? request[1].to_string() : "";
    std::array<zmq::const_buffer, 6> reply{zmq::str_buffer("1.0"), zmq::buffer(request_id),
                                           allowed ? zmq::str_buffer("200") : zmq::str_buffer("400"),
                                           allowed ? zmq::str_buffer("OK") : zmq::str_buffer("not allowed"),
                                           zmq::buffer(key_text), zmq::str_buffer("")};
    zmq::send_multipart(zap, reply);
  }

  void Send(const std::string& identity, const fleet::Message& message) {
    std::string frame = fleet::Encode(message);
    std::array<zmq::const_buffer, 2> parts{zmq::buffer(identity), zmq::buffer(frame)};
    try {
      zmq::send_multipart(socket, parts, zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      common::LogWarn("send to " + identity + " failed: " + e.what());
    }
  }

  // Drains the socket, then stores the burst's `done`s in one round trip
  // (RunStore::ItemsDone): a done costs the coordinator microseconds, not a
  // Redis round trip of its own.
  void Receive() {
    for (int n = 0; n < kMaxBurst && ReceiveOne(); ++n) {
    }
    StoreDone();
  }

  // Kept for the next try when Redis is away (up to kMaxUnstoredDone); a
  // `done` lost anyway, here or on the way (a connection that died with
  // messages unread), is made up for by SweepFinishedRuns.
  void StoreDone() {
    if (done.empty()) return;
    auto finished = store->ItemsDone(done);
    if (!finished.ok()) {
      common::LogWarn(std::to_string(done.size()) + " done items not stored yet: " + finished.status().ToString());
      if (done.size() > kMaxUnstoredDone) done.erase(done.begin(), done.end() - kMaxUnstoredDone);
      sweep_due = true;
      return;
    }
    for (const auto& run : finished.value()) Finished(run);
    done.clear();
  }

  void SweepFinishedRuns() {
    last_sweep = Clock::now();
    sweep_due = false;
    auto finished = store->SweepFinishedRuns();
    if (!finished.ok()) return common::LogWarn("cannot sweep finished runs: " + finished.status().ToString());
    for (const auto& run : finished.value()) Finished(run);
  }

  // False when nothing was waiting.
  bool ReceiveOne() {
    std::vector<zmq::message_t> parts;
    zmq::recv_result_t got;
    try {
      got = zmq::recv_multipart(socket, std::back_inserter(parts), zmq::recv_flags::dontwait);
    } catch (const zmq::error_t& e) {
      common::LogWarn(std::string("receive failed: ") + e.what());
      return false;
    }
    if (!got) return false;
    std::string identity = parts.empty() ? "" : parts[0].to_string();
    if (parts.size() != 2) {
      common::LogWarn("dropped a message of " + std::to_string(parts.size() - 1) + " frames from " +
                      PeerName(identity) + " (expected 1)");
      return true;
    }
    auto message = fleet::Decode(parts[1].to_string_view());
    if (!message.ok()) {
      common::LogWarn("dropped a message from " + PeerName(identity) + ": " + message.status().message());
      return true;
    }
    std::visit([&](const auto& m) { Handle(identity, m); }, message.value());
    return true;
  }

  Worker& Heard(const std::string& worker_id, const std::string& identity) {
    auto [it, added] = workers.try_emplace(worker_id);
    if (added) {
      common::LogInfo("worker " + worker_id + " joined");
      sweep_due = true;  // a rejoin may follow a connection that died with `done`s unread
    }
    it->second.identity = identity;
    it->second.last_heard = Clock::now();
    return it->second;
  }

  void Handle(const std::string& identity, const fleet::Ready& m) {
    Worker& w = Heard(m.worker_id, identity);
    w.credit = m.capacity;
    Dispatch(m.worker_id, w);
  }

  void Handle(const std::string& identity, const fleet::Heartbeat& m) { Heard(m.worker_id, identity); }

  void Handle(const std::string& identity, const fleet::Done& m) {
    Heard(m.worker_id, identity);
    done.push_back({m.run, m.batch_id, m.index});
  }

  void Handle(const std::string& identity, const fleet::Disconnect& m) {
    StoreDone();  // what the worker finished before leaving is not put back
    common::LogInfo("worker " + m.worker_id + " left");
    ReleaseWorker(m.worker_id, "worker " + m.worker_id + " stopped");
  }

  void Handle(const std::string& identity, const fleet::Batch&) {
    common::LogWarn("dropped a batch message sent to the coordinator");
  }

  // Fills the worker's credit with batches, up to kBatchesPerLease per
  // Redis round trip: a worker that announces room for many batches (a big
  // --tabs, or stub workers in bench/) gets them without a trip each.
  void Dispatch(const std::string& worker_id, Worker& w) {
    while (w.credit > 0) {
      size_t credit = static_cast<size_t>(w.credit);
      size_t count = std::min(kBatchesPerLease, (credit + options.batch_size - 1) / options.batch_size);
      std::vector<std::string> ids;
      for (size_t i = 0; i < count; ++i) ids.push_back(instance + "-" + std::to_string(++batches_sent));
      auto leases = store->LeaseBatches(ids, worker_id, options.batch_size, credit, UnixMs() + options.lease.count());
      if (!leases.ok()) return common::LogWarn("cannot lease a batch: " + leases.status().ToString());
      for (const auto& lease : leases.value()) {
        fleet::Batch batch{lease.run, lease.batch_id, options.lease.count(), lease.settings, {}};
        for (const auto& item : lease.items) batch.items.push_back({item.index, item.url, item.attempts + 1});
        w.credit -= static_cast<int>(batch.items.size());
        Send(w.identity, batch);
      }
      if (leases->size() < ids.size()) return;  // nothing more queued
    }
  }

  void ReleaseWorker(const std::string& worker_id, const std::string& why) {
    workers.erase(worker_id);
    auto held = store->Leases(0, worker_id);
    if (!held.ok()) return common::LogWarn("cannot list " + worker_id + "'s batches: " + held.status().ToString());
    for (const auto& [run, batch] : held.value()) Release(run, batch, why);
  }

  void Release(const std::string& run, const std::string& batch, const std::string& why) {
    if (Status s = store->ReleaseBatch(run, batch, options.max_attempts, why); !s.ok()) {
      return common::LogWarn("cannot release batch " + batch + ": " + s.ToString());
    }
    common::LogInfo("batch " + batch + " of " + run + " put back: " + why);
    FinishIfDone(run);  // its last URLs may just have been recorded failed
  }

  void FinishIfDone(const std::string& run) {
    auto finished = store->MaybeFinishRun(run);
    if (finished.ok() && finished.value()) Finished(run);
  }

  void Finished(const std::string& run) {
    common::LogInfo("run " + run + " done");
    intake->Reply(run);
  }

  // A step interrupted by a coordinator's restart is simply taken again:
  // DeleteRun resumes, and two coordinators stepping the same run is fine.
  void DeleteExpiredRuns() {
    auto due = store->ExpiredRuns(UnixMs(), kExpirySteps);
    if (!due.ok()) return common::LogWarn("cannot list expired runs: " + due.status().ToString());
    int steps = 0;
    for (const auto& run : due.value()) {
      while (steps < kExpirySteps) {
        ++steps;
        auto gone = store->DeleteRun(run, kExpiryBudget);
        if (!gone.ok()) return common::LogWarn("cannot delete expired run " + run + ": " + gone.status().ToString());
        if (gone.value()) {
          common::LogInfo("run " + run + " deleted: its TTL passed");
          break;
        }
      }
    }
  }

  void Housekeeping() {
    auto now = Clock::now();
    auto silent_for = fleet::kHeartbeatInterval * fleet::kHeartbeatLiveness;
    std::vector<std::string> gone;
    for (auto& [id, w] : workers) {
      if (now - w.last_heard > silent_for) gone.push_back(id);
      else Send(w.identity, fleet::Heartbeat{});
    }
    for (const auto& id : gone) {
      common::LogWarn("worker " + id + " went silent");
      ReleaseWorker(id, "worker " + id + " went silent");
    }
    if (auto expired = store->Leases(UnixMs()); expired.ok()) {
      for (const auto& [run, batch] : expired.value()) Release(run, batch, "lease expired");
    }
    if (Status s = intake->Poll(); !s.ok()) common::LogWarn("on-demand requests: " + s.ToString());
    StoreDone();  // a retry, when Redis was away
    if (sweep_due || now - last_sweep >= kSweepInterval) SweepFinishedRuns();
    DeleteExpiredRuns();
    // New work (a submitted run, a request) goes to workers with credit left.
    for (auto& [id, w] : workers) Dispatch(id, w);
  }
};

Coordinator::Coordinator(CoordinatorOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Coordinator::~Coordinator() = default;

Status Coordinator::Run(const std::function<bool()>& stop) {
  if (Status s = impl_->Open(); !s.ok()) return s;
  std::vector<zmq::pollitem_t> items{{impl_->socket.handle(), 0, ZMQ_POLLIN, 0},
                                     {impl_->zap.handle(), 0, ZMQ_POLLIN, 0}};
  while (!stop()) {
    try {
      zmq::poll(items, kPollInterval);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) return Status::Internal(std::string("poll: ") + e.what());
    }
    if (items[1].revents & ZMQ_POLLIN) impl_->Authenticate();
    if (items[0].revents & ZMQ_POLLIN) impl_->Receive();
    if (Clock::now() - impl_->last_housekeeping >= kHousekeeping) {
      impl_->last_housekeeping = Clock::now();
      impl_->Housekeeping();
    }
  }
  common::LogInfo("stopping");
  return Status::Ok();
}

}  // namespace coordinator
