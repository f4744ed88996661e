"""Hostile pages (issue 11 part 6): floods of requests, POST data, cookie writes
and WebSocket frames, 1,000 iframes, a popup loop, a 10 MB title, bytes that are
not UTF-8 and lone surrogates, a document.write that never ends, a worker that
spins. Pages: pages/hostile.test/ (server-side parts: fixture_server.BAD_BYTES
and WS_FRAMES).

Each page is scanned once, alone in its own `trackscan scan` (so trackscan's
peak memory is that page's), and each property is its own test, so a failure
says which property of which page broke:
- the scan ends by the visit's deadline (wall time of the process), and the
  visit record's own duration is within its --timeout;
- the outcome is the one PAGES names, for the reason it gives;
- every record is schema-valid (run_hostile_scan checks it, as run_scan does);
- trackscan's peak RSS (VmHWM of the process, polled until it exits) stays
  under the bound;
- what the fixture server received agrees with the records, up to the budgets;
- a flood past the default per-visit budgets names a budget in limits_hit.
"""

import dataclasses
import datetime
import os
import subprocess
import threading
import time
import urllib.parse

import pytest

import fixture_server
from conftest import ground_truth_problems, parse_jsonl, scan_command, schema_problems, ScanResult

# Every scan: a short dwell; the deadline ends the pages that never settle.
TIMEOUT_S = 10
FLAGS = ("--timeout", str(TIMEOUT_S), "--min-dwell", "1", "--quiet-period", "1")
# Wall time of the whole process beyond the visit's --timeout: Chromium's
# start, the end-of-visit reads, closing Chromium. Measured 2-4 s on an idle
# 2-core machine; the rest is for a machine shared with other builds.
PROCESS_SLACK_S = 12
# The visit record's ended_at - started_at beyond --timeout: the end-of-visit
# reads (title, cookie jar) of a visit that hit its deadline.
VISIT_SLACK_S = 3
# trackscan's own peak RSS. The tracker data alone is ~92 MB; issue 11 asks
# <= 160 MB on the flood pages, and no page here needs more.
RSS_BOUND_MB = 160

# The visit's field naming the budgets it hit (the per-visit budgets, issue 11
# part 1): [{"budget": NAME, "limit": N, "dropped": M}, ...].
LIMITS_FIELD = "limits_hit"


def limits_hit(visit):
    """{budget name: entry} of the budgets the visit hit; {} when it hit none.
    Fails when the visit record has no such field (budgets not built in)."""
    assert LIMITS_FIELD in visit, f"the visit record has no {LIMITS_FIELD!r}: {sorted(visit)}"
    return {entry["budget"]: entry for entry in visit[LIMITS_FIELD]}


def dropped(visit, budget):
    """How many things `budget` dropped (0 when not hit, or no budgets at all)."""
    entry = {e["budget"]: e for e in visit.get(LIMITS_FIELD) or []}.get(budget)
    return entry["dropped"] if entry else 0


@dataclasses.dataclass
class Page:
    path: str            # under http://hostile.test/
    outcome: str         # the visit outcome it must end with
    why: str             # ... and why
    budgets: tuple = ()  # a flood: limits_hit names one of these (default budgets)
    timeout: int = TIMEOUT_S
    end_slack: int = VISIT_SLACK_S  # how long the end-of-visit reads may take

    @property
    def url(self):
        return f"http://hostile.test/{self.path}"


