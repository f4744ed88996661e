// FleetWorker: `trackscan worker`. Connects a ZeroMQ DEALER to the
// coordinator, announces free capacity (`ready`, every heartbeat while it has
// some), visits what it is given with a Scanner (`tabs` at once in one
// Chromium), commits each visit's records to Redis (ResultSink) and only then
// reports the URL `done`. A result Redis could not take is kept and retried,
// never reported early. If the coordinator goes silent it reconnects with
// backoff (1 s doubling to 32 s, Paranoid Pirate). Runs the process's event
// loop (the CDP loop; the socket is polled from it); call from main only.
#pragma once

#include <string>

#include "fleet/redis_client.h"
#include "worker/scan/scanner.h"

namespace worker {

struct FleetWorkerOptions {
  std::string connect = "tcp://127.0.0.1:5555";
  fleet::RedisAddress redis;
  std::string worker_id;  // default: host-pid
  int prefetch = -1;      // URLs held beyond the tabs (default: as many as tabs)
  // CURVE: the coordinator's public key (Z85; empty: plain TCP) and this
  // worker's key pair (empty: a fresh one per process, encryption only).
  std::string curve_server_key, curve_public_key, curve_secret_key;
  ScanOptions scan;       // concurrency = tabs
};

// Exit codes: 0 stopped by a signal after handing its work back, 1 cannot
// run (no Chromium, Redis unreachable at start).
int RunWorkerCommand(FleetWorkerOptions options);

}  // namespace worker
