"""Visit-level behaviour: dialogs, downloads, entry errors (HTTP 500, unknown host),
several sites at once without cross-talk."""

import datetime

from conftest import FAST, only



def test_dialogs_are_dismissed_and_the_page_goes_on(run_scan):
    scan = run_scan(["http://www.clinic.test/dialogs.html"], *FAST)
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    assert scan.visit()["outcome"] == "ok"
    dialogs = {(d["dialog_type"], d["message"]) for d in scan.of_type("dialog")}
    assert {("alert", "Welcome to the clinic"), ("confirm", "Accept cookies?")} <= dialogs
    assert {d["action"] for d in scan.of_type("dialog")} == {"dismissed"}
    # Runs only after both dialogs were answered; a dismissed confirm returns false.
    only(scan.requests("https://tracker.test/px?src=after-dialogs&confirm=false"), "after-dialogs")


def test_download_is_denied_and_recorded(run_scan):
    scan = run_scan(["http://www.clinic.test/download.html"], *FAST)
    scan.assert_matches_server_log()
    assert scan.visit()["outcome"] == "ok"
    download = only(scan.of_type("download"), "download")
    assert download["url"] == "http://www.clinic.test/download/report.csv"
    assert (download["suggested_filename"], download["action"]) == ("report.csv", "denied")


def test_http_500_entry_page_is_an_error_outcome(run_scan):
    scan = run_scan(["http://www.clinic.test/error500"], *FAST)
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    visit = scan.visit()
    assert (visit["outcome"], visit["error"], visit["status"]) == ("error", "HTTP 500", 500)


def test_unresolvable_entry_host_is_an_error_outcome(run_scan, fixture_web):
    rules = f"MAP * 127.0.0.1:{fixture_web.port}, EXCLUDE nx.invalid"
    scan = run_scan(["http://nx.invalid/"], *FAST, resolver_rules=rules)
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    visit = scan.visit()
    assert visit["outcome"] == "error" and "ERR_NAME_NOT_RESOLVED" in (visit["error"] or ""), visit
    assert visit["status"] is None


def test_three_sites_at_once_without_cross_talk(run_scan):
    sites = {"a": "http://site-a.test/", "b": "http://site-b.test/", "c": "http://site-c.test/"}
    scan = run_scan(list(sites.values()), "--concurrency", "3", *FAST)
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    visits = {v["input_url"]: v for v in scan.visits()}
    assert set(visits) == set(sites.values()), visits
    assert len({v["visit_id"] for v in visits.values()}) == 3
    letter_of = {visits[url]["visit_id"]: letter for letter, url in sites.items()}
    for r in scan.of_type("request"):
        letter = letter_of.get(r["visit_id"])
        assert letter, f"request with an unknown visit_id: {r}"
        assert f"site-{letter}.test" in r["url"] or f"site={letter}" in r["url"], \
            f"request of another site under site {letter}'s visit: {r['url']}"
    for letter, url in sites.items():
        visit = visits[url]
        assert visit["outcome"] == "ok", visit
        mine = [r for r in scan.of_type("request") if r["visit_id"] == visit["visit_id"]]
        assert len(mine) == visit["request_count"] >= 4, mine  # document + 3 subresources
    parse = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    latest_start = max(parse(v["started_at"]) for v in visits.values())
    earliest_end = min(parse(v["ended_at"]) for v in visits.values())
    assert latest_start < earliest_end, "with --concurrency 3 the three visits should overlap"
