"""A browser killed mid-visit: the visit keeps what it recorded, says why it
ended, and is retried in a fresh browser as attempt 2."""
import os
import signal
import subprocess
import time

from conftest import parse_jsonl, schema_problems


def main_chromium_pids(tmpdir):
    """Browser processes (not renderers or zygotes) whose profile is under tmpdir."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(a.startswith(f"--user-data-dir={tmpdir}") for a in args) and \
                not any(a.startswith("--type=") for a in args):
            pids.append(int(pid))
    return pids


def start_scan_once_served(trackscan_bin, session_tmp, fixture_web, urls, out, *flags):
    """Starts `trackscan scan` and returns once the fixture server has served
    the first URL's page (plus half a second): its visit is under way."""
    cmd = [trackscan_bin, "scan", *urls, "--out", out, "--allow-private-targets",
           f"--chrome-flag=--host-resolver-rules=MAP * 127.0.0.1:{fixture_web.port}",
           "--chrome-flag=--ignore-certificate-errors", *flags]
    before = fixture_web.log_length()
    proc = subprocess.Popen(cmd, env=dict(os.environ, TMPDIR=session_tmp),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
            e.url == urls[0] for e in fixture_web.entries_since(before)):
        time.sleep(0.05)
    time.sleep(0.5)
    return proc


def scan_with_browser_signalled(trackscan_bin, session_tmp, fixture_web, validators, name, sig, *flags):
    """Scans late.html and sends `sig` to Chromium's browser process once the
    page is under way; returns (the signalled pids, schema-valid records)."""
    out = os.path.join(session_tmp, f"{name}.jsonl")
    proc = start_scan_once_served(trackscan_bin, session_tmp, fixture_web, ["https://www.clinic.test/late.html"],
                                  out, *flags)
    try:
        victims = main_chromium_pids(session_tmp)
        assert victims, "no Chromium started"
        for pid in victims:
            os.kill(pid, sig)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    with open(out) as f:
        records = parse_jsonl(f.read())
    assert not schema_problems(records, validators)
    visits = sorted((r for r in records if r["type"] == "visit"), key=lambda r: r["attempt"])
    assert [(v["attempt"], v["outcome"]) for v in visits] == [(1, "error"), (2, "ok")], visits
    return victims, records, visits


def test_killed_browser_is_relaunched_and_the_visit_retried(trackscan_bin, session_tmp, fixture_web,
                                                            validators):
    _, records, visits = scan_with_browser_signalled(trackscan_bin, session_tmp, fixture_web, validators,
                                                     "browser-loss", signal.SIGKILL, "--min-dwell", "5",
                                                     "--quiet-period", "1")
    assert visits[0]["error"].startswith("browser_lost")
    assert visits[0]["cookie_jar_error"].startswith("not read: browser_lost"), visits[0]
    assert visits[1]["cookie_jar_error"] is None, visits[1]
    first, second = visits[0]["visit_id"], visits[1]["visit_id"]
    # What the first attempt saw before the crash is kept, under its own id.
    assert any(r["type"] == "request" and r["visit_id"] == first and
               r["url"] == "https://www.clinic.test/late.html" for r in records)
    late = [r for r in records if r["type"] == "request" and r["url"] == "https://tracker.test/px?src=late"]
    assert [r["visit_id"] for r in late] == [second]


def test_hung_browser_is_replaced_and_the_visit_retried(trackscan_bin, session_tmp, fixture_web, validators):
    # SIGSTOP: the browser's connection stays open but nothing answers. The
    # watchdog (Browser.getVersion every 5 s, 15 s deadline) declares it lost.
    victims, _, visits = scan_with_browser_signalled(trackscan_bin, session_tmp, fixture_web, validators, "hung",
                                                     signal.SIGSTOP, "--min-dwell", "22", "--quiet-period", "1",
                                                     "--timeout", "60")
    assert "hung" in visits[0]["error"], visits[0]
    for pid in victims:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z", \
            f"the hung Chromium {pid} is still there"


def test_interrupted_scan_keeps_the_visit_under_way(trackscan_bin, session_tmp, fixture_web, validators):
    out = os.path.join(session_tmp, "interrupted.jsonl")
    proc = start_scan_once_served(trackscan_bin, session_tmp, fixture_web,
                                  ["https://www.clinic.test/late.html", "https://www.clinic.test/index.html"],
                                  out, "--min-dwell", "10", "--concurrency", "1")
    try:
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1 and "stopped" in stderr, stderr
    with open(out) as f:
        records = parse_jsonl(f.read())
    assert not schema_problems(records, validators)
    visit, = [r for r in records if r["type"] == "visit"]
    assert (visit["input_url"], visit["outcome"], visit["attempt"]) == \
        ("https://www.clinic.test/late.html", "error", 1)
    assert visit["error"].startswith("interrupted")
    assert visit["cookie_jar_error"].startswith("not read: interrupted"), visit  # no jar, not an empty one
    assert any(r["type"] == "request" and r["url"] == "https://www.clinic.test/late.html" for r in records)