PAGES = {
    "request_flood": Page(
        "request-flood.html", "ok",
        "6,000 fetches, 24 at a time; once they are done the page is quiet (a longer deadline: "
        "they take 15 s on a 2-core machine at load 7, over 30 s at load 25; a deadline only "
        "costs time when it is needed)",
        budgets=("requests",), timeout=45),
    "post_flood": Page(
        "post-flood.html", "ok",
        "100 POSTs of 1 MiB, 8 at a time, then quiet (a longer deadline: 100 MiB through CDP)",
        budgets=("post_data_bytes",), timeout=30),
    "cookie_storm": Page(
        "cookie-storm.html", "ok",
        "5,000 script cookie writes in bursts of 500, then quiet",
        budgets=("cookie_writes",)),
    "ws_flood": Page(
        "ws-flood.html", "ok",
        "5,000 frames out and 5,000 echoes back, then quiet (the socket stays open)",
        budgets=("websocket_frames",)),
    "iframes": Page(
        "iframes.html", "timeout",
        "1,000 cross-site iframes: each OOPIF is paused until its set-up (network, instrumentation, "
        "debugger) is answered; Chromium gets through ~10 a second here (~300 in 30 s), so the "
        "page has not loaded by the deadline. The end-of-visit cookie jar read (Storage.getCookies) "
        "then waits behind the browser's queue of set-up commands, 5-8 s here, up to its 10 s "
        "deadline (kTargetCommandTimeout), when it fails and the jar is not recorded", end_slack=11),
    "popup_loop": Page(
        "popup-loop.html", "ok",
        "a new popup every 100 ms, each opened by the last: from the 21st on they run unrecorded "
        "(the popups budget, 20), so the recorded network goes quiet and the visit is done",
        budgets=("popups",)),
    "title_10mb": Page(
        "title-10mb.html", "ok",
        "the title is set once, at parse time; nothing else happens"),
    "bad_bytes": Page(
        "bad-bytes.html", "ok",
        "a handful of requests and a WebSocket that Chromium fails; then quiet"),
    "lone_surrogates": Page(
        "lone-surrogates.html", "ok",
        "a handful of requests, a WebSocket and a dialog (dismissed); then quiet"),
    "document_write": Page(
        "document-write.html", "timeout",
        "the parser never finishes, so the load event never fires"),
    "worker_spin": Page(
        "worker-spin.html", "ok",
        "only the worker's thread spins; the page loads and goes quiet"),
}


# ---------------------------------------------------------------- running one page

@dataclasses.dataclass
class HostileScan:
    result: ScanResult
    wall_s: float
    peak_rss_kb: int      # VmHWM, the last read before the process exited

    def summary(self):
        visit = self.result.visits()[0] if self.result.visits() else {}
        return (f"outcome={visit.get('outcome')} wall={self.wall_s:.1f}s "
                f"peak_rss={self.peak_rss_kb / 1024:.0f}MB records={len(self.result.records)}")


