"""Request details: redirect chains, beacons, POST bodies (whole and capped),
WebSocket frames, requests that never finish, a late tracker. One scan per case."""

import datetime

from conftest import FAST, only



def visit_seconds(visit):
    parse = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(visit["ended_at"]) - parse(visit["started_at"])).total_seconds()


def test_redirect_chain_across_three_hosts(run_scan):
    scan = run_scan(["http://www.clinic.test/redirect.html"], *FAST)
    scan.assert_matches_server_log()
    urls = ["http://hop1.test/r1?start=1", "http://hop2.test/r2?from=hop1",
            "http://hop3.test/r3?from=hop2", "http://tracker.test/chain-end.gif?from=hop3"]
    hops = [only(scan.requests(url), url) for url in urls]
    assert [h["status"] for h in hops] == [301, 302, 307, 200]
    assert hops[0]["redirect_from"] is None and hops[-1]["redirect_to"] is None
    for earlier, later in zip(hops, hops[1:]):
        assert earlier["redirect_to"] == later["request_id"], (earlier, later)
        assert later["redirect_from"] == earlier["request_id"], (earlier, later)
    assert len({h["request_id"] for h in hops}) == 4
    assert all(h["finished"] and not h["failed"] for h in hops)
    location = [v for k, v in hops[0]["response_headers"] if k.lower() == "location"]
    assert location == ["http://hop2.test/r2?from=hop1"]


def test_send_beacon_post(run_scan):
    scan = run_scan(["https://www.clinic.test/beacon.html"], *FAST)
    scan.assert_matches_server_log()
    beacon = only(scan.requests("https://tracker.test/beacon?src=beacon"), "beacon")
    received = only(scan.logged("https://tracker.test/beacon?src=beacon"), "logged beacon")
    assert (beacon["method"], beacon["resource_type"]) == ("POST", "Ping")
    assert beacon["post_data"].encode() == received.body == b"ev=PageView&uid=u-42&dl=clinic"
    assert beacon["post_data_truncated"] is False
    assert beacon["post_data_size"] == len(received.body)


def test_big_post_body_is_complete_with_the_default_cap(run_scan):
    scan = run_scan(["https://www.clinic.test/bigpost.html"], *FAST)
    scan.assert_matches_server_log()
    post = only(scan.requests("https://tracker.test/collect?src=bigpost"), "big POST")
    received = only(scan.logged("https://tracker.test/collect?src=bigpost"), "logged POST")
    assert len(received.body) == 150000
    assert post["post_data"] is not None and post["post_data"].encode() == received.body
    assert (post["post_data_truncated"], post["post_data_size"]) == (False, 150000)


def test_big_post_body_is_truncated_at_the_cap(run_scan):
    scan = run_scan(["https://www.clinic.test/bigpost.html"], "--post-data-cap", "1000", *FAST)
    scan.assert_matches_server_log()
    post = only(scan.requests("https://tracker.test/collect?src=bigpost"), "big POST")
    received = only(scan.logged("https://tracker.test/collect?src=bigpost"), "logged POST")
    assert post["post_data_truncated"] is True
    assert post["post_data"].encode() == received.body[:1000]
    assert post["post_data_size"] == 150000


def test_websocket_frames_both_ways(run_scan):
    scan = run_scan(["http://www.clinic.test/ws.html"], *FAST)
    scan.assert_matches_server_log()
    ws = scan.of_type("websocket")
    plain, tls = "ws://www.clinic.test/ws?plain=1", "wss://live.chat3p.test/ws?tls=1"
    by = lambda url, direction: [r for r in ws if r["url"] == url and r["direction"] == direction]
    assert len(by(plain, "open")) == 1 and len(by(tls, "open")) == 1
    assert [r["payload"] for r in by(plain, "sent")] == ["hello-from-page"]
    assert [r["payload"] for r in by(tls, "sent")] == ["secret-from-page"]
    assert {r["payload"] for r in by(plain, "received")} == {"hello-from-server", "echo:hello-from-page"}
    assert {r["payload"] for r in by(tls, "received")} == {"hello-from-server", "echo:secret-from-page"}
    assert all(r["opcode"] == 1 for r in ws if r["direction"] in ("sent", "received"))
    assert {r["third_party"] for r in ws if r["url"] == plain} == {False}
    assert {r["third_party"] for r in ws if r["url"] == tls} == {True}
    # Ground truth for frames: every text frame the server got is a `sent` record.
    got = {(e.url, e.body.decode()) for e in scan.logged(kind="ws_frame") if e.opcode == 1}
    sent = {(r["url"], r["payload"]) for r in ws if r["direction"] == "sent"}
    assert got <= sent, f"frames received by the server but not recorded: {got - sent}"


def check_never_finishing(run_scan, page, url):
    scan = run_scan([page], *FAST)
    scan.assert_matches_server_log()
    visit = scan.visit()
    assert visit["outcome"] == "ok", visit
    assert visit_seconds(visit) < 15, f"a request in flight held the visit open: {visit}"
    request = only(scan.requests(url), url)
    assert (request["finished"], request["failed"], request["status"]) == (False, False, None)
    return request


def test_subresource_that_never_finishes(run_scan):
    check_never_finishing(run_scan, "http://www.clinic.test/hang.html",
                          "https://tracker.test/hold?kind=longpoll")


def test_keepalive_fetch_that_never_finishes(run_scan):
    request = check_never_finishing(run_scan, "http://www.clinic.test/keepalive.html",
                                    "https://ads.tracker2.test/hold?kind=keepalive")
    assert request["method"] == "POST" and request["post_data"] == "k=1&uid=u-42"


def test_tracker_fired_three_seconds_after_load(run_scan):
    scan = run_scan(["http://www.clinic.test/late.html"], "--min-dwell", "5", "--quiet-period", "1")
    scan.assert_matches_server_log()
    assert scan.visit()["outcome"] == "ok"
    only(scan.requests("https://tracker.test/px?src=late"), "late tracker")
