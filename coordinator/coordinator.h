// Coordinator: `trackscan coordinator`. The load-balancing broker of zguide:
// a ROUTER socket hands batches of queued URLs only to workers that announced
// free capacity (`ready`), watches their heartbeats (Paranoid Pirate: silent
// for 3 intervals = gone) and the batches' leases, and puts back what a lost
// worker held. It also turns on-demand requests from a Redis Stream into
// runs that go ahead of nightly work, and answers on their reply streams.
// All durable state is in Redis (RunStore); what it keeps in memory (workers
// and their credit) is rebuilt from the workers' next messages, so it can be
// killed and restarted at any time. Single-threaded; Run() is its loop.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "fleet/redis_client.h"
#include "fleet/store/keys.h"
#include "fleet/store/run_store.h"

namespace coordinator {

struct CoordinatorOptions {
  std::string bind = "tcp://*:5555";
  fleet::RedisAddress redis;
  size_t batch_size = 10;
  int max_attempts = 3;                     // dispatches of a URL before it is recorded failed
  common::Duration lease{600000};           // a batch not finished by then is re-queued
  std::string requests_stream = std::string(fleet::keys::kDefaultPrefix) + std::string(fleet::keys::kRequests);
  bool allow_private_targets = false;       // for URLs that arrive on the stream
  // CURVE (encryption and worker authentication): the coordinator's secret
  // key (Z85; empty: plain TCP) and the worker public keys allowed (empty:
  // any worker that speaks CURVE, i.e. encryption without an allow-list).
  std::string curve_secret_key;
  std::set<std::string> curve_allowed_workers;
};

class Coordinator {
 public:
  explicit Coordinator(CoordinatorOptions options);
  ~Coordinator();
  // Serves until `stop()` is true (checked at least every 100 ms). Returns
  // kUnavailable when the socket cannot bind or Redis cannot be reached.
  common::Status Run(const std::function<bool()>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coordinator