def vm_hwm_kb(pid):
    """VmHWM of a live process, in kB; None once it is gone (or a zombie).

    Not getrusage's ru_maxrss (TRACKSCAN_RUSAGE): Linux carries the high-water
    mark of the mm a process had before exec into it, and subprocess starts
    trackscan with vfork, so that figure is at least this pytest's own RSS."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run_hostile_scan(trackscan_bin, session_tmp, fixture_web, validators, name, page):
    out = os.path.join(session_tmp, f"hostile-{name}.jsonl")
    flags = [*FLAGS]
    flags[flags.index("--timeout") + 1] = str(page.timeout)
    cmd = scan_command(trackscan_bin, [page.url], out, fixture_web.port, *flags)
    env = dict(os.environ, TMPDIR=session_tmp)
    before = fixture_web.log_length()
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    hwm = [0]
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            value = vm_hwm_kb(proc.pid)
            if value is not None:  # VmHWM only grows: the last read is the best
                hwm[0] = max(hwm[0], value)
            stop.wait(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        stdout, stderr = proc.communicate(timeout=page.timeout + 60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        stdout, stderr = proc.communicate()
        pytest.fail(f"{name}: trackscan did not exit within {page.timeout + 60} s\n{stderr[-3000:]}")
    finally:
        stop.set()
        poller.join()
    wall = time.monotonic() - started
    text = open(out).read() if os.path.exists(out) else ""
    result = ScanResult(cmd, proc.returncode, stdout, stderr, parse_jsonl(text),
                        fixture_web.entries_since(before, fixture_web.log_length()))
    scan = HostileScan(result, wall, hwm[0])
    print(f"\n{name}: {scan.summary()}")
    assert proc.returncode == 0, f"{name}: exit {proc.returncode}\n{result.describe()}"
    problems = schema_problems(result.records, validators)
    assert not problems, f"{name}: records violate their schemas:\n  " + "\n  ".join(problems[:50])
    return scan


@pytest.fixture(scope="module")
def hostile_scan(trackscan_bin, session_tmp, fixture_web, validators):
    """hostile_scan(name) -> HostileScan: each page is scanned once per module."""
    done = {}

    def get(name):
        if name not in done:
            done[name] = run_hostile_scan(trackscan_bin, session_tmp, fixture_web, validators,
                                          name, PAGES[name])
        return done[name]
    return get


def visit_of(scan):
    visits = scan.result.visits()
    assert len(visits) == 1, f"expected one visit, got {len(visits)}\n{scan.result.describe()}"
    return visits[0]


def parse_time(rfc3339):
    return datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def visit_seconds(visit):
    return parse_time(visit["ended_at"]) - parse_time(visit["started_at"])


def assert_server_agrees(scan, page, unrecorded=lambda entry: False):
    """ScanResult.assert_matches_server_log, for a visit that may end at its
    deadline with the page still sending: what the server received after the
    deadline (less a second for events still on their way) may be missing, and
    so may what `unrecorded` says a budget let run unrecorded."""
    visit = visit_of(scan)
    entries = [e for e in scan.result.server_log if not unrecorded(e)]
    if visit["outcome"] == "timeout":
        cutoff = parse_time(visit["started_at"]) + page.timeout - 1
        entries = [e for e in entries if e.time <= cutoff]
    problems = [p for p in ground_truth_problems(scan.result.records, entries) if p.startswith("missing")]
    problems += [p for p in ground_truth_problems(scan.result.records, scan.result.server_log)
                 if not p.startswith("missing")]
    assert not problems, "output disagrees with the fixture server's log:\n  " + \
        "\n  ".join(problems[:50]) + "\n" + scan.summary()


# ---------------------------------------------------------------- every page

@pytest.mark.parametrize("name", PAGES)
def test_ends_by_its_deadline(hostile_scan, name):
    scan, page = hostile_scan(name), PAGES[name]
    visit = visit_of(scan)
    assert visit_seconds(visit) <= page.timeout + page.end_slack, (name, scan.summary(), visit)
    assert scan.wall_s <= page.timeout + page.end_slack + PROCESS_SLACK_S, (name, scan.summary())


@pytest.mark.parametrize("name", PAGES)
def test_outcome(hostile_scan, name):
    scan, page = hostile_scan(name), PAGES[name]
    visit = visit_of(scan)
    assert visit["outcome"] == page.outcome, \
        f"{name}: expected {page.outcome} ({page.why}), got {visit['outcome']}: {visit.get('error')}"


@pytest.mark.parametrize("name", PAGES)
def test_memory_stays_bounded(hostile_scan, name):
    scan = hostile_scan(name)
    assert scan.peak_rss_kb <= RSS_BOUND_MB * 1024, f"{name}: {scan.summary()}"


@pytest.mark.parametrize("name", [n for n, p in PAGES.items() if p.budgets])
def test_flood_names_a_budget(hostile_scan, name):
    visit = visit_of(hostile_scan(name))
    hit = limits_hit(visit)
    assert set(hit) & set(PAGES[name].budgets), \
        f"{name}: expected limits_hit to name one of {PAGES[name].budgets}, got {visit[LIMITS_FIELD]}"


# ---------------------------------------------------------------- what each page sent

def test_request_flood_recorded_as_served(hostile_scan):
    """Every request the server got is a record, except what the request budget dropped."""
    scan = hostile_scan("request_flood")
    visit = visit_of(scan)
    served = scan.result.logged("http://tracker.test/flood?")
    assert len(served) == 6000, f"the page did not make its 6,000 fetches: {len(served)}"
    # All of the visit's requests: which of them the budget dropped depends on
    # when the favicon's turn came.
    served = [e for e in scan.result.server_log if e.kind == "http" and e.host in fixture_server.HOSTS]
    recorded = scan.result.requests()
    assert len(recorded) + dropped(visit, "requests") == len(served), \
        (len(recorded), len(served), visit.get(LIMITS_FIELD), scan.summary())
    if not dropped(visit, "requests"):
        scan.result.assert_matches_server_log()
    assert visit["request_count"] == len(scan.result.requests())


def test_post_flood_bodies(hostile_scan):
    scan = hostile_scan("post_flood")
    visit = visit_of(scan)
    served = scan.result.logged("http://tracker.test/post-flood?")
    assert len(served) == 100 and all(len(e.body) == 1 << 20 for e in served)
    recorded = scan.result.requests("http://tracker.test/post-flood?")
    assert len(recorded) + dropped(visit, "requests") == len(served)
    # Bodies over the post_data_bytes budget are not read: size unknown, marked truncated.
    assert all(r["method"] == "POST" and (r["post_data_size"] == 1 << 20 or
                                          (r["post_data_size"] is None and r["post_data_truncated"]))
               for r in recorded)
    kept = sum(len(r["post_data"] or "") for r in recorded)
    if LIMITS_FIELD in visit:  # with budgets: what is kept fits the budget
        limit = limits_hit(visit).get("post_data_bytes", {}).get("limit")
        assert limit is None or kept <= limit, (kept, visit[LIMITS_FIELD])


def test_cookie_storm_writes(hostile_scan):
    scan = hostile_scan("cookie_storm")
    visit = visit_of(scan)
    writes = [w for w in scan.result.of_type("cookie_write") if w["cookie"].startswith("storm")]
    assert len(writes) + dropped(visit, "cookie_writes") == 5000, (len(writes), visit.get(LIMITS_FIELD))
    assert len(scan.result.of_type("cookie")) <= 200  # Chromium's jar keeps ~180 a domain


def test_ws_flood_frames(hostile_scan):
    scan = hostile_scan("ws_flood")
    visit = visit_of(scan)
    served = [e for e in scan.result.logged("ws://hostile.test/ws", kind="ws_frame") if e.opcode == 1]
    assert len(served) == 5000
    frames = [r for r in scan.result.of_type("websocket") if r["direction"] in ("sent", "received")]
    # 5,000 sent, 5,000 echoes and the server's greeting.
    assert len(frames) + dropped(visit, "websocket_frames") >= 10001 - 2, (len(frames), visit.get(LIMITS_FIELD))


def test_iframes_all_recorded(hostile_scan):
    scan = hostile_scan("iframes")
    assert_server_agrees(scan, PAGES["iframes"])
    documents = [r for r in scan.result.requests("http://frames.hostile3p.test/frame.html?")
                 if r["resource_type"] == "Document"]
    assert len(documents) >= 100, scan.summary()  # the page made them all at once


def test_popup_loop_records_popups(hostile_scan):
    scan = hostile_scan("popup_loop")
    visit = visit_of(scan)
    popups = scan.result.of_type("popup")
    budget = limits_hit(visit).get("popups", {}).get("limit")

    def beyond_budget(entry):  # popup n opens popup n + 1; the page itself is n = 0
        n = urllib.parse.parse_qs(urllib.parse.urlsplit(entry.url).query).get("n", ["0"])[0]
        return budget is not None and "/popup-loop.html" in entry.url and int(n) > budget
    assert_server_agrees(scan, PAGES["popup_loop"], unrecorded=beyond_budget)
    # Ten a second for the visit's 10 s, fewer on a busy machine; a budget
    # may stop recording them.
    assert len(popups) >= 10 or dropped(visit, "popups"), scan.summary()


def test_title_10mb_is_read(hostile_scan):
    scan = hostile_scan("title_10mb")
    title = visit_of(scan)["title"]
    # Cut to its first 65,536 UTF-16 units (Visit::ReadTitle).
    assert title == "T" * 65536, (title or "")[:80]


def test_bad_bytes_requests_recorded(hostile_scan):
    scan = hostile_scan("bad_bytes")
    scan.result.assert_matches_server_log()
    assert scan.result.logged("/pixel.gif?after=")  # the redirect was followed
    opens = [r for r in scan.result.of_type("websocket")
             if r["direction"] == "open" and "/ws-bad-frames" in r["url"]]
    assert len(opens) == 1


def test_lone_surrogates_recorded(hostile_scan):
    """The events that carried a lone surrogate are records, not dropped messages."""
    scan = hostile_scan("lone_surrogates")
    scan.result.assert_matches_server_log()
    dialogs = scan.result.of_type("dialog")
    assert len(dialogs) == 1 and dialogs[0]["message"].startswith("dialog a"), dialogs
    writes = [w for w in scan.result.of_type("cookie_write") if w["cookie"].startswith("lone")]
    assert len(writes) == 1, scan.result.of_type("cookie_write")
    # The jar (Storage.getCookies) is one message: a cookie with a lone
    # surrogate must not cost the others their records.
    assert "plain" in {c["name"] for c in scan.result.of_type("cookie")}, scan.result.of_type("cookie")
    title = visit_of(scan)["title"]
    assert title is not None and title.startswith("title a"), title


def test_worker_spin_fetch_recorded(hostile_scan):
    scan = hostile_scan("worker_spin")
    scan.result.assert_matches_server_log()
    fetch = scan.result.requests("http://tracker.test/px?src=spin-worker")
    assert len(fetch) == 1 and fetch[0]["target_type"] == "worker", fetch
