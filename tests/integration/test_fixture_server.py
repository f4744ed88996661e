"""Self-test of the fixture web, without trackscan.

Part 1 talks to the server with plain sockets: HTTP and TLS on one port,
keep-alive, 404 logging, WebSocket echo.
Part 2 drives the fixture pages with real headless Chromium (no CDP) and checks
the server log saw the subrequests each page is meant to make, so that when a
trackscan test fails we know the fixture page did its part.
Part 3 checks the ground-truth comparison can fail.
"""

import base64
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

import pytest

import fixture_server
from conftest import ground_truth_problems

CHROMIUM = "/usr/lib/chromium/chromium"


# ---------------------------------------------------------------- part 1: raw sockets

def http_exchange(port, raw_requests, tls=False):
    """Sends each request on ONE connection and returns the raw responses."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        sock = ctx.wrap_socket(sock, server_hostname="www.facebook.com")
    reader = sock.makefile("rb")
    responses = []
    for raw in raw_requests:
        sock.sendall(raw)
        status = reader.readline()
        headers = {}
        while (line := reader.readline().decode().strip()):
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        body = reader.read(int(headers.get("content-length", 0)))
        responses.append((status.decode(), headers, body))
    sock.close()
    return responses


def test_plain_http_keep_alive_and_404_are_logged(fixture_web):
    start = fixture_web.log_length()
    responses = http_exchange(fixture_web.port, [
        b"GET /index.html HTTP/1.1\r\nHost: www.clinic.test\r\n\r\n",
        b"GET /no-such-page?x=1 HTTP/1.1\r\nHost: www.clinic.test:8080\r\n\r\n",
        b"POST /collect HTTP/1.1\r\nHost: tracker.test\r\nContent-Length: 5\r\n\r\nhello",
    ])
    assert [r[0].split()[1] for r in responses] == ["200", "404", "200"]
    log = fixture_web.entries_since(start)
    assert [(e.scheme, e.method, e.url) for e in log] == [
        ("http", "GET", "http://www.clinic.test/index.html"),
        ("http", "GET", "http://www.clinic.test/no-such-page?x=1"),  # port dropped
        ("http", "POST", "http://tracker.test/collect"),
    ]
    assert log[2].body == b"hello"


def test_tls_on_the_same_port(fixture_web):
    start = fixture_web.log_length()
    (status, headers, body), = http_exchange(
        fixture_web.port, [b"GET /tr?id=1&ev=PageView HTTP/1.1\r\nHost: www.facebook.com\r\n\r\n"],
        tls=True)
    assert "200" in status and body == fixture_server.GIF_1X1
    entry, = fixture_web.entries_since(start)
    assert entry.url == "https://www.facebook.com/tr?id=1&ev=PageView"


def test_websocket_greets_and_echoes(fixture_web):
    start = fixture_web.log_length()
    sock = socket.create_connection(("127.0.0.1", fixture_web.port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws?t=1 HTTP/1.1\r\nHost: live.chat3p.test\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    reader = sock.makefile("rb")
    assert b"101" in reader.readline()
    while reader.readline().strip():
        pass
    assert fixture_server.read_frame(reader) == (1, b"hello-from-server")
    mask = b"\x01\x02\x03\x04"
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(b"hi"))
    sock.sendall(bytes([0x81, 0x80 | 2]) + mask + payload)
    assert fixture_server.read_frame(reader) == (1, b"echo:hi")
    sock.close()
    log = fixture_web.entries_since(start)
    assert [(e.kind, e.url) for e in log] == [("ws_handshake", "ws://live.chat3p.test/ws?t=1"),
                                              ("ws_frame", "ws://live.chat3p.test/ws?t=1")]
    assert log[1].body == b"hi"


def test_bad_bytes_go_out_verbatim(fixture_web):
    """The hostile pages' bytes that are not UTF-8 reach the wire as they are."""
    sock = socket.create_connection(("127.0.0.1", fixture_web.port), timeout=5)
    sock.sendall(b"GET /bad-headers HTTP/1.1\r\nHost: hostile.test\r\nConnection: close\r\n\r\n")
    response = b""
    while (chunk := sock.recv(65536)):
        response += chunk
    sock.close()
    bad = fixture_server.BAD_BYTES.encode("latin-1")
    assert b"\r\nX-Hostile: bad " + bad + b"\r\n" in response
    assert b"\r\nSet-Cookie: bad_bytes=" + bad + b"; Path=/\r\n" in response

    key = base64.b64encode(os.urandom(16)).decode()
    sock = socket.create_connection(("127.0.0.1", fixture_web.port), timeout=5)
    sock.sendall((f"GET /ws-bad-frames HTTP/1.1\r\nHost: hostile.test\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    reader = sock.makefile("rb")
    assert b"101" in reader.readline()
    while reader.readline().strip():
        pass
    frames = [fixture_server.read_frame(reader) for _ in fixture_server.WS_FRAMES["/ws-bad-frames"]]
    sock.close()
    assert frames == fixture_server.WS_FRAMES["/ws-bad-frames"]


# ---------------------------------------------------------------- part 2: real Chromium

def browse(server, session_tmp, url, expect, wait_s=15, extra_flags=()):
    """Opens `url` in headless Chromium until `expect` is met (or wait_s passed),
    then kills it and removes its profile. `expect` is a list of URL prefixes that
    must all be logged, or a predicate on the run's log entries.
    Returns the log entries of the run."""
    # A private TMPDIR holding the profile too, so Chromium's own temp files go
    # away with it and are never mistaken for trackscan's leftovers.
    private_tmp = tempfile.mkdtemp(prefix="st-", dir=session_tmp)
    profile = os.path.join(private_tmp, "profile")
    start = server.log_length()
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           "--disable-sync", "--disable-popup-blocking", f"--user-data-dir={profile}",
           f"--host-resolver-rules=MAP * 127.0.0.1:{server.port}",
           "--ignore-certificate-errors", "--disable-features=HttpsUpgrades",
           "--remote-debugging-port=0", *extra_flags, url]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, TMPDIR=private_tmp), start_new_session=True)
    try:
        done = expect if callable(expect) else lambda entries: all_seen(entries, expect)
        deadline = time.time() + wait_s
        while time.time() < deadline and not done(server.entries_since(start)):
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        shutil.rmtree(private_tmp, ignore_errors=True)
    return server.entries_since(start)


