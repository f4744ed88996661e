"""The fleet on one machine: `trackscan crawl` (private Redis, coordinator,
workers), and the parts run by hand (redis-server, `trackscan coordinator`,
`trackscan worker` processes, `trackscan submit/status/export`), with a
worker killed mid-run. Each run is checked against the fixture server's log,
one final result per URL, and no duplicate records."""

import collections
import csv
import io
import json
import os
import signal
import subprocess
import tempfile
import time

import jsonschema
import pytest

import fixture_server
from conftest import ground_truth_problems, normalize_url, parse_jsonl, schema_problems

# Pages of several kinds (OOPIF, workers, popup, plain sites); query strings
# make distinct URLs of the same page.
PAGES = ["https://www.clinic.test/iframe.html", "http://www.clinic.test/worker.html",
         "http://www.clinic.test/shared.html", "http://www.clinic.test/popup.html",
         "http://site-a.test/", "http://site-b.test/", "http://site-c.test/",
         "http://www.clinic.test/beacon.html", "http://www.clinic.test/cookies.html"]
FLEET_FLAGS = ["--min-dwell", "1", "--quiet-period", "1", "--timeout", "20"]
# A worker's own flags decide what its browser may reach: the fixture web is on loopback.
WORKER_EGRESS = ["--allow-private-targets"]


def fleet_schema_problems(name, documents):
    """Validates documents against schemas/fleet/<name>.schema.json."""
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "fleet", f"{name}.schema.json")) as f:
        validator = jsonschema.Draft202012Validator(json.load(f))
    return [f"{name}: {e.message}" for d in documents for e in validator.iter_errors(d)]


def redis_hash_values(redis_url, key):
    sock = redis_url[len("unix://"):]
    out = subprocess.run(["redis-cli", "-s", sock, "--raw", "HVALS", key], capture_output=True, text=True,
                         timeout=30).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def urls(n):
    return [PAGES[i % len(PAGES)] + ("" if i < len(PAGES) else f"?n={i}") for i in range(n)]


def chrome_flags(port):
    return [f"--chrome-flag=--host-resolver-rules=MAP * 127.0.0.1:{port}",
            "--chrome-flag=--ignore-certificate-errors",
            "--chrome-flag=--disable-features=HttpsUpgrades"]


def check_run(records, wanted_urls, server_log, validators, exact=True):
    """One final visit per URL, nothing duplicated, everything the server got
    (each request as often as the server got it when `exact`; at least once
    otherwise, for runs where a killed worker's visits were cut short)."""
    problems = schema_problems(records, validators)
    assert not problems, "\n".join(problems[:20])
    visits = [r for r in records if r["type"] == "visit"]
    assert len({v["visit_id"] for v in visits}) == len(visits), "a visit was stored twice"
    by_url = collections.Counter(v["input_url"] for v in visits if not v["error"] or
                                 "interrupted" not in v["error"])
    assert sorted(by_url) == sorted(set(wanted_urls)), set(wanted_urls) ^ set(by_url)
    lines = collections.Counter(json.dumps(r, sort_keys=True) for r in records)
    dupes = [line for line, n in lines.items() if n > 1]
    assert not dupes, f"{len(dupes)} records appear more than once, e.g. {dupes[0][:300]}"
    if not exact:
        logged = {(e.method, normalize_url(e.url)) for e in server_log if e.host in fixture_server.HOSTS
                  and e.kind == "http"}
        recorded = {(r["method"], normalize_url(r["url"])) for r in records if r["type"] == "request"}
        missing = sorted(logged - recorded)
        assert not missing, f"requests the server got but no final visit recorded: {missing[:10]}"
        return
    problems = ground_truth_problems(records, server_log)
    assert not problems, "output disagrees with the fixture server's log:\n  " + "\n  ".join(problems[:20])


