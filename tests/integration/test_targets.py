"""Requests from every kind of target: cross-site iframe (OOPIF), service worker,
dedicated worker, shared worker, popup. One scan per case."""

from conftest import FAST, only



def test_cross_site_iframe_tracker_and_third_party_cookie(run_scan):
    scan = run_scan(["https://www.clinic.test/iframe.html"], *FAST)
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    visit = scan.visit()
    assert (visit["outcome"], visit["site"], visit["status"]) == ("ok", "clinic.test", 200)

    tracker = only(scan.requests("https://tracker.test/px?src=iframe"), "iframe tracker request")
    assert tracker["target_type"] == "iframe" and tracker["third_party"] is True
    assert tracker["frame_url"] == "https://iframe.partner.test/frame.html"
    assert "https://iframe.partner.test/partner.js" in (
        [tracker["initiator_url"]] + tracker["initiator_stack_urls"])
    pixel = only(scan.requests("https://www.facebook.com/tr?"), "Meta pixel over TLS")
    assert pixel["target_type"] == "iframe" and pixel["status"] == 200

    cookie = only([c for c in scan.of_type("cookie") if c["name"] == "partner_uid"], "partner_uid")
    assert (cookie["third_party"], cookie["set_by"], cookie["blocked"]) == (True, "http", False)
    assert cookie["value"] == "p-123" and cookie["same_site"] == "None" and cookie["secure"]
    assert cookie["setter_url"] == "https://iframe.partner.test/frame.html"

    write = only([w for w in scan.of_type("cookie_write") if w["cookie"].startswith("partner_js=")],
                 "partner_js write")
    assert write["script_url"] == "https://iframe.partner.test/partner.js"
    assert write["third_party"] is True


def test_service_worker_fetches(run_scan):
    # The SW installs, activates and answers a message after load: give it 2 s.
    scan = run_scan(["https://sw.clinic.test/"], "--min-dwell", "2", "--quiet-period", "1")
    scan.assert_matches_server_log()
    assert scan.visit()["outcome"] == "ok"
    for url in ["https://tracker.test/px?src=sw-install", "https://tracker.test/px?src=sw-activate",
                "https://ads.tracker2.test/collect?src=sw-message"]:
        request = only(scan.requests(url), url)
        assert request["target_type"] == "service_worker", request
        assert request["target_url"] == "https://sw.clinic.test/sw.js"
        assert request["frame_id"] is None


def test_dedicated_worker_fetch(run_scan):
    scan = run_scan(["http://www.clinic.test/worker.html"], *FAST)
    scan.assert_matches_server_log()
    request = only(scan.requests("https://tracker.test/px?src=worker"), "worker fetch")
    assert request["target_type"] == "worker"
    assert request["target_url"] == "http://www.clinic.test/worker.js"
    assert request["resource_type"] == "Fetch" and request["third_party"] is True


def test_shared_worker_fetch(run_scan):
    scan = run_scan(["http://www.clinic.test/shared.html"], *FAST)
    scan.assert_matches_server_log()
    request = only(scan.requests("https://tracker.test/px?src=shared-worker"), "shared worker fetch")
    assert request["target_type"] == "shared_worker"
    assert request["target_url"] == "http://www.clinic.test/shared.js"


def test_popup_and_its_requests(run_scan):
    scan = run_scan(["http://www.clinic.test/popup.html"], *FAST)
    scan.assert_matches_server_log()
    visit = scan.visit()
    assert visit["final_url"] == "http://www.clinic.test/popup.html", "popup taken for the main frame"
    popup = only(scan.of_type("popup"), "popup record")
    assert popup["url"] == "http://popup.adnet.test/pop.html"
    assert popup["opener_url"] == "http://www.clinic.test/popup.html"
    for url in ["http://popup.adnet.test/pop.html", "https://tracker.test/px?src=popup",
                "https://ads.tracker2.test/collect?src=popup"]:
        request = only(scan.requests(url), url)
        assert request["target_type"] == "popup", request
        assert request["visit_id"] == visit["visit_id"]


def test_sequential_visits_on_prepared_pages_miss_nothing(run_scan):
    # With --concurrency 1, every visit after the first runs on a page that
    # was opened and set up while the previous visit ran (Browser::KeepPrepared).
    # Each must still see its targets from their first request, and carry its
    # own visit_id only.
    urls = ["https://www.clinic.test/iframe.html", "http://www.clinic.test/worker.html",
            "http://www.clinic.test/shared.html", "http://www.clinic.test/popup.html"]
    scan = run_scan(urls, "--concurrency", "1", *FAST)
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    visits = {v["input_url"]: v for v in scan.visits()}
    assert set(visits) == set(urls) and all(v["outcome"] == "ok" for v in visits.values()), visits
    expected = {urls[0]: "iframe", urls[1]: "worker", urls[2]: "shared_worker", urls[3]: "popup"}
    for url, target_type in expected.items():
        mine = [r for r in scan.of_type("request") if r["visit_id"] == visits[url]["visit_id"]]
        assert any(r["url"] == url and r["target_type"] == "page" and r["resource_type"] == "Document"
                   for r in mine), (url, [r["url"] for r in mine])
        assert any(r["target_type"] == target_type for r in mine), (url, [r["url"] for r in mine])
        assert len(mine) == visits[url]["request_count"]
