#!/usr/bin/env python3
"""Scan benchmark: `trackscan scan` beside a bare navigate-only CDP loop.

Serves a fixed set of fixture visits on loopback (pages with third-party
pixels, an iframe with its own tracker, a POST beacon, cookies), then for each
concurrency runs both over the same URLs and prints visits/min, CPU seconds of
trackscan's own process and of Chromium (all its processes), and peak memory
of each. Chromium's CPU is what trackscan reaps at exit (RUSAGE_CHILDREN,
printed when TRACKSCAN_RUSAGE is set); peak Chromium memory is the largest
sampled sum of the RSS of its processes.

The machines are shared and noisy (one run can be 30% off), so each
concurrency is measured --repeat times, the two modes alternating which goes
first; the verdict is the median of the per-pair CPU ratios.

--guard adds a third mode, the scan with its private-network guard on (every
connection through the egress guard, the fixture's loopback opened with
--allow-network), and prints what the guard adds over the unguarded scan.

usage: bench/scan_bench.py [--build build] [--visits 200] [--concurrency 1,4,8] [--repeat 3] [--guard]
"""
import argparse
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time

PAGE = """<!doctype html><html><head><title>Bench {i}</title>
<script src="http://cdn.site{k}.test/app.js"></script></head><body>
<h1>Page {i}</h1><p>{text}</p>
<img src="http://pixel.tracker{t}.test/p.gif?page={i}&r={i}">
<img src="http://ads.adnet.test/i.gif?site=site{k}&page={i}">
<iframe src="http://widget.partner{t}.test/frame?page={i}"></iframe>
<form action="/submit"><input type="email" name="email"><input name="postcode" autocomplete="postal-code">
<button type="submit">Book appointment</button></form>
<script>
document.cookie = "uid={i}; path=/";
fetch("http://collect.tracker{t}.test/collect", {{method: "POST", body: JSON.stringify({{page: {i}, ua: navigator.userAgent}})}});
navigator.sendBeacon("http://beacon.adnet.test/b", "visit={i}");
</script></body></html>"""
FRAME = """<!doctype html><html><body>widget
<img src="http://sync.adnet.test/sync.gif?partner=1"><script>fetch("/api?x=1")</script></body></html>"""


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the browser closes keep-alive connections at will


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, body, ctype, cookies=()):
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for c in cookies:
            self.send_header("Set-Cookie", c)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        host = self.headers.get("Host", "").split(":")[0]
        path = self.path.split("?")[0]
        if path.startswith("/p/"):
            i = int(path[3:])
            return self._send(PAGE.format(i=i, k=i % 20, t=i % 5, text="lorem ipsum " * 50), "text/html",
                              ["session=s%d; Path=/" % i])
        if path == "/frame":
            return self._send(FRAME, "text/html", ["pid=1; SameSite=None; Secure; Path=/"])
        if path.endswith(".js"):
            return self._send("window.app = 1;", "application/javascript")
        if path.endswith(".gif"):
            return self._send("GIF89a", "image/gif", ["t=%s; Path=/" % host])
        return self._send("{}", "application/json")

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        self._send("{}", "application/json")


