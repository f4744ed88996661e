"""Cookies of one page: set by header (plain, HttpOnly, SameSite=None;Secure,
Partitioned), by document.cookie, by both, and a third-party partitioned one.
One scan shared by the module."""

import pytest

from conftest import FAST

PAGE = "https://www.clinic.test/cookies.html"


@pytest.fixture(scope="module")
def scan(run_scan):
    return run_scan([PAGE], *FAST)


def cookie(scan, name):
    found = [c for c in scan.of_type("cookie") if c["name"] == name and not c["blocked"]]
    assert len(found) == 1, f"expected one jar cookie {name}, got {found}"
    return found[0]


def test_output_matches_server_log(scan):
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    visit = scan.visit()
    assert visit["cookie_count"] == len(scan.of_type("cookie"))
    assert visit["request_count"] == len(scan.of_type("request"))


def test_raw_set_cookie_headers_are_kept(scan):
    document, = scan.requests(PAGE)
    lines = [v for k, v in document["response_headers"] if k.lower() == "set-cookie"]
    assert [line.split("=")[0] for line in lines] == [
        "hdr_plain", "hdr_httponly", "hdr_samesite_none", "hdr_partitioned"]


def test_cookie_set_by_header(scan):
    c = cookie(scan, "hdr_httponly")
    assert (c["set_by"], c["setter_url"], c["http_only"], c["third_party"]) == ("http", PAGE, True, False)
    assert c["domain"] == "www.clinic.test" and c["expires"] is None  # session cookie


def test_samesite_none_secure(scan):
    c = cookie(scan, "hdr_samesite_none")
    assert (c["same_site"], c["secure"], c["set_by"]) == ("None", True, "http")


def test_partitioned_cookies(scan):
    first_party = cookie(scan, "hdr_partitioned")
    assert first_party["partition_key"] and "clinic.test" in first_party["partition_key"]
    third_party = cookie(scan, "tp_chips")
    assert third_party["partition_key"] and "clinic.test" in third_party["partition_key"]
    assert (third_party["domain"].lstrip("."), third_party["third_party"]) == ("tracker.test", True)
    assert third_party["setter_url"] == "https://tracker.test/chips.gif"
    assert cookie(scan, "hdr_httponly")["partition_key"] is None


def test_cookie_set_by_script(scan):
    c = cookie(scan, "js_cookie")
    assert (c["set_by"], c["value"], c["http_only"]) == ("js", "j1", False)
    assert c["setter_url"] == "https://www.clinic.test/cookie-writer.js"
    writes = [w for w in scan.of_type("cookie_write") if w["cookie"].startswith("js_cookie=")]
    assert len(writes) == 1, writes
    write = writes[0]
    assert write["api"] == "document.cookie" and write["cookie"] == "js_cookie=j1; Path=/; Max-Age=3600"
    assert write["script_url"] == "https://www.clinic.test/cookie-writer.js"
    assert write["frame_url"] == PAGE and write["third_party"] is False


def test_cookie_set_by_header_and_script(scan):
    c = cookie(scan, "hdr_plain")
    assert (c["set_by"], c["value"]) == ("both", "overwritten-by-js")