def all_seen(entries, expect):
    return all(any(e.url.startswith(prefix) for e in entries) for prefix in expect)


def check_page(server, session_tmp, url, expect, **kwargs):
    entries = browse(server, session_tmp, url, expect, **kwargs)
    missing = [p for p in expect if not any(e.url.startswith(p) for e in entries)]
    assert not missing, f"{url}: never requested {missing}; log: {[e.url for e in entries]}"
    return entries


needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} missing")


@needs_chromium
@pytest.mark.parametrize("page, expect", [
    ("https://www.clinic.test/", ["https://cdn.clinic.test/style.css",
                                  "https://www.facebook.com/tr?id=1234567890&ev=PageView"]),
    ("https://www.clinic.test/iframe.html", ["https://iframe.partner.test/frame.html",
                                             "https://iframe.partner.test/partner.js",
                                             "https://tracker.test/px?src=iframe",
                                             "https://www.facebook.com/tr?id=1234567890&ev=ViewContent"]),
    ("https://sw.clinic.test/", ["https://sw.clinic.test/sw.js",
                                 "https://tracker.test/px?src=sw-install",
                                 "https://tracker.test/px?src=sw-activate",
                                 "https://ads.tracker2.test/collect?src=sw-message"]),
    ("http://www.clinic.test/worker.html", ["http://www.clinic.test/worker.js",
                                            "https://tracker.test/px?src=worker"]),
    ("http://www.clinic.test/shared.html", ["http://www.clinic.test/shared.js",
                                            "https://tracker.test/px?src=shared-worker"]),
    ("http://www.clinic.test/popup.html", ["http://popup.adnet.test/pop.html",
                                           "https://tracker.test/px?src=popup",
                                           "https://ads.tracker2.test/collect?src=popup"]),
    ("http://www.clinic.test/redirect.html", ["http://hop1.test/r1?start=1",
                                              "http://hop2.test/r2?from=hop1",
                                              "http://hop3.test/r3?from=hop2",
                                              "http://tracker.test/chain-end.gif?from=hop3"]),
    ("https://www.clinic.test/cookies.html", ["https://www.clinic.test/cookie-writer.js",
                                              "https://tracker.test/chips.gif"]),
    ("http://www.clinic.test/dialogs.html", []),  # headless without CDP leaves dialogs open
    ("http://www.clinic.test/download.html", ["http://www.clinic.test/download/report.csv"]),
    ("http://www.clinic.test/hang.html", ["https://tracker.test/hold?kind=longpoll"]),
    ("http://www.clinic.test/keepalive.html", ["https://ads.tracker2.test/hold?kind=keepalive"]),
    ("http://www.clinic.test/late.html", ["https://tracker.test/px?src=late"]),
    ("http://www.clinic.test/error500", ["http://www.clinic.test/after-error.gif"]),
    ("http://site-b.test/", ["http://site-b.test/pixel.gif?site=b", "https://tracker.test/px?site=b",
                             "https://ads.tracker2.test/collect?site=b"]),
])
def test_page_makes_its_requests(fixture_web, session_tmp, page, expect):
    check_page(fixture_web, session_tmp, page, [page] + expect)


