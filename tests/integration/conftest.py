"""Shared machinery of the integration tests.

- `fixture_web`: the fixture server (fixture_server.py), one per session.
- `run_scan(urls, *flags)`: runs `trackscan scan` against it and returns a ScanResult:
  the parsed records, the slice of the server log recorded during the run, stdout,
  stderr and the exit code. Every record is validated against schemas/<type>.schema.json.
- ScanResult.assert_matches_server_log(): THE central assertion. What the server
  received is what left the browser; trackscan must report all of it and invent nothing.
- At session end: no Chromium started by the tests may still run, and no
  trackscan-profile-* directory may remain in the TMPDIR the scans were given.

The trackscan binary comes from `--trackscan=PATH` (and its AddressSanitizer
build from `--trackscan-asan=PATH`). Tests that need it are skipped, with the
reason, when the option is missing; they fail when the option names no
executable, or under CI.

Under CI (CI set in the environment, as CI services do) nothing may skip or
xfail: setup.sh installs everything the tests need, so a skip there would hide a
test that silently stopped running. skip_or_fail() gives such a failure its
reason; a hook turns every other skip and xfail into a failure.
"""

import collections
import dataclasses
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse

import jsonschema
import pytest

import fixture_server

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA_DIR = os.path.join(REPO, "schemas")
# Every top-level schemas/<type>.schema.json is a record type (fleet messages
# live in schemas/fleet/).
RECORD_TYPES = sorted(os.path.basename(path)[:-len(".schema.json")]
                      for path in glob.glob(os.path.join(SCHEMA_DIR, "*.schema.json")))

# Short dwell and quiet period for cases that do not test timing.
FAST = ("--min-dwell", "1", "--quiet-period", "1")

# No exemptions: every request the server logs from a fixture host must be in the
# output. (Chromium's /favicon.ico fetch, made for the tab UI, is reported by CDP
# on the page's session like any subresource; Chromium 156 + trackscan show it.)

SCAN_TIMEOUT_S = 120


def pytest_addoption(parser):
    parser.addoption("--trackscan", default=None,
                     help="path to the trackscan binary; tests that run it are skipped without it "
                          "(fail under CI)")
    parser.addoption("--trackscan-asan", default=None,
                     help="path to trackscan built with AddressSanitizer (BUILD_TYPE=Asan, as "
                          "scripts/test.sh builds build-asan/trackscan); tests that need it are "
                          "skipped without it (fail under CI)")


# ---------------------------------------------------------------- no skips in CI

def under_ci():
    """The same test as the unit tests' std::getenv("CI") != nullptr."""
    return "CI" in os.environ


def skip_or_fail(reason):
    """Skips the test on a developer's machine; fails it under CI."""
    if under_ci():
        pytest.fail(f"{reason} (under CI every test must run)", pytrace=False)
    pytest.skip(reason)


def fail_if_skipped_under_ci(report):
    """Turns a skipped or xfail/xpass report into a failure under CI."""
    if not under_ci():
        return
    if hasattr(report, "wasxfail"):
        why = f"xfail ({report.wasxfail or 'no reason given'})"
        del report.wasxfail
    elif report.skipped:
        why = f"skipped ({report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr})"
    else:
        return
    report.outcome = "failed"
    report.longrepr = f"{why}: under CI every test must run"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    fail_if_skipped_under_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    fail_if_skipped_under_ci(outcome.get_result())


# ---------------------------------------------------------------- schemas

def load_validators():
    """type -> Draft 2020-12 validator, for every schema file that exists."""
    validators = {}
    for record_type in RECORD_TYPES:
        path = os.path.join(SCHEMA_DIR, f"{record_type}.schema.json")
        if os.path.exists(path):
            with open(path) as f:
                schema = json.load(f)
            validators[record_type] = jsonschema.Draft202012Validator(schema)
    return validators


