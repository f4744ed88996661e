#!/usr/bin/env python3
"""Fleet benchmarks: submit, coordinator dispatch, Redis ingest, end-to-end crawl.

1. submit: `trackscan submit` of N generated URLs (--dispatch-urls, default
   1,000,000) into a private redis-server (unix socket, no AOF, no RDB);
   wall time and peak RSS of the submit process (exact, from wait4), also for
   --small-urls (default 100,000) to show whether memory stays flat, and
   Redis's used_memory after each.
2. dispatch: `trackscan coordinator --batch-size B` (for each B of
   --batch-sizes, default 100,1000) with --stubs (default 2) bench/stub_worker
   processes that answer every URL at once (no visit, no Redis write), over
   the N URLs just submitted; URLs/s from coordinator start until the run's
   state is done (nothing queued or in flight; polled with HGET, `trackscan
   status` once at the end), and the stubs' first-batch / last-done clocks
   (how fast batches went out and were answered, not when the coordinator
   had stored the dones). --dispatch-timeout cuts a slow
   run short: the rate is then what was dispatched by then.
3. ingest: bench/redis_ingest (records/s through one connection: ResultSink
   Commit, RPUSH per round trip, pipelined RPUSH).
4. end-to-end: bench/scan_bench.py's fixture web on loopback, --visits URLs
   (default 60), `trackscan crawl --workers 1 --tabs K` beside `trackscan scan
   --concurrency K` on the same URLs (K = --tabs, default 4), visits/min of
   each and their ratio.

Ends with a figures table. Parts can be skipped with --skip submit,dispatch,ingest,e2e
(dispatch needs submit).

usage: bench/fleet_bench.py [--build build-bench] [--dispatch-urls 1000000] [--batch-sizes 100,1000]
                            [--visits 60] [--tabs 4] [--skip PARTS]
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scan_bench  # noqa: E402  (the fixture web of the scan benchmark)

STATUS_RE = re.compile(r": (\w+), (\d+) URLs: (\d+) done, (\d+) failed, (\d+) in flight, (\d+) queued")


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_peak(cmd, **kw):
    """Runs cmd; returns (wall s, peak RSS kB from wait4, stdout, stderr)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
    sampled = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        sampled = max(sampled, rss_kb(proc.pid))
        time.sleep(0.05)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{stderr[-2000:]}")
    return wall, max(usage.ru_maxrss, sampled), stdout, stderr


class Redis:
    """A private redis-server on a unix socket: no AOF, no RDB snapshots."""

    def __init__(self, work):
        self.dir = os.path.join(work, "redis")
        os.makedirs(self.dir)
        self.sock = os.path.join(self.dir, "redis.sock")
        self.proc = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", self.sock, "--unixsocketperm", "700",
             "--save", "", "--appendonly", "no", "--dir", self.dir, "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if self.cli("PING").strip() == "PONG":
                break
            time.sleep(0.05)
        else:
            sys.exit("redis-server did not start")
        self.url = "unix://" + self.sock

    def cli(self, *args):
        r = subprocess.run(["redis-cli", "-s", self.sock] + list(args), capture_output=True, text=True)
        return r.stdout

    def used_memory_mb(self):
        m = re.search(r"used_memory:(\d+)", self.cli("INFO", "memory"))
        return int(m.group(1)) / 1e6 if m else float("nan")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def status(trackscan, run, redis):
    r = subprocess.run([trackscan, "status", run, "--redis", redis.url], capture_output=True, text=True)
    m = STATUS_RE.search(r.stdout + r.stderr)
    if not m:
        return None
    state, total, done, failed, in_flight, queued = m.groups()
    return state, int(total), int(in_flight), int(queued)


def write_urls(path, n, prefix):
    with open(path, "w") as f:
        for i in range(n):
            f.write(f"https://www.{prefix}{i % 50000}.example.com/p/{i}?ref=bench\n")


