"""Memory safety under concurrency (issue 11 part 4): the AddressSanitizer
build of trackscan (--trackscan-asan; scripts/test.sh builds build-asan and
passes it) scans pages that never stop fetching, starting and terminating
workers and opening and closing popups (pages/hostile.test/churn.html), four
visits at a time. Targets attach and detach while visits finish, their
contexts are disposed and the next visits start on prepared pages: any handler
left holding a freed Visit, Session or Browser shows up as an ASan report.
"""

import os
import time

from conftest import parse_jsonl, run_process, scan_command, schema_problems

URLS = [f"http://hostile.test/churn.html?n={n}" for n in range(12)]
# A visit ends at its deadline (the page is never quiet): three rounds of four.
FLAGS = ("--concurrency", "4", "--timeout", "6", "--min-dwell", "1", "--quiet-period", "1")
# Any report of ASan, LeakSanitizer or UBSan (the Asan build has both).
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "SUMMARY: AddressSanitizer", "SUMMARY: UndefinedBehaviorSanitizer")


def test_churning_pages_at_concurrency_4_under_asan(trackscan_asan_bin, session_tmp, fixture_web,
                                                    validators):
    out = os.path.join(session_tmp, "asan-churn.jsonl")
    cmd = scan_command(trackscan_asan_bin, URLS, out, fixture_web.port, *FLAGS)
    env = dict(os.environ, TMPDIR=session_tmp,
               # Stop at the first report, and check for leaks at exit.
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    started = time.monotonic()
    returncode, _, stderr = run_process(cmd, env, timeout=300)
    print(f"\nASan churn scan: {time.monotonic() - started:.1f} s wall, exit {returncode}")
    reports = [m for m in SANITIZER_MARKERS if m in stderr]
    assert not reports, f"sanitizer report(s) {reports}:\n{stderr[-20000:]}"
    assert returncode == 0, f"exit {returncode}\n{stderr[-5000:]}"

    records = parse_jsonl(open(out).read())
    problems = schema_problems(records, validators)
    assert not problems, "records violate their schemas:\n  " + "\n  ".join(problems[:50])
    visits = {v["input_url"]: v for v in records if v["type"] == "visit"}
    assert sorted(visits) == sorted(URLS), sorted(visits)
    # Never quiet: each visit runs to its deadline, with what it recorded.
    assert all(v["outcome"] == "timeout" for v in visits.values()), \
        {u: (v["outcome"], v.get("error")) for u, v in visits.items()}
    assert all(v["request_count"] > 0 for v in visits.values())
    assert any(r["type"] == "popup" for r in records)
    assert any(r["type"] == "request" and r["target_type"] == "worker" for r in records)