def schema_problems(records, validators):
    """One message per record that has no schema or does not validate."""
    problems = []
    for i, record in enumerate(records):
        validator = validators.get(record.get("type"))
        if validator is None:
            problems.append(f"record {i}: no schema for type {record.get('type')!r}: {record}")
            continue
        for error in validator.iter_errors(record):
            problems.append(f"record {i} ({record['type']}): {error.json_path}: {error.message}")
    return problems


# ---------------------------------------------------------------- ground truth

def normalize_url(url):
    """scheme://host/path?query, lower-case scheme and host, no port, no fragment.
    Every host is mapped to the fixture port, so the port means nothing."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    return f"{parts.scheme.lower()}://{host}{path}" + (f"?{parts.query}" if parts.query else "")


def host_of(url):
    return (urllib.parse.urlsplit(url).hostname or "").lower()


def is_internal_redirect(record):
    """A redirect Chromium made up itself (HSTS upgrade): it never reached a server."""
    return any(name.lower() == "non-authoritative-reason"
               for name, _ in record.get("response_headers") or [])


def ground_truth_problems(records, entries, fixture_hosts=frozenset(fixture_server.HOSTS)):
    """Compares a run's records with what the server logged during the run.

    Both directions, only for fixture hosts (Chromium's own background traffic,
    e.g. update.googleapis.com, is mapped to the server too but belongs to no page):
    1. every HTTP request logged (method + URL) is a `request` record, counted as a
       multiset; every WebSocket handshake is a `websocket` record with direction open;
    2. every finished, non-failed request record that really went to the network
       (not from cache, not answered by a service worker, not an internal redirect)
       and every websocket open was logged by the server;
    3. no request record that went to the network names a host outside the
       fixture web (fixture pages only use fixture hosts, so such a record is
       browser background traffic in the data).
    Returns a list of human-readable problems; empty means they agree.
    """
    logged = [e for e in entries if e.host in fixture_hosts]
    logged_http = collections.Counter((e.method, e.url) for e in logged
                                      if e.kind == "http")
    logged_http_all = {(e.method, e.url) for e in logged if e.kind == "http"}
    logged_ws = collections.Counter(e.url for e in logged if e.kind == "ws_handshake")

    requests = [r for r in records if r.get("type") == "request"]
    recorded_http = collections.Counter((r["method"], normalize_url(r["url"])) for r in requests)
    recorded_ws = collections.Counter(normalize_url(r["url"]) for r in records
                                      if r.get("type") == "websocket" and r["direction"] == "open")
    problems = []
    for key, count in sorted(logged_http.items()):
        if recorded_http[key] < count:
            problems.append(f"missing: server received {count}x {key[0]} {key[1]}, "
                            f"output has {recorded_http[key]}")
    for url, count in sorted(logged_ws.items()):
        if recorded_ws[url] < count:
            problems.append(f"missing: server received {count} WebSocket handshake(s) for {url}, "
                            f"output has {recorded_ws[url]} websocket open record(s)")
    for r in requests:
        key = (r["method"], normalize_url(r["url"]))
        went_to_network = (r["finished"] and not r["failed"] and not r["from_cache"]
                           and not r["from_service_worker"] and not is_internal_redirect(r))
        if not went_to_network:
            continue  # e.g. the failed entry request of http://nx.invalid/
        if host_of(r["url"]) in fixture_hosts and key not in logged_http_all:
            problems.append(f"invented: request record {r['request_id']} {key[0]} {key[1]} "
                            "was never received by the server")
        if host_of(r["url"]) not in fixture_hosts:
            problems.append(f"foreign: request record {r['method']} {r['url']}: no fixture page "
                            "asks for that host (browser background traffic attributed to a visit?)")
    for url in recorded_ws:
        if host_of(url) in fixture_hosts and url not in logged_ws:
            problems.append(f"invented: websocket open {url} was never received by the server")
    return problems


# ---------------------------------------------------------------- scan results

@dataclasses.dataclass
class ScanResult:
    cmd: list
    returncode: int
    stdout: str
    stderr: str
    records: list
    server_log: list   # fixture_server.LogEntry received during this run

    def of_type(self, record_type):
        return [r for r in self.records if r["type"] == record_type]

    def visits(self):
        return self.of_type("visit")

    def visit(self):
        """The only visit of a one-URL scan."""
        visits = self.visits()
        assert len(visits) == 1, f"expected one visit record, got {len(visits)}\n{self.describe()}"
        return visits[0]

    def requests(self, url_part=""):
        return [r for r in self.of_type("request") if url_part in r["url"]]

    def logged(self, url_part="", kind="http"):
        return [e for e in self.server_log if e.kind == kind and url_part in e.url]

    def assert_matches_server_log(self):
        problems = ground_truth_problems(self.records, self.server_log)
        assert not problems, "output disagrees with the fixture server's log:\n  " + \
            "\n  ".join(problems) + "\n" + self.describe()

    def describe(self):
        """What a failing assertion shows: the command, stderr and both sides."""
        reqs = "\n".join(f"    {r['method']} {r['url']} target={r['target_type']} "
                         f"finished={r['finished']} failed={r['failed']}"
                         for r in self.of_type("request"))
        logged = "\n".join(f"    {e.seq} {e.kind} {e.method} {e.url}" for e in self.server_log)
        return (f"command: {' '.join(self.cmd)}\nexit {self.returncode}\n"
                f"stderr (tail):\n{self.stderr[-3000:]}\n"
                f"request records:\n{reqs}\nserver log:\n{logged}")


def only(records, what):
    """The single record of a list, or a failure that shows what was there."""
    assert len(records) == 1, f"expected one {what}, got {len(records)}: {records}"
    return records[0]


def parse_jsonl(text):
    records = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as e:
            pytest.fail(f"output line {n} is not JSON ({e}): {line[:200]}")
    return records


def scan_command(trackscan_bin, urls, out, port, *extra_flags, resolver_rules=None):
    """`trackscan scan` as every test runs it: each host resolves to the fixture
    web on `port` (unless `resolver_rules` says otherwise), whose self-signed
    certificate Chromium accepts, and http:// stays http://. Also used by
    tests/tools/compare_scan_records.py."""
    rules = resolver_rules or f"MAP * 127.0.0.1:{port}"
    return [trackscan_bin, "scan", *urls, "--out", out, "--allow-private-targets",
            f"--chrome-flag=--host-resolver-rules={rules}",
            "--chrome-flag=--ignore-certificate-errors",
            "--chrome-flag=--disable-features=HttpsUpgrades", *extra_flags]


def run_process(cmd, env, timeout):
    """Runs cmd in its own process group; on timeout kills the whole group."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"{' '.join(cmd)} did not finish within {timeout} s\nstderr:\n{stderr[-3000:]}")
    return proc.returncode, stdout, stderr


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def session_tmp():
    """TMPDIR of every trackscan and Chromium the tests start, so leftovers are ours.

    Short on purpose: Chromium puts its SingletonSocket under $TMPDIR and aborts
    ("Socket path too long") when the path passes the 108-byte sun_path limit,
    which pytest's own tmp_path directories can reach. Removed at the end when
    the leftover check passed and TRACKSCAN_KEEP_TMP is unset (scan outputs are
    kept otherwise, for debugging)."""
    path = tempfile.mkdtemp(prefix="tsit-", dir="/tmp")
    yield path
    if not os.environ.get("TRACKSCAN_KEEP_TMP") and not leftovers_in(path):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def fixture_web(tmp_path_factory):
    server = fixture_server.FixtureServer(str(tmp_path_factory.mktemp("fixture-cert"))).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def trackscan_bin(request):
    path = request.config.getoption("--trackscan")
    if not path:
        skip_or_fail("needs the trackscan binary: pass --trackscan=/path/to/trackscan")
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.fail(f"--trackscan={path} is not an executable file (not built yet?)", pytrace=False)
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def trackscan_asan_bin(request):
    """The ASan build of trackscan, from --trackscan-asan; never built here."""
    path = request.config.getoption("--trackscan-asan")
    if not path:
        skip_or_fail("needs the AddressSanitizer build of trackscan: pass "
                     "--trackscan-asan=/path/to/build-asan/trackscan (scripts/test.sh does)")
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.fail(f"--trackscan-asan={path} is not an executable file (not built yet?)", pytrace=False)
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def validators():
    return load_validators()


