"""--pages N: after an entry page, trackscan visits up to N of its same-site
links (another host of the same site counts; fragments, files, mail links and
other sites do not), each as a visit of its own with its own cookie snapshot,
linked to the landing page's visit. In the fleet, the URL is done (one
result, naming the landing visit) only once its subpages are stored."""

import os
import subprocess
import tempfile

from conftest import FAST, ground_truth_problems, only, parse_jsonl, schema_problems

HOME = "https://www.clinic.test/pages/home.html"
SUBPAGES = ["https://www.clinic.test/pages/a.html", "https://cdn.clinic.test/pages/b.html"]


def test_pages_visits_the_first_same_site_links(run_scan):
    scan = run_scan([HOME], *FAST, "--pages", "2", "--interact", "none")
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    # Ground truth: the browser fetched both subpages and their pixels, nothing else.
    for url in SUBPAGES:
        assert len(scan.logged(url)) == 1, scan.describe()
    assert not scan.logged("/pages/c.html") and not scan.logged("site-a.test") and \
        not scan.logged("brochure.pdf"), scan.describe()
    assert {e.url.split("page=")[1] for e in scan.logged("tracker.test/pixel.gif")} == {"home", "a", "b"}

    visits = scan.visits()
    landing = only([v for v in visits if v["page"] == 0], "landing visit")
    assert landing["input_url"] == HOME and landing["landing_visit_id"] is None
    subpages = sorted((v for v in visits if v["page"] > 0), key=lambda v: v["page"])
    assert [(v["page"], v["input_url"], v["landing_visit_id"]) for v in subpages] == \
        [(1, SUBPAGES[0], landing["visit_id"]), (2, SUBPAGES[1], landing["visit_id"])]
    assert all(v["outcome"] == "ok" and v["site"] == "clinic.test" for v in subpages)

    # Each visit's records carry its own id; each subpage has its own jar.
    def jar(visit):
        return {c["name"] for c in scan.of_type("cookie") if c["visit_id"] == visit["visit_id"]}
    assert jar(landing) == {"landing"}
    assert [jar(v) for v in subpages] == [{"sub_a"}, {"sub_b"}]
    assert len(scan.of_type("site_summary")) == 3


def test_no_pages_by_default(run_scan):
    scan = run_scan([HOME], *FAST, "--interact", "none")
    assert scan.returncode == 0, scan.describe()
    assert [v["page"] for v in scan.visits()] == [0]
    assert not scan.logged("/pages/a.html"), scan.describe()


def test_crawl_with_pages_stores_subpages_with_their_url(trackscan_bin, session_tmp, fixture_web, validators):
    work = tempfile.mkdtemp(prefix="crawl-pages-", dir=session_tmp)
    url_file, out = os.path.join(work, "urls.txt"), os.path.join(work, "run.jsonl")
    with open(url_file, "w") as f:
        f.write(HOME + "\nhttp://site-a.test/\n")
    cmd = [trackscan_bin, "crawl", url_file, "--run", "pages", "--workers", "1", "--tabs", "2",
           "--state-dir", os.path.join(work, "state"), "--out", out, "--allow-private-targets", "--pages", "2",
           "--interact", "none", *FAST, f"--chrome-flag=--host-resolver-rules=MAP * 127.0.0.1:{fixture_web.port}",
           "--chrome-flag=--ignore-certificate-errors", "--chrome-flag=--disable-features=HttpsUpgrades"]
    before = fixture_web.log_length()
    proc = subprocess.run(cmd, env=dict(os.environ, TMPDIR=session_tmp), capture_output=True, text=True,
                          timeout=600)
    after = fixture_web.log_length()
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "pages: done, 2 URLs: 2 done, 0 failed" in proc.stdout, proc.stdout
    with open(out) as f:
        records = parse_jsonl(f.read())
    assert not schema_problems(records, validators)
    problems = ground_truth_problems(records, fixture_web.entries_since(before, after))
    assert not problems, "\n".join(problems) + "\n" + proc.stderr[-4000:]
    visits = {v["input_url"]: v for v in records if v["type"] == "visit"}
    assert sorted(visits) == sorted([HOME, "http://site-a.test/", *SUBPAGES])
    landing = visits[HOME]
    assert [(visits[u]["page"], visits[u]["landing_visit_id"]) for u in SUBPAGES] == \
        [(1, landing["visit_id"]), (2, landing["visit_id"])]
    assert visits["http://site-a.test/"]["page"] == 0
