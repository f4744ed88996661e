// stub_worker: a fleet worker that visits nothing, for measuring the
// coordinator's dispatch rate (bench/fleet_bench.py). It speaks the real
// protocol (fleet/protocol.h) over a ZeroMQ DEALER: announces
// `capacity` with `ready`, and answers every batch at once with a `done`
// (outcome ok) per item, writing nothing to Redis, then announces its
// capacity again. Heartbeats every second like a real worker. On SIGTERM or
// SIGINT it sends `disconnect` and prints one line to stdout:
//   stub_worker ID items=N batches=B first_batch_ms=T0 last_done_ms=T1
// (Unix ms of the first batch received and of the last done sent).
//
// usage: stub_worker [--connect tcp://127.0.0.1:5555] [--id stub-1] [--capacity 10000]
#include <signal.h>

#include <zmq.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <variant>

#include "fleet/protocol.h"

namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

void Usage() {
  std::fprintf(stderr, "usage: stub_worker [--connect ENDPOINT] [--id NAME] [--capacity N]\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint = "tcp://127.0.0.1:5555";
  std::string id = "stub-1";
  int capacity = 10000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        Usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--connect" || arg == "--endpoint") endpoint = value();
    else if (arg == "--id") id = value();
    else if (arg == "--capacity") capacity = std::atoi(value().c_str());
    else {
      Usage();
      return 2;
    }
  }
  if (capacity <= 0) {
    Usage();
    return 2;
  }

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::routing_id, id);
  socket.set(zmq::sockopt::linger, 1000);
  // Thousands of `done` frames per batch burst: never drop one at the HWM.
  socket.set(zmq::sockopt::sndhwm, 0);
  socket.set(zmq::sockopt::rcvhwm, 0);
  socket.set(zmq::sockopt::maxmsgsize, int64_t{16} << 20);
  socket.connect(endpoint);

  uint64_t items = 0, batches = 0, dropped = 0;
  int64_t first_batch_ms = 0, last_done_ms = 0;
  auto send = [&](const fleet::Message& message) {
    std::string frame = fleet::Encode(message);
    try {
      if (!socket.send(zmq::buffer(frame), zmq::send_flags::none)) ++dropped;
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) std::fprintf(stderr, "stub_worker %s: send: %s\n", id.c_str(), e.what());
      ++dropped;
    }
  };

  send(fleet::Ready{id, capacity});
  auto next_heartbeat = std::chrono::steady_clock::now() + fleet::kHeartbeatInterval;
  std::vector<zmq::pollitem_t> poll{{socket.handle(), 0, ZMQ_POLLIN, 0}};
  while (!g_stop) {
    try {
      zmq::poll(poll, std::chrono::milliseconds(100));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      std::fprintf(stderr, "stub_worker %s: poll: %s\n", id.c_str(), e.what());
      return 1;
    }
    bool took = false;
    zmq::message_t frame;
    while (!g_stop) {
      zmq::recv_result_t got;
      try {
        got = socket.recv(frame, zmq::recv_flags::dontwait);
      } catch (const zmq::error_t& e) {
        if (e.num() == EINTR) break;
        throw;
      }
      if (!got) break;
      auto message = fleet::Decode(frame.to_string_view());
      if (!message.ok()) {
        std::fprintf(stderr, "stub_worker %s: dropped a frame: %s\n", id.c_str(), message.status().message().c_str());
        continue;
      }
      const auto* batch = std::get_if<fleet::Batch>(&message.value());
      if (!batch) continue;  // heartbeats
      if (batches++ == 0) first_batch_ms = UnixMs();
      for (const auto& item : batch->items) {
        std::string visit_id = batch->run + "-" + std::to_string(item.index) + "-a" + std::to_string(item.attempt);
        send(fleet::Done{id, batch->run, batch->batch_id, item.index, visit_id, "ok", item.attempt});
        ++items;
      }
      last_done_ms = UnixMs();
      took = true;
    }
    auto now = std::chrono::steady_clock::now();
    // Everything taken is already done: the whole capacity is free again.
    if (took || now >= next_heartbeat) {
      send(fleet::Ready{id, capacity});
      next_heartbeat = now + fleet::kHeartbeatInterval;
    }
  }
  send(fleet::Disconnect{id});
  std::printf("stub_worker %s items=%llu batches=%llu first_batch_ms=%lld last_done_ms=%lld dropped_sends=%llu\n",
              id.c_str(), static_cast<unsigned long long>(items), static_cast<unsigned long long>(batches),
              static_cast<long long>(first_batch_ms), static_cast<long long>(last_done_ms),
              static_cast<unsigned long long>(dropped));
  std::fflush(stdout);
  return 0;
}