@pytest.fixture(scope="session")
def run_trackscan(trackscan_bin, session_tmp):
    """Runs `trackscan ARGS...` as is (for CLI tests): returns (exit code, stdout, stderr)."""
    def run(*args, timeout=60):
        env = dict(os.environ, TMPDIR=session_tmp)
        return run_process([trackscan_bin, *args], env, timeout)
    return run


@pytest.fixture(scope="session")
def run_scan(trackscan_bin, session_tmp, fixture_web, validators):
    """run_scan(urls, *extra_flags, resolver_rules=None, timeout=120) -> ScanResult.

    Fails the test when any record has no schema or does not validate."""
    counter = iter(range(1_000_000))

    def run(urls, *extra_flags, resolver_rules=None, timeout=SCAN_TIMEOUT_S):
        out = os.path.join(session_tmp, f"scan-{next(counter)}.jsonl")
        cmd = scan_command(trackscan_bin, urls, out, fixture_web.port, *extra_flags,
                           resolver_rules=resolver_rules)
        before = fixture_web.log_length()
        returncode, stdout, stderr = run_process(cmd, dict(os.environ, TMPDIR=session_tmp), timeout)
        after = fixture_web.log_length()
        text = ""
        if os.path.exists(out):
            with open(out) as f:
                text = f.read()
        result = ScanResult(cmd, returncode, stdout, stderr, parse_jsonl(text),
                            fixture_web.entries_since(before, after))
        problems = schema_problems(result.records, validators)
        assert not problems, "records violate their schemas:\n  " + "\n  ".join(problems[:50])
        return result
    return run


