"""The private-network guard (issue 11): no connection from the scanning
browser reaches a non-public address the user did not open, whatever the URL's
spelling and whatever the name resolves to, for every kind of request.

A canary listener on 127.0.0.2 counts every TCP connection it accepts: it is
the ground truth, and it must stay at zero. The fixture web on 127.0.0.1 is
opened with --allow-network 127.0.0.1/32, so the allowed page and its allowed
pixel load (the fixture server's own log shows them), while everything aimed
at 127.0.0.2 is refused at the connection and recorded with the reason.
"""

import os
import socket
import threading

import pytest

from conftest import FAST, parse_jsonl, run_process, schema_problems


class Canary:
    """Accepts and counts connections on ADDRESS:random port; answers nothing."""

    def __init__(self, address):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((address, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, peer = self.sock.accept()
            except OSError:
                return
            self.accepted.append(peer)
            conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture
def canary():
    c = Canary("127.0.0.2")
    yield c
    c.close()


def guarded_scan(trackscan_bin, session_tmp, urls, rules, *flags, name="guard"):
    """`trackscan scan` with the guard on (no --allow-private-targets)."""
    out = os.path.join(session_tmp, f"{name}.jsonl")
    if os.path.exists(out):
        os.unlink(out)
    cmd = [trackscan_bin, "scan", *urls, "--out", out, *FAST, "--timeout", "20", "--no-tracker-data",
           "--interact", "none", f"--chrome-flag=--host-resolver-rules={rules}",
           "--chrome-flag=--ignore-certificate-errors", "--chrome-flag=--disable-features=HttpsUpgrades", *flags]
    code, stdout, stderr = run_process(cmd, dict(os.environ, TMPDIR=session_tmp), 120)
    records = []
    if os.path.exists(out):
        with open(out) as f:
            records = parse_jsonl(f.read())
    return code, stderr, records


def test_every_request_kind_to_a_private_address_is_refused(trackscan_bin, session_tmp, fixture_web, canary,
                                                              validators):
    rules = f"MAP internal.example 127.0.0.2:{canary.port}, MAP *.test 127.0.0.1:{fixture_web.port}"
    before = fixture_web.log_length()
    code, stderr, records = guarded_scan(trackscan_bin, session_tmp, [f"http://guard.test/?p={canary.port}"], rules,
                                         "--allow-network", "127.0.0.1/32")
    served = fixture_web.entries_since(before)
    assert code == 0, stderr[-2000:]
    assert not schema_problems(records, validators)
    assert canary.accepted == [], f"the guard let connections through: {canary.accepted}"

    # The allowed network works: the page and its pixel reached the fixture server.
    served_paths = {(e.host, e.path) for e in served}
    assert ("guard.test", "/") in served_paths
    assert ("tracker.test", "/allowed.gif") in served_paths
    assert ("guard.test", "/redirect-to") in served_paths

    visit = next(r for r in records if r["type"] == "visit")
    assert visit["outcome"] == "ok" and visit["private_network_guard"] is True
    blocked = {r["url"].split("/")[-1]: r for r in records if r["type"] == "request" and r["blocked_by_guard"]}
    for path in ["literal", "trailing-dot", "full-width", "backslash-at", "hex", "public-name", "redirected",
                 "mapped-v6", "popup"]:
        assert path in blocked, f"no blocked request record for /{path}: {sorted(blocked)}"
        reason = blocked[path]["blocked_by_guard"]
        assert "127.0.0.2 (" in reason and "loopback 127.0.0.0/8)" in reason, blocked[path]
        assert blocked[path]["error_text"] == "net::ERR_SOCKS_CONNECTION_FAILED"
    assert blocked["mapped-v6"]["target_type"] == "worker"
    assert blocked["popup"]["target_type"] == "popup"
    assert visit["requests_blocked_by_guard"] == sum(
        1 for r in records if r["type"] == "request" and r["blocked_by_guard"])
    # The allowed ones carry no reason.
    pixel = next(r for r in records if r["type"] == "request" and r["url"].endswith("/allowed.gif"))
    assert pixel["blocked_by_guard"] is None and pixel["status"] == 200


@pytest.mark.parametrize("url", [
    "http://127.0.0.1.:{port}/",            # trailing dot
    "http://localhost.:{port}/",
    "http://１２７.０.０.１:{port}/",          # full-width digits
    "http://127.0.0.1:{port}\\@example.com/",  # curl reads example.com, Chromium 127.0.0.1
    "http://0x7f.1:{port}/",
    "http://[::ffff:7f00:1]:{port}/",
    "http://rebind.example:{port}/",        # a public-looking name the browser resolves to loopback
])
def test_entry_url_forms_reach_nothing(trackscan_bin, session_tmp, url):
    canary = Canary("127.0.0.1")
    try:
        target = url.format(port=canary.port)
        code, stderr, records = guarded_scan(trackscan_bin, session_tmp, [target], "MAP rebind.example 127.0.0.1",
                                             name="guard-entry")
        assert canary.accepted == [], f"{target} reached the canary"
        if code == 2:  # refused before the browser started: the URL check saw the private address
            assert "private address" in stderr, stderr
            return
        assert code == 0, stderr[-2000:]
        visit = next(r for r in records if r["type"] == "visit")
        assert visit["outcome"] == "error"
        assert visit["error"].startswith("blocked by trackscan's private-network guard: 127.0.0.1 (loopback"), visit
        assert visit["requests_blocked_by_guard"] >= 1
    finally:
        canary.close()


def test_map_star_rules_do_not_capture_the_way_to_the_guard(trackscan_bin, session_tmp, fixture_web):
    """Chromium applies its --host-resolver-rules to the proxy's own address
    too: "MAP *" would send the browser's SOCKS connection to the mapped
    server, and every visit would hang until its deadline."""
    before = fixture_web.log_length()
    code, stderr, records = guarded_scan(trackscan_bin, session_tmp, ["http://guard.test/?p=9"],
                                         f"MAP * 127.0.0.1:{fixture_web.port}", "--allow-network", "127.0.0.1/32",
                                         name="guard-map-star")
    assert code == 0, stderr[-2000:]
    visit = next(r for r in records if r["type"] == "visit")
    assert visit["outcome"] == "ok" and visit["status"] == 200, visit
    assert any(e.host == "guard.test" and e.path == "/" for e in fixture_web.entries_since(before))


def test_allow_private_targets_turns_the_guard_off(trackscan_bin, session_tmp, fixture_web):
    canary = Canary("127.0.0.1")
    try:
        code, stderr, records = guarded_scan(trackscan_bin, session_tmp, [f"http://rebind.example:{canary.port}/"],
                                             "MAP rebind.example 127.0.0.1", "--allow-private-targets",
                                             name="guard-off")
        assert code == 0, stderr[-2000:]
        assert canary.accepted, "with the guard off the browser should have connected"
        visit = next(r for r in records if r["type"] == "visit")
        assert visit["private_network_guard"] is False
    finally:
        canary.close()


def test_a_bad_network_is_a_clear_error(run_trackscan):
    code, _, err = run_trackscan("scan", "https://example.com/", "--allow-network", "10.0.0.0/33")
    assert code == 2
    assert "--allow-network" in err and "10.0.0.0/33" in err
