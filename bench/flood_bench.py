#!/usr/bin/env python3
"""Flood benchmark (issue 11): trackscan's own peak memory and CPU on a page
that floods it.

Serves the fixture web of the integration tests (tests/integration/
fixture_server.py) on loopback and scans http://flood.test/ once: 5,000
document.cookie writes, 3,000 fetches and 400 POSTs of 1 MiB at once (the
counts can be changed). Prints trackscan's own CPU seconds and peak RSS
(getrusage, printed by trackscan under TRACKSCAN_RUSAGE), Chromium's CPU,
the visit's duration against its deadline, what the visit recorded, its
limits_hit, and what the fixture server received. The targets of issue 11:
own peak <= 160 MB with the tracker data loaded (92 MB of it), own CPU <=
15 s, the visit ended by its deadline.

usage: bench/flood_bench.py [--trackscan build/trackscan] [--timeout 30] [--repeat 1]
                            [--posts 400] [--fetches 3000] [--writes 5000] [-- extra scan flags]
"""
import argparse
import collections
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import fixture_server  # noqa: E402


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


def run_once(args, server, work, extra):
    out = os.path.join(work, "flood.jsonl")
    url = f"http://flood.test/?posts={args.posts}&fetches={args.fetches}&writes={args.writes}"
    port = server.port
    cmd = [args.trackscan, "scan", url, "--out", out, "--allow-private-targets", "--timeout", str(args.timeout),
           f"--chrome-flag=--host-resolver-rules=MAP * 127.0.0.1:{port}",
           "--chrome-flag=--ignore-certificate-errors", "--chrome-flag=--disable-features=HttpsUpgrades", *extra]
    start_log = server.log_length()
    start = time.monotonic()
    proc = subprocess.run(cmd, env=dict(os.environ, TRACKSCAN_RUSAGE="1"), capture_output=True, text=True,
                          timeout=args.timeout * 4 + 60)
    wall = time.monotonic() - start
    stats = {}
    for line in proc.stderr.splitlines():
        if line.startswith("rusage "):
            for kv in line.split()[2:]:
                k, v = kv.split("=")
                stats[k] = float(v)
    if proc.returncode != 0 or not stats:
        sys.exit(f"scan failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    records = [json.loads(line) for line in open(out) if line.strip()]
    by_type = collections.Counter(r["type"] for r in records)
    visit = next(r for r in records if r["type"] == "visit")
    took = (parse_time(visit["ended_at"]) - parse_time(visit["started_at"])).total_seconds()
    logged = [e for e in server.entries_since(start_log) if e.host == "flood.test"]
    kept_bodies = sum(len(r["post_data"] or "") for r in records if r["type"] == "request")
    return {
        "own_cpu_s": stats["self_cpu_s"], "own_peak_mb": stats["self_maxrss_kb"] / 1024,
        "chrome_cpu_s": stats["children_cpu_s"], "wall_s": wall, "visit_s": took,
        "outcome": visit["outcome"], "limits_hit": visit.get("limits_hit"),
        "records": dict(by_type), "post_bytes_kept": kept_bodies,
        "server_fetches": sum(1 for e in logged if e.path == "/fetch"),
        "server_posts": sum(1 for e in logged if e.path == "/post"),
        "out_mb": os.path.getsize(out) / 2**20,
    }


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trackscan", default="build/trackscan")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--posts", type=int, default=400)
    ap.add_argument("--fetches", type=int, default=3000)
    ap.add_argument("--writes", type=int, default=5000)
    args = ap.parse_args(argv)

    work = tempfile.mkdtemp(prefix="trackscan-flood-")
    server = fixture_server.FixtureServer(work).start()
    try:
        print(f"flood: {args.posts} POSTs of 1 MiB, {args.fetches} fetches, {args.writes} cookie writes; "
              f"--timeout {args.timeout:g}; {os.cpu_count()} cores; {' '.join(extra)}")
        for _ in range(args.repeat):
            r = run_once(args, server, work, extra)
            print(f"own peak {r['own_peak_mb']:.1f} MB, own CPU {r['own_cpu_s']:.2f} s, "
                  f"Chromium CPU {r['chrome_cpu_s']:.1f} s, wall {r['wall_s']:.1f} s, "
                  f"visit {r['visit_s']:.1f} s ({r['outcome']}), output {r['out_mb']:.1f} MB", flush=True)
            print(f"  records {r['records']}, POST bytes kept {r['post_bytes_kept']}")
            print(f"  server received {r['server_fetches']} fetches, {r['server_posts']} POSTs")
            print(f"  limits_hit {json.dumps(r['limits_hit'])}", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