@needs_chromium
def test_beacon_and_big_post_bodies_arrive_whole(fixture_web, session_tmp):
    entries = check_page(fixture_web, session_tmp, "https://www.clinic.test/beacon.html",
                         ["https://tracker.test/beacon?src=beacon"])
    beacon, = [e for e in entries if "src=beacon" in e.url]
    assert (beacon.method, beacon.body) == ("POST", b"ev=PageView&uid=u-42&dl=clinic")

    entries = check_page(fixture_web, session_tmp, "https://www.clinic.test/bigpost.html",
                         ["https://tracker.test/collect?src=bigpost"])
    post, = [e for e in entries if "src=bigpost" in e.url]
    assert post.method == "POST" and len(post.body) == 150000
    assert post.body.startswith(b"record 0 patient=alice\nrecord 1 ")


@needs_chromium
def test_websocket_page_sends_frames(fixture_web, session_tmp):
    two_frames = lambda entries: sum(e.kind == "ws_frame" for e in entries) >= 2
    entries = browse(fixture_web, session_tmp, "http://www.clinic.test/ws.html", two_frames)
    handshakes = {e.url for e in entries if e.kind == "ws_handshake"}
    assert handshakes == {"ws://www.clinic.test/ws?plain=1", "wss://live.chat3p.test/ws?tls=1"}
    frames = {(e.url, e.body) for e in entries if e.kind == "ws_frame" and e.opcode == 1}
    assert frames == {("ws://www.clinic.test/ws?plain=1", b"hello-from-page"),
                      ("wss://live.chat3p.test/ws?tls=1", b"secret-from-page")}


# ---------------------------------------------------------------- part 3: the comparison can fail

def entry(method, url, kind="http"):
    scheme, rest = url.split("://", 1)
    host, _, target = rest.partition("/")
    return fixture_server.LogEntry(0, 0.0, kind, scheme, host, method, "/" + target, [], b"")


def request_record(method, url, **overrides):
    record = dict(type="request", request_id="1", method=method, url=url, finished=True,
                  failed=False, from_cache=False, from_service_worker=False, response_headers=[],
                  target_type="page")
    record.update(overrides)
    return record


def test_ground_truth_reports_missing_and_invented_requests():
    log = [entry("GET", "https://tracker.test/px?a=1"), entry("GET", "https://tracker.test/px?a=1"),
           entry("GET", "http://update.googleapis.com/x")]  # background traffic: ignored
    records = [request_record("GET", "https://tracker.test:443/px?a=1"),
               request_record("POST", "https://tracker.test/px?a=1"),
               request_record("GET", "https://ads.tracker2.test/never", finished=False)]
    problems = ground_truth_problems(records, log)
    assert len(problems) == 2, problems
    assert problems[0].startswith("missing: server received 2x GET https://tracker.test/px?a=1")
    assert problems[1].startswith("invented:") and "POST https://tracker.test/px?a=1" in problems[1]


def test_ground_truth_accepts_an_exact_match_and_checks_websockets():
    log = [entry("GET", "http://hop1.test/r1"), entry("GET", "wss://live.chat3p.test/ws", "ws_handshake")]
    records = [request_record("GET", "http://hop1.test/r1"),
               dict(type="websocket", url="wss://live.chat3p.test/ws", direction="open")]
    assert ground_truth_problems(records, log) == []
    assert len(ground_truth_problems(records[:1], log)) == 1


def test_ground_truth_reports_records_of_foreign_hosts():
    records = [request_record("POST", "https://accounts.google.com/ListAccounts")]
    problems = ground_truth_problems(records, [])
    assert len(problems) == 1 and problems[0].startswith("foreign:"), problems