# ---------------------------------------------------------------- leftovers

def processes_mentioning(text):
    """(pid, cmdline) of every process whose command line or environment contains
    `text`. The environment catches Chromium's helpers (zygote, renderers), which
    inherit TMPDIR but do not carry --user-data-dir."""
    found = []
    for proc_dir in glob.glob("/proc/[0-9]*"):
        try:
            with open(f"{proc_dir}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ")
            with open(f"{proc_dir}/environ", "rb") as f:
                environ = f.read()
        except OSError:
            continue  # exited while we looked, or not ours to read
        if text.encode() in cmdline or text.encode() in environ:
            found.append((int(proc_dir.split("/")[2]), cmdline[:200].decode(errors="replace")))
    return found


def leftovers_in(tmpdir):
    """trackscan's profiles, and Chromium's own scoped temp dirs (left when it is
    killed before it can clean up): temp dirs the suite must not leave behind."""
    return sorted(glob.glob(os.path.join(tmpdir, "trackscan-profile-*"))
                  + glob.glob(os.path.join(tmpdir, ".org.chromium.Chromium.*"))
                  + glob.glob(os.path.join(tmpdir, "org.chromium.Chromium.*")))


@pytest.fixture(scope="session", autouse=True)
def no_leftovers(session_tmp):
    """After all tests: no process and no trackscan profile left in our TMPDIR."""
    yield
    deadline = time.time() + 5  # processes killed at the very end may still be exiting
    while processes_mentioning(session_tmp) and time.time() < deadline:
        time.sleep(0.2)
    procs = processes_mentioning(session_tmp)
    leftovers = leftovers_in(session_tmp)
    for pid, _ in procs:  # do not let one failed run poison the machine
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not procs, f"processes left running by the tests: {procs}"
    assert not leftovers, f"temp directories left behind in TMPDIR: {leftovers}"