def submit(trackscan, redis, work, n, run):
    urls = os.path.join(work, f"urls-{n}.txt")
    if not os.path.exists(urls):
        write_urls(urls, n, "site")
    wall, peak_kb, _, _ = run_peak([trackscan, "submit", urls, "--run", run, "--redis", redis.url])
    return wall, peak_kb / 1024


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def dispatch(trackscan, stub, redis, run, batch_size, stubs, timeout, work):
    port = free_port()
    endpoint = f"tcp://127.0.0.1:{port}"
    log = open(os.path.join(work, f"coordinator-{batch_size}.log"), "w")
    info = status(trackscan, run, redis)
    total = info[1]
    t0 = time.monotonic()
    coord = subprocess.Popen([trackscan, "coordinator", "--bind", endpoint, "--redis", redis.url,
                              "--batch-size", str(batch_size)], stdout=log, stderr=log)
    workers = [subprocess.Popen([stub, "--connect", endpoint, "--id", f"stub-{i}", "--capacity", "10000"],
                                stdout=subprocess.PIPE, stderr=log, text=True) for i in range(stubs)]
    finished, dispatched = False, 0
    peak_coord = 0
    # Polls the run's state field (O(1)): `trackscan status` counts the items
    # of every batch in flight (GetRun decodes each batch's JSON), which with
    # hundreds of thousands leased ahead stalls Redis and so the coordinator.
    while time.monotonic() - t0 < timeout:
        time.sleep(0.2)
        peak_coord = max(peak_coord, rss_kb(coord.pid))
        if redis.cli("HGET", f"ts:run:{run}", "state").strip() == "done":
            finished = True
            break
    elapsed = time.monotonic() - t0
    info = status(trackscan, run, redis)  # once, at the end
    if info:
        _, total, in_flight, queued = info
        dispatched = total - queued - in_flight
    lines = []
    for w in workers:
        w.send_signal(signal.SIGTERM)
        out, _ = w.communicate(timeout=30)
        lines.append(out.strip())
    coord.send_signal(signal.SIGTERM)
    try:
        coord.wait(timeout=10)
    except subprocess.TimeoutExpired:
        coord.kill()
        coord.wait()
    log.close()
    items, first, last = 0, None, None
    for line in lines:
        kv = dict(p.split("=", 1) for p in line.split()[2:] if "=" in p)
        if not kv:
            continue
        items += int(kv["items"])
        if int(kv["first_batch_ms"]):
            first = min(first or 10**15, int(kv["first_batch_ms"]))
            last = max(last or 0, int(kv["last_done_ms"]))
    stub_rate = items / ((last - first) / 1000) if first and last and last > first else float("nan")
    return {"batch_size": batch_size, "finished": finished, "total": total, "dispatched": dispatched,
            "elapsed": elapsed, "rate": dispatched / elapsed, "stub_items": items, "stub_rate": stub_rate,
            "coord_rss_mb": peak_coord / 1024, "stub_lines": lines}


def ingest(build):
    _, _, out, _ = run_peak([os.path.join(build, "redis_ingest")])
    print(out, end="")
    rates = {}
    for line in out.splitlines():
        m = re.match(r"(\S+) records=\d+ seconds=\S+ records_per_s=(\d+)", line)
        if m:
            rates[m.group(1)] = int(m.group(2))
    return rates