def crawl(trackscan_bin, session_tmp, fixture_web, validators, run, n, tabs, exact):
    """`trackscan crawl` of n fixture URLs (and a junk line) over 2 workers x
    `tabs`, checked against the server log (check_run); returns the process
    and the crawl's state dir."""
    wanted = urls(n)
    work = tempfile.mkdtemp(prefix="crawl-", dir=session_tmp)
    url_file = os.path.join(work, "urls.txt")
    with open(url_file, "w") as f:
        f.write("# a comment, then the URLs\n" + "\n".join(wanted) + "\nnot a url\n")
    out = os.path.join(work, "run.jsonl")
    env = dict(os.environ, TMPDIR=session_tmp)
    # The exact comparison with the server log needs every late worker fetch
    # inside its visit: a request made after a visit's quiet period is not
    # recorded (docs/status.md), so these runs dwell longer than the others.
    cmd = [trackscan_bin, "crawl", url_file, "--run", run, "--workers", "2", "--tabs", str(tabs),
           "--batch-size", "3", "--state-dir", os.path.join(work, "state"), "--out", out,
           "--allow-private-targets", "--min-dwell", "2", "--quiet-period", "2", "--timeout", "20",
           *chrome_flags(fixture_web.port)]
    before = fixture_web.log_length()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    after = fixture_web.log_length()
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert f"skipped line {n + 2}" in proc.stderr, proc.stderr[-2000:]  # "not a url", reported
    assert f"{run}: done, {n} URLs: {n} done, 0 failed" in proc.stdout, proc.stdout
    with open(out) as f:
        records = parse_jsonl(f.read())
    try:
        check_run(records, wanted, fixture_web.entries_since(before, after), validators, exact=exact)
    except AssertionError as e:  # the fleet's own logs say what happened
        raise AssertionError(f"{e}\n--- crawl log:\n{proc.stderr[-8000:]}") from None
    third_parties = proc.stdout.split("top third parties", 1)[1]
    assert "tracker.test" in third_parties, proc.stdout
    return proc, os.path.join(work, "state"), env, wanted


