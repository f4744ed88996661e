"""Per-visit budgets (issue 11): a page that floods trackscan (pages/flood.test:
cookie writes, fetches, POSTs of 1 MiB) is recorded up to each budget, the
visit says which budgets it hit and how much it dropped, ends by its
deadline, and what was recorded agrees with what the fixture server got."""

import collections
import datetime

from conftest import FAST, normalize_url

MIB = 1 << 20
DEFAULT_POST_BUDGET = 16 * MIB  # --max-post-data-bytes
DEFAULT_COOKIE_WRITES = 2000    # --max-cookie-writes


def seconds(visit):
    parse = lambda t: datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")  # noqa: E731
    return (parse(visit["ended_at"]) - parse(visit["started_at"])).total_seconds()


def hits(visit):
    return {h["budget"]: h for h in visit["limits_hit"]}


def flood_logged(scan, path):
    return [e for e in scan.server_log if e.kind == "http" and e.host == "flood.test" and e.path == path]


def test_the_flood_page_is_recorded_up_to_its_budgets_by_the_deadline(run_scan):
    timeout = 40
    scan = run_scan(["http://flood.test/"], *FAST, "--timeout", str(timeout), "--interact", "none")
    assert scan.returncode == 0, scan.describe()
    visit = scan.visit()
    assert visit["outcome"] in ("ok", "timeout"), visit
    # The deadline ends the record; the end-of-visit reads (title, cookie jar)
    # may take a few seconds more on a loaded machine.
    assert seconds(visit) <= timeout + 5, visit

    hit = hits(visit)
    assert {"post_data_bytes", "cookie_writes"} <= set(hit), visit["limits_hit"]
    assert "requests" not in hit  # 3,401 requests: under the default 5,000

    # Cookie writes: the first 2,000 are records, the other 3,000 counted.
    writes = scan.of_type("cookie_write")
    assert len(writes) == DEFAULT_COOKIE_WRITES
    assert hit["cookie_writes"] == {"budget": "cookie_writes", "limit": DEFAULT_COOKIE_WRITES, "dropped": 3000}
    # ... and the dropped writes still say who set the jar's cookies.
    flood_cookies = [c for c in scan.of_type("cookie") if c["name"].startswith("flood")]
    assert len(flood_cookies) == 100 and {c["set_by"] for c in flood_cookies} == {"js"}

    # POST bodies: whole while the 16 MiB last (a body asked for holds its
    # share until answered), then not asked for: each of those is cut and
    # counted once.
    posts = [r for r in scan.of_type("request") if r["method"] == "POST" and "/post?" in r["url"]]
    assert len(posts) == 400
    kept = sum(len(r["post_data"] or "") for r in posts)
    assert kept <= DEFAULT_POST_BUDGET
    whole = [r for r in posts if r["post_data"] is not None and len(r["post_data"]) == MIB]
    # (Here Chromium answers the first asks "No post data available": those
    # POSTs wait behind 3,000 fetches; test_post_bodies_... shows the bodies
    # kept when they are not queued.)
    assert len(whole) <= DEFAULT_POST_BUDGET // MIB
    assert all(r["post_data"] is None for r in posts if r not in whole)
    assert hit["post_data_bytes"]["dropped"] == sum(1 for r in posts if r["post_data_truncated"]) >= 400 - 16
    assert all(r["post_data_size"] in (MIB, None) for r in posts)

    # Under the requests budget every request the server got is recorded,
    # and nothing is invented.
    scan.assert_matches_server_log()
    assert visit["request_count"] == len(scan.of_type("request"))


def test_post_bodies_are_kept_whole_until_the_budget_then_counted(run_scan):
    scan = run_scan(["http://flood.test/?posts=40&fetches=0&writes=0"], *FAST, "--interact", "none")
    assert scan.returncode == 0, scan.describe()
    visit = scan.visit()
    posts = [r for r in scan.of_type("request") if r["method"] == "POST"]
    assert len(posts) == 40
    whole = [r for r in posts if r["post_data"] == "a" * MIB]
    assert len(whole) == DEFAULT_POST_BUDGET // MIB
    assert all(r["post_data"] is None and r["post_data_truncated"] for r in posts if r not in whole)
    assert visit["limits_hit"] == [{"budget": "post_data_bytes", "limit": DEFAULT_POST_BUDGET, "dropped": 24}]
    scan.assert_matches_server_log()


def test_requests_over_the_budget_are_counted_not_recorded(run_scan):
    scan = run_scan(["http://flood.test/?posts=0&fetches=1500&writes=10"], *FAST, "--timeout", "30",
                    "--interact", "none", "--max-requests", "500")
    assert scan.returncode == 0, scan.describe()
    visit = scan.visit()
    hit = hits(visit)
    assert list(hit) == ["requests"], visit["limits_hit"]
    requests = scan.of_type("request")
    assert len(requests) == visit["request_count"] == 500
    # The page and 1,500 fetches asked (and Chromium's favicon, after the
    # load); 500 kept, the rest counted.
    assert hit["requests"]["limit"] == 500 and hit["requests"]["dropped"] in (1001, 1002), hit
    assert sum(1 for r in requests if "/fetch?" in r["url"]) == 499

    # What was recorded, the server got (nothing invented), and what the
    # server got is the records plus at most the dropped ones.
    logged = collections.Counter((e.method, e.url) for e in flood_logged(scan, "/fetch"))
    recorded = collections.Counter((r["method"], normalize_url(r["url"])) for r in requests
                                   if "/fetch?" in r["url"])
    assert not recorded - logged, "recorded but never received: " + str(list(recorded - logged)[:5])
    assert sum((logged - recorded).values()) <= hit["requests"]["dropped"]
    assert sum(logged.values()) <= 1500


def test_budgets_are_flags_and_shown_in_help(run_trackscan):
    code, out, _ = run_trackscan("scan", "--help")
    assert code == 0
    for flag in ("--max-requests", "--max-request-header-bytes", "--max-header-bytes", "--max-post-data-bytes",
                 "--max-websocket-frames", "--max-websocket-bytes", "--max-cookie-writes", "--max-targets",
                 "--max-frames", "--max-dialogs", "--max-downloads", "--max-popups"):
        assert flag in out, flag