def end_to_end(trackscan, work, visits, tabs):
    server = scan_bench.Server(("127.0.0.1", 0), scan_bench.Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    flag = f"--chrome-flag=--host-resolver-rules=MAP * 127.0.0.1:{port}"
    urls = os.path.join(work, "e2e-urls.txt")
    with open(urls, "w") as f:
        for i in range(visits):
            f.write(f"http://www.site{i % 20}.test/p/{i}\n")
    visit = ["--allow-private-targets", "--min-dwell", "1", "--quiet-period", "0", flag]
    res = {}
    state = tempfile.mkdtemp(prefix="ts-e2e-", dir="/tmp")  # ipc socket paths must stay short
    crawl = [trackscan, "crawl", urls, "--run", "e2e", "--state-dir", state, "--workers", "1", "--tabs", str(tabs),
             "--out", os.path.join(work, "e2e-crawl.jsonl")] + visit
    scan = [trackscan, "scan", "--input", urls, "--out", os.path.join(work, "e2e-scan.jsonl"),
            "--concurrency", str(tabs)] + visit
    for name, cmd in (("scan", scan), ("crawl", crawl)):
        wall, _, _, err = run_peak(cmd)
        with open(os.path.join(work, f"e2e-{name}.jsonl")) as f:
            records = sum(1 for _ in f)
        res[name] = (wall, visits / wall * 60, records)
        print(f"  {name:<6} K={tabs}: {visits} visits in {wall:.1f} s = {visits / wall * 60:.1f} visits/min, "
              f"{records} records", flush=True)
    server.shutdown()
    shutil.rmtree(state, ignore_errors=True)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build-bench")
    ap.add_argument("--dispatch-urls", type=int, default=1_000_000)
    ap.add_argument("--small-urls", type=int, default=100_000, help="second submit size, for flat memory")
    ap.add_argument("--batch-sizes", default="100,1000")
    ap.add_argument("--stubs", type=int, default=2)
    ap.add_argument("--dispatch-timeout", type=float, default=600, help="seconds per dispatch run")
    ap.add_argument("--visits", type=int, default=60)
    ap.add_argument("--tabs", type=int, default=4)
    ap.add_argument("--skip", default="", help="comma list of submit,dispatch,ingest,e2e")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    trackscan = os.path.join(args.build, "trackscan")
    stub = os.path.join(args.build, "stub_worker")
    work = tempfile.mkdtemp(prefix="fleet-bench-", dir="/tmp")
    print(f"{os.cpu_count()} cores, work dir {work}", flush=True)
    figures = []

    if "submit" not in skip:
        redis = Redis(work)
        try:
            for n in sorted({args.small_urls, args.dispatch_urls}):
                if n <= 0:
                    continue
                wall, rss = submit(trackscan, redis, work, n, f"submit-{n}")
                mem = redis.used_memory_mb()
                print(f"submit {n} URLs: {wall:.2f} s ({n / wall:,.0f} URLs/s), peak RSS {rss:.1f} MB, "
                      f"Redis used_memory {mem:.0f} MB", flush=True)
                figures.append((f"submit {n:,} URLs", f"{wall:.1f} s ({n / wall:,.0f} URLs/s)",
                                "< 30 s for 1M" if n == args.dispatch_urls else ""))
                figures.append((f"submit {n:,}: peak RSS of submit", f"{rss:.1f} MB", "flat"))
                figures.append((f"submit {n:,}: Redis used_memory", f"{mem:.0f} MB", ""))
                redis.cli("FLUSHALL")
            if "dispatch" not in skip:
                for b in [int(x) for x in args.batch_sizes.split(",")]:
                    run = f"dispatch-b{b}"
                    wall, _ = submit(trackscan, redis, work, args.dispatch_urls, run)
                    r = dispatch(trackscan, stub, redis, run, b, args.stubs, args.dispatch_timeout, work)
                    for line in r["stub_lines"]:
                        print("  " + line)
                    note = "" if r["finished"] else f" (cut at {args.dispatch_timeout:.0f} s: NOT finished)"
                    print(f"dispatch --batch-size {b}: {r['dispatched']:,}/{r['total']:,} URLs in "
                          f"{r['elapsed']:.1f} s = {r['rate']:,.0f} URLs/s (stubs' clocks: {r['stub_rate']:,.0f}/s), "
                          f"coordinator peak RSS {r['coord_rss_mb']:.1f} MB{note}", flush=True)
                    figures.append((f"dispatch, {args.stubs} stubs, --batch-size {b}",
                                    f"{r['rate']:,.0f} URLs/s ({r['dispatched']:,} URLs, {r['elapsed']:.0f} s{note})",
                                    ">= 50,000 URLs/s"))
                    redis.cli("FLUSHALL")
        finally:
            redis.stop()

    if "ingest" not in skip:
        rates = ingest(args.build)
        for mode, rate in rates.items():
            figures.append((f"Redis ingest, one connection: {mode}", f"{rate:,} records/s",
                            ">= 100,000 records/s" if mode == "commit" else ""))

    if "e2e" not in skip:
        res = end_to_end(trackscan, work, args.visits, args.tabs)
        figures.append((f"scan --concurrency {args.tabs}, {args.visits} visits", f"{res['scan'][1]:.1f} visits/min", ""))
        figures.append((f"crawl --workers 1 --tabs {args.tabs}", f"{res['crawl'][1]:.1f} visits/min", ""))
        figures.append(("crawl / scan", f"{res['crawl'][1] / res['scan'][1]:.2f}", ""))

    print("\nfigures (one run)")
    print(f"{'what':<52}{'measured':<64}target")
    for what, value, target in figures:
        print(f"{what:<52}{value:<64}{target}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