def test_crawl_gives_one_result_per_url_and_an_export(trackscan_bin, session_tmp, fixture_web, validators):
    _, state, env, wanted = crawl(trackscan_bin, session_tmp, fixture_web, validators, "t1", 24, 1, exact=True)
    # The finished run can be exported again, as CSV: one row per URL.
    csv_out = os.path.join(session_tmp, "t1.csv")
    again = subprocess.run([trackscan_bin, "crawl", "--resume", "t1", "--state-dir", state,
                            "--format", "csv", "--out", csv_out], env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    with open(csv_out) as f:
        rows = list(csv.DictReader(f))
    assert sorted(int(r["index"]) for r in rows) == list(range(24))
    assert {r["url"] for r in rows} == set(wanted) and all(r["outcome"] == "ok" for r in rows), rows[:3]


def test_crawl_of_100_urls_over_2_workers_of_2_tabs(trackscan_bin, session_tmp, fixture_web, validators):
    # One final visit per URL, nothing duplicated, and every request the
    # server got in some final visit. Not compared count for count: in one CI
    # run of ~6 the server got one visit of a URL more than the records held
    # (docs/status.md, open); the 24-URL run above is compared exactly.
    crawl(trackscan_bin, session_tmp, fixture_web, validators, "t100", 100, 2, exact=False)


class RedisServer:
    """redis-server on a unix socket with the append-only file fsynced on
    every write, so a kill -9 loses nothing it acknowledged."""

    def __init__(self, work):
        self.work, self.sock = work, os.path.join(work, "redis.sock")
        self.url = f"unix://{self.sock}"
        self.proc = None

    def start(self):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.proc = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", self.sock, "--dir", self.work,
                                      "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
                                     stdout=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(self.sock):
                return
            time.sleep(0.05)

    def kill(self):
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def redis_proc(session_tmp):
    server = RedisServer(tempfile.mkdtemp(prefix="redis-", dir=session_tmp))
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_server(redis_proc):
    return redis_proc.url


def run_status(trackscan_bin, redis_url, run):
    """(URLs done, status line) of a run."""
    status = subprocess.run([trackscan_bin, "status", run, "--redis", redis_url], capture_output=True,
                            text=True).stdout
    done = int(status.split(" URLs: ")[1].split(" done")[0]) if " URLs: " in status else 0
    return done, status


def wait_for_run(trackscan_bin, redis_url, run, on_progress=lambda done: None, timeout=300):
    deadline, status = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        done, status = run_status(trackscan_bin, redis_url, run)
        on_progress(done)
        if f"{run}: done" in status:
            break
        time.sleep(0.5)
    return status


def stop_all(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()


def exported(trackscan_bin, redis_url, run):
    """(records of the final visits, CSV rows) of a run."""
    records = parse_jsonl(subprocess.run([trackscan_bin, "export", run, "--redis", redis_url], capture_output=True,
                                         text=True, timeout=60).stdout)
    rows = list(csv.DictReader(io.StringIO(subprocess.run(
        [trackscan_bin, "export", run, "--redis", redis_url, "--format", "csv"],
        capture_output=True, text=True, timeout=60).stdout)))
    final_ids = {r["visit_id"] for r in rows}
    return [r for r in records if r["visit_id"] in final_ids], rows


def test_coordinator_and_redis_killed_and_restarted_mid_run(trackscan_bin, session_tmp, fixture_web, validators,
                                                            redis_proc):
    # kill -9 the coordinator (then start a new one), and later kill -9 Redis
    # (then start it on its append-only file): the run completes, one result
    # per URL, nothing duplicated.
    wanted = urls(16)
    work = tempfile.mkdtemp(prefix="restart-", dir=session_tmp)
    env = dict(os.environ, TMPDIR=session_tmp)
    endpoint = f"ipc://{work}/coordinator.sock"
    redis_url = redis_proc.url
    submit = subprocess.run([trackscan_bin, "submit", "-", "--run", "r1", "--redis", redis_url,
                             "--allow-private-targets"], input="\n".join(wanted), env=env,
                            capture_output=True, text=True, timeout=60)
    assert submit.returncode == 0, submit.stderr
    coordinator_cmd = [trackscan_bin, "coordinator", "--bind", endpoint, "--redis", redis_url, "--batch-size", "2"]
    procs = [subprocess.Popen(coordinator_cmd, env=env, stderr=subprocess.DEVNULL)]
    procs.append(subprocess.Popen([trackscan_bin, "worker", *WORKER_EGRESS, "--connect", endpoint, "--redis", redis_url,
                                   "--tabs", "2", "--id", "w1", *FLEET_FLAGS, *chrome_flags(fixture_web.port)],
                                  env=env, stderr=subprocess.DEVNULL, start_new_session=True))
    before = fixture_web.log_length()
    events = []

    def chaos(done):
        if not events and done >= 3:
            procs[0].kill()
            procs[0].wait()
            procs[0] = subprocess.Popen(coordinator_cmd, env=env, stderr=subprocess.DEVNULL)
            events.append("coordinator restarted")
        elif len(events) == 1 and done >= 8:
            redis_proc.kill()
            time.sleep(1)
            redis_proc.start()
            events.append("redis restarted")

    try:
        status = wait_for_run(trackscan_bin, redis_url, "r1", chaos)
        assert len(events) == 2 and "r1: done, 16 URLs: 16 done, 0 failed" in status, (events, status)
    finally:
        stop_all(procs)
    records, rows = exported(trackscan_bin, redis_url, "r1")
    assert sorted(int(r["index"]) for r in rows) == list(range(16)), rows
    check_run(records, wanted, fixture_web.entries_since(before, fixture_web.log_length()), validators,
              exact=False)


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(trackscan_bin, session_tmp, fixture_web,
                                                                  validators, redis_server):
    wanted = urls(16)
    work = tempfile.mkdtemp(prefix="fleet-", dir=session_tmp)
    env = dict(os.environ, TMPDIR=session_tmp)
    endpoint = f"ipc://{work}/coordinator.sock"
    submit = subprocess.run([trackscan_bin, "submit", "-", "--run", "k1", "--redis", redis_server,
                             "--allow-private-targets"], input="\n".join(wanted), env=env,
                            capture_output=True, text=True, timeout=60)
    assert submit.returncode == 0 and "16 URLs queued" in submit.stdout, submit.stderr
    before = fixture_web.log_length()
    procs = [subprocess.Popen([trackscan_bin, "coordinator", "--bind", endpoint, "--redis", redis_server,
                               "--batch-size", "4"], env=env, stderr=subprocess.PIPE, text=True)]
    def start_worker(name):
        procs.append(subprocess.Popen([trackscan_bin, "worker", *WORKER_EGRESS, "--connect", endpoint, "--redis", redis_server,
                                       "--tabs", "2", "--id", name, *FLEET_FLAGS,
                                       *chrome_flags(fixture_web.port)],
                                      env=env, stderr=subprocess.DEVNULL, start_new_session=True))
        return procs[-1]
    victim = start_worker("victim")
    start_worker("survivor")
    try:
        status = ""
        deadline = time.monotonic() + 300
        killed = False
        while time.monotonic() < deadline:
            status = subprocess.run([trackscan_bin, "status", "k1", "--redis", redis_server],
                                    capture_output=True, text=True).stdout
            done = int(status.split(" URLs: ")[1].split(" done")[0]) if " URLs: " in status else 0
            if not killed and done >= 3:
                os.killpg(victim.pid, signal.SIGKILL)  # the worker and its Chromium, mid-batch
                victim.wait()
                killed = True
                # As a supervisor would: a new worker, which also removes the
                # profile the killed one left behind.
                start_worker("replacement")
            if "k1: done" in status:
                break
            time.sleep(0.5)
        assert killed and "k1: done, 16 URLs: 16 done, 0 failed" in status, status
    finally:
        stop_all(procs)
    after = fixture_web.log_length()
    stderr = procs[0].stderr.read()
    assert "worker victim went silent" in stderr and "put back: worker victim went silent" in stderr, stderr[-2000:]
    export = subprocess.run([trackscan_bin, "export", "k1", "--redis", redis_server], capture_output=True,
                            text=True, timeout=60)
    assert export.returncode == 0, export.stderr
    records = parse_jsonl(export.stdout)
    # The victim's unfinished visits left nothing (it died before writing);
    # everything in Redis is a whole visit, and each URL has one final result.
    csv_rows = list(csv.DictReader(io.StringIO(subprocess.run(
        [trackscan_bin, "export", "k1", "--redis", redis_server, "--format", "csv"],
        capture_output=True, text=True, timeout=60).stdout)))
    assert sorted(int(r["index"]) for r in csv_rows) == list(range(16)), csv_rows
    final_ids = {r["visit_id"] for r in csv_rows}
    final_records = [r for r in records if r["visit_id"] in final_ids]
    check_run(final_records, wanted, fixture_web.entries_since(before, after), validators, exact=False)
    # What the fleet keeps in Redis beside the records has its schemas too.
    results = redis_hash_values(redis_server, "ts:run:k1:results")
    sites = redis_hash_values(redis_server, "ts:run:k1:sites")
    assert len(results) == 16 and sites, (len(results), len(sites))
    problems = fleet_schema_problems("url_result", results) + fleet_schema_problems("site_summary", sites)
    assert not problems, problems[:10]


def test_a_worker_replaces_chromium_over_its_memory_cap_as_often_as_needed(trackscan_bin, session_tmp, fixture_web,
                                                                         redis_server):
    # --memory-cap 1 (MB): every Chromium is over it after its first visit,
    # so each visit gets a new one. More replacements than the worker
    # tolerates crashes in a row (20): planned replacements must not count.
    wanted = [f"http://site-{'abc'[i % 3]}.test/?cap={i}" for i in range(23)]
    work = tempfile.mkdtemp(prefix="cap-", dir=session_tmp)
    env = dict(os.environ, TMPDIR=session_tmp)
    endpoint = f"ipc://{work}/coordinator.sock"
    submit = subprocess.run([trackscan_bin, "submit", "-", "--run", "cap1", "--redis", redis_server,
                             "--allow-private-targets"], input="\n".join(wanted), env=env,
                            capture_output=True, text=True, timeout=60)
    assert submit.returncode == 0, submit.stderr
    worker_log = os.path.join(work, "worker.log")
    with open(worker_log, "w") as log:
        procs = [subprocess.Popen([trackscan_bin, "coordinator", "--bind", endpoint, "--redis", redis_server],
                                  env=env, stderr=subprocess.DEVNULL),
                 subprocess.Popen([trackscan_bin, "worker", *WORKER_EGRESS, "--connect", endpoint, "--redis", redis_server,
                                   "--tabs", "1", "--id", "capped", "--memory-cap", "1", "--min-dwell", "0",
                                   "--quiet-period", "0.2", *chrome_flags(fixture_web.port)],
                                  env=env, stderr=log, start_new_session=True)]
    try:
        status = wait_for_run(trackscan_bin, redis_server, "cap1", timeout=400)
        assert procs[1].poll() is None, open(worker_log).read()[-3000:]  # still serving
    finally:
        stop_all(procs)
    text = open(worker_log).read()
    assert "cap1: done, 23 URLs: 23 done, 0 failed" in status, (status, text[-3000:])
    assert text.count("over --memory-cap 1 MB: replacing it") >= 21, text[-3000:]
    assert "giving up" not in text, text[-3000:]


def redis_cli(redis_url, *args):
    sock = redis_url[len("unix://"):]
    return subprocess.run(["redis-cli", "-s", sock, "--no-raw", *args], capture_output=True, text=True,
                          timeout=30).stdout


def stream_entries(redis_url, stream):
    """[{field: value}] of a stream, read with redis-cli's raw output."""
    sock = redis_url[len("unix://"):]
    out = subprocess.run(["redis-cli", "-s", sock, "--raw", "XRANGE", stream, "-", "+"], capture_output=True,
                         text=True, timeout=30).stdout.split("\n")
    entries, i = [], 0
    while i < len(out) and out[i]:
        i += 1  # the entry id
        fields = {}
        while i + 1 < len(out) and out[i] and not (out[i][0].isdigit() and "-" in out[i] and
                                                    out[i].replace("-", "").isdigit()):
            fields[out[i]] = out[i + 1]
            i += 2
        entries.append(fields)
    return entries


def test_on_demand_request_on_the_stream_gets_its_reply(trackscan_bin, session_tmp, fixture_web, redis_server):
    work = tempfile.mkdtemp(prefix="ondemand-", dir=session_tmp)
    env = dict(os.environ, TMPDIR=session_tmp)
    endpoint = f"ipc://{work}/coordinator.sock"
    coordinator = subprocess.Popen([trackscan_bin, "coordinator", "--bind", endpoint, "--redis", redis_server,
                                    "--allow-private-targets"], env=env, stderr=subprocess.PIPE, text=True)
    worker = subprocess.Popen([trackscan_bin, "worker", *WORKER_EGRESS, "--connect", endpoint, "--redis", redis_server,
                               "--tabs", "2", "--id", "w1", *FLEET_FLAGS, *chrome_flags(fixture_web.port)],
                              env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # Malformed requests first: rejected with a reason (or, without a
        # reply stream, logged), and nothing stops: a bad id, garbage bytes,
        # and more URLs than a request may carry (an oversized entry).
        redis_cli(redis_server, "XADD", "ts:requests", "*", "request_id", "bad id!", "urls",
                  "http://site-a.test/", "reply_stream", "replies")
        sock = redis_server[len("unix://"):]
        for tail, stdin in ((["request_id", "junk", "urls"], bytes(range(256)) * 4),
                            (["request_id", "big", "reply_stream", "replies", "urls"],
                             "\n".join(f"http://site-a.test/?{i}" for i in range(10001)).encode())):
            subprocess.run(["redis-cli", "-s", sock, "-x", "XADD", "ts:requests", "*", *tail], input=stdin,
                           capture_output=True, timeout=30, check=True)
        request = ["request_id", "r1", "urls", "http://site-a.test/\nhttp://site-b.test/", "reply_stream",
                   "replies", "min_dwell_s", "1"]
        assert not fleet_schema_problems("scan_request", [dict(zip(request[::2], request[1::2]))])
        redis_cli(redis_server, "XADD", "ts:requests", "*", *request)
        deadline, replies = time.monotonic() + 120, []
        while time.monotonic() < deadline:
            replies = stream_entries(redis_server, "replies")
            if any(r.get("type") == "scan_done" for r in replies):
                break
            time.sleep(0.5)
        rejected = [r for r in replies if r.get("type") == "scan_rejected"]
        done = [r for r in replies if r.get("type") == "scan_done"]
        assert rejected and "request_id" in rejected[0]["error"], replies
        assert any(r.get("request_id") == "big" and "more than 10000 URLs" in r["error"] for r in rejected), replies
        assert len(done) == 1, replies
        assert not fleet_schema_problems("scan_reply", replies), replies
        assert (done[0]["request_id"], done[0]["run"], done[0]["total"], done[0]["done"]) == \
            ("r1", "ondemand-r1", "2", "2"), done
        export = subprocess.run([trackscan_bin, "export", "ondemand-r1", "--redis", redis_server, "--format", "csv"],
                                capture_output=True, text=True, timeout=60)
        rows = list(csv.DictReader(io.StringIO(export.stdout)))
        assert {r["url"] for r in rows} == {"http://site-a.test/", "http://site-b.test/"}, export.stdout
        assert coordinator.poll() is None and worker.poll() is None, "a process died"
    finally:
        for p in (worker, coordinator):
            p.send_signal(signal.SIGTERM)
        for p in (worker, coordinator):
            p.wait(timeout=30)


def test_chromium_killed_under_a_worker_gives_attempt_2(trackscan_bin, session_tmp, fixture_web, validators,
                                                        redis_server):
    from test_browser_loss import main_chromium_pids
    work = tempfile.mkdtemp(prefix="crash-", dir=session_tmp)
    env = dict(os.environ, TMPDIR=work)  # this worker's Chromium alone has its profile here
    endpoint = f"ipc://{work}/coordinator.sock"
    late = "https://www.clinic.test/late.html"
    submit = subprocess.run([trackscan_bin, "submit", "-", "--run", "c1", "--redis", redis_server,
                             "--allow-private-targets"], input=late + "\n", env=env, capture_output=True,
                            text=True, timeout=60)
    assert submit.returncode == 0, submit.stderr
    before = fixture_web.log_length()
    procs = [subprocess.Popen([trackscan_bin, "coordinator", "--bind", endpoint, "--redis", redis_server],
                              env=env, stderr=subprocess.DEVNULL),
             subprocess.Popen([trackscan_bin, "worker", *WORKER_EGRESS, "--connect", endpoint, "--redis", redis_server, "--tabs", "1",
                               "--id", "w1", "--min-dwell", "5", "--quiet-period", "1",
                               *chrome_flags(fixture_web.port)], env=env, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(e.url == late for e in fixture_web.entries_since(before)):
            time.sleep(0.05)
        time.sleep(0.5)
        victims = main_chromium_pids(work)
        assert victims, "the worker started no Chromium"
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        status = wait_for_run(trackscan_bin, redis_server, "c1", timeout=120)
        assert "c1: done, 1 URLs: 1 done, 0 failed" in status, status
    finally:
        stop_all(procs)
    records, rows = exported(trackscan_bin, redis_server, "c1")
    assert [(r["attempt"], r["visit_id"], r["outcome"]) for r in rows] == [("2", "c1-0-a2", "ok")], rows
    everything = parse_jsonl(subprocess.run([trackscan_bin, "export", "c1", "--redis", redis_server],
                                            capture_output=True, text=True, timeout=60).stdout)
    visits = {v["visit_id"]: v for v in everything if v["type"] == "visit"}
    assert set(visits) == {"c1-0-a1", "c1-0-a2"}, visits
    assert "browser_lost" in visits["c1-0-a1"]["error"], visits["c1-0-a1"]  # kept as evidence, not the result
    assert not schema_problems(everything, validators)


def test_garbage_on_the_socket_is_logged_and_dropped(trackscan_bin, session_tmp, fixture_web, redis_server):
    import zmq
    work = tempfile.mkdtemp(prefix="garbage-", dir=session_tmp)
    env = dict(os.environ, TMPDIR=session_tmp)
    endpoint = f"ipc://{work}/coordinator.sock"
    coordinator = subprocess.Popen([trackscan_bin, "coordinator", "--bind", endpoint, "--redis", redis_server],
                                   env=env, stderr=subprocess.PIPE, text=True)
    context = zmq.Context()
    try:
        peer = context.socket(zmq.DEALER)
        peer.setsockopt(zmq.LINGER, 0)
        peer.connect(endpoint)
        for frame in [os.urandom(300), b"\xff\xfe not json", b'{"v":2,"type":"ready","worker_id":"x","capacity":1}',
                      b'{"v":1,"type":"steal","worker_id":"x"}', b'{"v":1,"type":"ready"}',
                      b'{"v":1,"type":"ready","worker_id":"x","capacity":1,' + b' ' * (5 << 20) + b'}']:
            peer.send(frame)
        peer.send_multipart([b"two", b"frames"])
        # Still serving: an honest worker is answered (heartbeats come back).
        peer.send(b'{"v":1,"type":"heartbeat","worker_id":"honest"}')
        assert peer.poll(5000), "the coordinator stopped answering"
        reply = json.loads(peer.recv())
        assert reply["type"] == "heartbeat" and reply["v"] == 1, reply
        assert coordinator.poll() is None, "the coordinator died"
    finally:
        context.destroy(linger=0)
        coordinator.send_signal(signal.SIGTERM)
        _, stderr = coordinator.communicate(timeout=30)
    for reason in ["invalid JSON", "protocol version 2, expected 1", 'unknown type "steal"', "missing",
                   "more than the limit", "2 frames"]:
        assert reason in stderr, f"{reason!r} not logged:\n{stderr[-3000:]}"


def test_curve_lets_in_only_allowed_workers(trackscan_bin, session_tmp, fixture_web, redis_server):
    import zmq
    work = tempfile.mkdtemp(prefix="curve-", dir=session_tmp)
    env = dict(os.environ, TMPDIR=session_tmp)

    def keygen(name):
        path = os.path.join(work, name + ".key")
        out = subprocess.run([trackscan_bin, "keygen", "--out", path], capture_output=True, text=True)
        assert out.returncode == 0 and oct(os.stat(path).st_mode & 0o777) == "0o600", out.stderr
        return path, out.stdout.strip()

    server_key_file, server_public = keygen("coordinator")
    worker_key_file, worker_public = keygen("worker")
    allow = os.path.join(work, "allowed")
    with open(allow, "w") as f:
        f.write(f"# the one worker\n{worker_public}\n")
    endpoint = f"ipc://{work}/coordinator.sock"
    subprocess.run([trackscan_bin, "submit", "-", "--run", "s1", "--redis", redis_server, "--allow-private-targets"],
                   input="http://site-a.test/\nhttp://site-b.test/\n", capture_output=True, text=True, check=True)
    coordinator = subprocess.Popen([trackscan_bin, "coordinator", "--bind", endpoint, "--redis", redis_server,
                                    "--curve-key-file", server_key_file, "--curve-allow", allow],
                                   env=env, stderr=subprocess.PIPE, text=True)
    worker = subprocess.Popen([trackscan_bin, "worker", *WORKER_EGRESS, "--connect", endpoint, "--redis", redis_server,
                               "--id", "w1", "--curve-server-key", server_public, "--curve-key-file",
                               worker_key_file, *FLEET_FLAGS, *chrome_flags(fixture_web.port)],
                              env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    context = zmq.Context()
    try:
        # A client with a key that is not on the list gets no answer.
        stranger = context.socket(zmq.DEALER)
        stranger.setsockopt(zmq.LINGER, 0)
        public, secret = zmq.curve_keypair()
        stranger.curve_serverkey, stranger.curve_publickey, stranger.curve_secretkey = \
            server_public.encode(), public, secret
        stranger.connect(endpoint)
        stranger.send(b'{"v":1,"type":"ready","worker_id":"stranger","capacity":5}')
        assert not stranger.poll(3000), "a worker with an unlisted key was answered"
        status = wait_for_run(trackscan_bin, redis_server, "s1", timeout=120)
        assert "s1: done, 2 URLs: 2 done, 0 failed" in status, status
    finally:
        context.destroy(linger=0)
        stop_all([worker, coordinator])
    stderr = coordinator.stderr.read()
    assert f"refused a connection with key {public.decode()}" in stderr, stderr[-2000:]
    assert "worker w1 joined" in stderr and "stranger" not in stderr.replace("refused", ""), stderr[-2000:]
