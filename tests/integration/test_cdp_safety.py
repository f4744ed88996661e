"""Nothing lost silently (issue 11): strings a strict JSON parser rejects, DevTools
messages over --cdp-message-cap, output files that are complete or absent, and
Chromium's sandbox turned off only out loud."""

import glob
import os
import shutil
import signal
import subprocess
import time

from conftest import FAST, only, processes_mentioning, run_process, scan_command

REPLACEMENT = "\ufffd"


def test_requests_with_a_lone_surrogate_are_recorded(run_scan):
    # Chromium reports the page's lone surrogate (in a URL, a sourceURL, the
    # title) as "\ud800"; the events still decode, with U+FFFD in its place.
    scan = run_scan(["http://www.clinic.test/surrogate.html"], *FAST)
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    visit = scan.visit()
    assert visit["outcome"] == "ok", visit
    assert visit["decode_errors"] == 0, scan.describe()
    assert only(scan.logged("src=lone-url"), "logged lone-url request")
    lone_url = only(scan.requests("src=lone-url"), "lone-url request")
    assert lone_url["status"] == 200, lone_url  # Chromium percent-encodes it: %EF%BF%BD
    lone_source = only(scan.requests("src=lone-source"), "lone-source request")
    assert f"https://cdn.clinic.test/lone{REPLACEMENT}.js" in lone_source["initiator_stack_urls"], lone_source
    assert visit["title"] == f"Lone {REPLACEMENT} title", visit


def test_a_message_over_the_cap_is_counted_on_its_visit(run_scan):
    # The page's 2 MB WebSocket frame comes over CDP as one message above the
    # 1 MiB cap: dropped, counted on the visit; the rest is recorded.
    scan = run_scan(["http://www.clinic.test/bigframe.html"], *FAST, "--cdp-message-cap", "1048576")
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    visit = scan.visit()
    assert visit["outcome"] == "ok", visit
    assert visit["decode_errors"] >= 1, scan.describe()
    assert "over the CDP message cap" in scan.stderr, scan.stderr[-2000:]
    only(scan.requests("src=before-big-frame"), "request before the frame")
    only(scan.requests("src=after-big-frame"), "request after the frame")


def test_an_ordinary_visit_has_no_decode_errors_and_a_read_jar(run_scan):
    scan = run_scan(["http://www.clinic.test/cookies.html"], *FAST)
    assert scan.returncode == 0, scan.describe()
    visit = scan.visit()
    assert (visit["decode_errors"], visit["cookie_jar_error"]) == (0, None), visit
    assert visit["cookie_count"] > 0, visit


def test_no_sandbox_is_logged_once(run_scan):
    # As root trackscan adds --no-sandbox itself; otherwise the test asks for it.
    flags = [] if os.geteuid() == 0 else ["--chrome-flag=--no-sandbox"]
    scan = run_scan(["http://site-a.test/", "http://site-b.test/"], *FAST, *flags)
    assert scan.returncode == 0, scan.describe()
    assert scan.stderr.count("WITHOUT its sandbox") == 1, scan.stderr[-2000:]


def test_scan_out_is_renamed_into_place_and_a_failed_write_leaves_the_old_file(
        trackscan_bin, fixture_web, session_tmp):
    out_dir = os.path.join(session_tmp, "atomic-out")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "records.jsonl")
    env = dict(os.environ, TMPDIR=session_tmp)
    cmd = scan_command(trackscan_bin, ["http://site-a.test/"], out, fixture_web.port, *FAST)
    returncode, _, stderr = run_process(cmd, env, 120)
    assert returncode == 0, stderr[-2000:]
    with open(out) as f:
        assert '"type":"visit"' in f.read()
    assert glob.glob(out + ".tmp-*") == [], "the temporary file was left behind"

    # A scan killed outright leaves the previous file as it was (the old code
    # truncated --out at the start and wrote into it).
    with open(out, "w") as f:
        f.write("previous records\n")
    cmd = scan_command(trackscan_bin, ["http://www.clinic.test/hang.html"], out, fixture_web.port,
                       "--min-dwell", "30", "--timeout", "60")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.time() + 60
        while not glob.glob(out + ".tmp-*") and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(3)  # the visit is under way
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with open(out) as f:
        assert f.read() == "previous records\n"
    # What a kill -9 leaves, by design: the temporary, and the Chromium profile
    # that the next trackscan would remove (ChromeProcess::RemoveStaleProfiles).
    for leftover in glob.glob(out + ".tmp-*"):
        os.remove(leftover)
    for profile in glob.glob(os.path.join(session_tmp, "trackscan-profile-*")):
        with open(os.path.join(profile, "trackscan.pid")) as f:
            if int(f.read().strip() or 0) != proc.pid:
                continue
        deadline = time.time() + 15  # Chromium dies with trackscan (PDEATHSIG), its helpers a moment later
        while processes_mentioning(profile) and time.time() < deadline:
            time.sleep(0.2)
        shutil.rmtree(profile, ignore_errors=True)

    # --out in a directory that does not exist: exit 1 before any browser starts.
    missing = os.path.join(out_dir, "no-such-dir", "records.jsonl")
    cmd = scan_command(trackscan_bin, ["http://site-a.test/"], missing, fixture_web.port, *FAST)
    returncode, _, stderr = run_process(cmd, env, 120)
    assert returncode == 1 and "cannot write" in stderr, stderr[-2000:]