def tree_rss_kb(root_pid):
    """RSS of every process under root_pid (excluding it), in kB."""
    children, rss = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(pid))
            rss[int(pid)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, list(children.get(root_pid, []))
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_measured(cmd, env):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        time.sleep(0.2)
    wall = time.monotonic() - start
    stats = {"guard_cpu_s": 0.0}
    for line in proc.stderr.read().splitlines():
        if line.startswith("rusage egress_guard "):  # one per browser the scan started
            stats["guard_cpu_s"] += float(line.split("guard_cpu_s=")[1].split()[0])
        elif line.startswith("rusage "):
            for kv in line.split()[2:]:
                k, v = kv.split("=")
                stats[k] = float(v)
    if proc.returncode != 0 or not stats:
        sys.exit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}")
    return wall, stats, peak


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--visits", type=int, default=200)
    ap.add_argument("--concurrency", default="1,4,8")
    ap.add_argument("--repeat", type=int, default=3, help="measured pairs per concurrency")
    ap.add_argument("--dwell", type=float, default=1.0, help="minimum dwell per visit, seconds")
    ap.add_argument("--bare-scan", action="store_true",
                    help="also run scan --interact none --no-tracker-data: what interaction and analysis add")
    ap.add_argument("--guard", action="store_true",
                    help="also run the scan with the private-network guard on: what the guard costs")
    args = ap.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    flags = [f"--host-resolver-rules=MAP * 127.0.0.1:{port}"]
    work = tempfile.mkdtemp(prefix="trackscan-bench-")
    urls_file = os.path.join(work, "urls.txt")
    with open(urls_file, "w") as f:
        for i in range(args.visits):
            f.write(f"http://www.site{i % 20}.test/p/{i}\n")
    env = dict(os.environ, TRACKSCAN_RUSAGE="1")
    trackscan = os.path.join(args.build, "trackscan")
    navigate = os.path.join(args.build, "navigate_only")

    print(f"{args.visits} visits, dwell {args.dwell}s, {os.cpu_count()} cores")
    print(f"{'mode':<10}{'conc':>5}{'wall s':>8}{'visits/min':>11}{'own cpu s':>10}{'chrome cpu s':>13}"
          f"{'own %':>7}{'own MB':>8}{'chrome MB':>10}")
    for conc in [int(c) for c in args.concurrency.split(",")]:
        scan_cmd = [trackscan, "scan", "--input", urls_file, "--out", os.path.join(work, "out.jsonl"),
                    "--allow-private-targets", "--concurrency", str(conc), "--min-dwell", str(args.dwell),
                    "--quiet-period", "0"] + [f"--chrome-flag={x}" for x in flags]
        nav_cmd = [navigate, urls_file, str(conc), str(int(args.dwell * 1000))] + [f"--chrome-flag={x}" for x in flags]
        guarded_cmd = [x for x in scan_cmd if x != "--allow-private-targets"] + ["--allow-network", "127.0.0.1/32"]
        ratios, issue4, guard, guard_thread = [], [], [], []
        for rep in range(args.repeat):
            rows = {}
            modes = [("navigate", nav_cmd, "navigate_only"), ("scan", scan_cmd, "trackscan")]
            if args.bare_scan:
                modes.append(("bare-scan", scan_cmd + ["--interact", "none", "--no-tracker-data"], "trackscan"))
            if args.guard:
                modes.append(("guarded", guarded_cmd, "trackscan"))
            for mode, cmd, who in (modes if rep % 2 == 0 else modes[::-1]):
                wall, s, peak = run_measured(cmd, env)
                own, chrome = s["self_cpu_s"], s["children_cpu_s"]
                rows[mode] = own + chrome
                if mode == "guarded":
                    rows["guard_cpu_s"] = s["guard_cpu_s"]
                print(f"{mode:<10}{conc:>5}{wall:>8.1f}{args.visits / wall * 60:>11.1f}{own:>10.2f}{chrome:>13.2f}"
                      f"{100 * own / (own + chrome):>6.1f}%{s['self_maxrss_kb'] / 1024:>8.1f}{peak / 1024:>10.1f}",
                      flush=True)
            ratios.append(rows["scan"] / rows["navigate"] - 1)
            if args.bare_scan:
                issue4.append(rows["scan"] / rows["bare-scan"] - 1)
            if args.guard:
                guard.append(rows["guarded"] / rows["scan"] - 1)
                guard_thread.append(rows["guard_cpu_s"] / rows["guarded"])
        ratios.sort()
        print(f"{'':<10}{conc:>5}  recording adds {100 * ratios[len(ratios) // 2]:+.1f}% CPU over bare navigation "
              f"(median of {len(ratios)} pairs; each: {', '.join(f'{100 * r:+.1f}%' for r in ratios)})", flush=True)
        if args.bare_scan:
            issue4.sort()
            print(f"{'':<10}{conc:>5}  interaction + analysis add {100 * issue4[len(issue4) // 2]:+.1f}% CPU over "
                  f"scan --interact none --no-tracker-data (each: {', '.join(f'{100 * r:+.1f}%' for r in issue4)})",
                  flush=True)
        if args.guard:
            guard.sort()
            print(f"{'':<10}{conc:>5}  the private-network guard adds {100 * guard[len(guard) // 2]:+.1f}% CPU "
                  f"(trackscan + Chromium) over the unguarded scan (each: {', '.join(f'{100 * r:+.1f}%' for r in guard)})",
                  flush=True)
            guard_thread.sort()
            print(f"{'':<10}{conc:>5}  the guard's own thread used {100 * guard_thread[len(guard_thread) // 2]:.2f}% of "
                  f"the guarded scan's CPU (each: {', '.join(f'{100 * r:.2f}%' for r in guard_thread)})", flush=True)
    with open(os.path.join(work, "out.jsonl")) as f:
        print(f"last scan wrote {sum(1 for _ in f)} records")
    server.shutdown()


if __name__ == "__main__":
    main()
