"""--pages N: after an entry page, trackscan visits up to N of its same-site
links (another host of the same site counts; fragments, files, mail links and
other sites do not), each as a visit of its own with its own cookie snapshot,
linked to the landing page's visit."""

from conftest import FAST, only

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
