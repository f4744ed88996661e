"""Issue 4's acceptance case: a scan of the fixture clinic's booking page.

The page carries the trackers hospital sites were found to carry, under their
real host names (served by the fixture web): the Meta pixel (PageView on load,
SubscribedButtonClick with the button text on a click, the typed email as
udff[em] = SHA-256), GA4 (batched POST), and a FingerprintJS-style agent
(canvas + WebGL). trackscan types the canary identity, clicks "Book
appointment" (never "Pay deposit", never submits), and must report the pixel
id and events, the email leaving as SHA-256 to Meta, the organization and
category of every third party, the fingerprinting script, and say it in the
site summary. The fixture server's log is the ground truth of what was sent.
One scan shared by the module."""

import hashlib
import urllib.parse

import pytest

from conftest import FAST, only

PAGE = "https://www.clinic.test/oncology/book.html"
PIXEL_ID = "1234567890123456"
EMAIL = "Jane.Doe.Trackscan@Example.com"  # mixed case: the pixel lower-cases before hashing
EMAIL_SHA256 = hashlib.sha256(EMAIL.strip().lower().encode()).hexdigest()

# Every third party of the page, with TrackerDB's organization and category.
ATTRIBUTION = {
    "connect.facebook.net": ("Meta", "site_analytics"),  # TrackerDB: "Facebook Connect"
    "www.facebook.com": ("Meta", "advertising"),
    "www.googletagmanager.com": ("Google", "advertising"),
    "region1.google-analytics.com": ("Google", "site_analytics"),
    "fpnpmcdn.net": ("Fingerprint", "utilities"),
    "api.fpjs.io": ("Fingerprint", "utilities"),
}


@pytest.fixture(scope="module")
def scan(run_scan):
    return run_scan([PAGE], *FAST, "--canary-email", EMAIL)


def form_fields(entry):
    return dict(urllib.parse.parse_qsl(entry.body.decode(), keep_blank_values=True))


def test_scan_matches_the_server_log(scan):
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    assert scan.visit()["title"] == "Book an oncology appointment | Example Clinic"


def test_the_fixture_really_sent_it(scan):
    """Ground truth first: what the browser sent, as the server received it."""
    clicks = [form_fields(e) for e in scan.logged("https://www.facebook.com/tr/") if e.method == "POST"]
    click = only(clicks, "SubscribedButtonClick POST")
    assert click["ev"] == "SubscribedButtonClick" and click["cd[buttonText]"] == "Book appointment"
    assert click["udff[em]"] == EMAIL_SHA256
    assert not scan.logged("/oncology/submit"), "the form was submitted"
    assert not scan.logged("/oncology/never-pay"), "the payment button was clicked"


def test_meta_pixel_events(scan):
    events = [e for e in scan.of_type("tracker_event") if e["platform"] == "meta"]
    assert {e["account_id"] for e in events} == {PIXEL_ID}
    kept = [e for e in events if not e["duplicate"]]
    assert [e["event_name"] for e in kept] == ["PageView", "SubscribedButtonClick"], events
    page_view, click = kept
    assert page_view["page_url"] == PAGE and page_view["standard_event"] is True
    assert click["button_text"] == "Book appointment"
    identity = only([i for i in click["identity_fields"] if i["parameter"] == "udff[em]"], "udff[em]")
    assert (identity["kind"], identity["hashed"], identity["hash_algorithm"], identity["value"]) == \
        ("email", True, "sha256", EMAIL_SHA256)
    # The privacy-sandbox copy of PageView is decoded and marked, not counted twice.
    duplicates = [e for e in events if e["duplicate"]]
    assert [e["event_name"] for e in duplicates] == ["PageView"]


def test_ga4_batched_events(scan):
    events = [e for e in scan.of_type("tracker_event") if e["platform"] == "ga4"]
    assert [(e["account_id"], e["event_name"]) for e in events] == \
        [("G-CLINIC42", "page_view"), ("G-CLINIC42", "scroll")]
    assert events[1]["page_title"] == "Book an oncology appointment | Example Clinic"
    assert ["percent_scrolled", "90"] in [list(p) for p in events[1]["custom_parameters"]] or \
        ["epn.percent_scrolled", "90"] in [list(p) for p in events[1]["custom_parameters"]]


def test_typed_email_leaves_as_sha256_to_meta(scan):
    leaks = [l for l in scan.of_type("pii_leak")
             if l["field"] == "email" and l["encoding"] == "sha256" and l["recipient_host"] == "www.facebook.com"]
    assert leaks, scan.of_type("pii_leak")
    for leak in leaks:
        assert (leak["organization"], leak["third_party"], leak["recipient_domain"]) == \
            ("Meta", True, "facebook.com")
    assert "body" in {l["where"] for l in leaks}


def test_sensitive_page_url_leaks(scan):
    leaks = [l for l in scan.of_type("pii_leak") if l["field"] == "page_url" and l["third_party"]]
    assert {l["recipient_domain"] for l in leaks} >= {"facebook.com", "google-analytics.com"}
    assert all("oncology" in l["sensitive_terms"] for l in leaks)


def test_every_third_party_is_attributed(scan):
    hosts = {}
    for r in scan.of_type("request"):
        if r["third_party"]:
            host = urllib.parse.urlsplit(r["url"]).hostname
            assert r["tracker"], f"{r['url']} has no attribution"
            hosts[host] = (r["tracker"]["organization"], r["tracker"]["category"])
    assert hosts == ATTRIBUTION


def test_filter_lists_classify_the_pixels(scan):
    pixel = [r for r in scan.requests("https://www.facebook.com/tr/")]
    assert pixel and all(r["filter_list"] in ("easyprivacy", "easylist") and r["filter_rule"] for r in pixel)
    document = only(scan.requests(PAGE), "document request")
    assert document["filter_list"] is None
    assert set(scan.visit()["tracker_data"]) >= {"easylist", "easyprivacy", "trackerdb"}


def test_fingerprinting_script(scan):
    found = {(f["technique"], f["script_url"]) for f in scan.of_type("fingerprint")}
    assert ("canvas", "https://fpnpmcdn.net/v3/agent.js") in found
    assert ("webgl", "https://fpnpmcdn.net/v3/agent.js") in found
    assert all(f["script_url"] == "https://fpnpmcdn.net/v3/agent.js" for f in scan.of_type("fingerprint")), \
        "the first-party chart was called a fingerprint"


def test_site_summary(scan):
    summary = only(scan.of_type("site_summary"), "site_summary")
    assert set(summary["organizations"]) == {"Meta", "Google", "Fingerprint"}
    assert set(summary["categories"]) == {"advertising", "site_analytics", "utilities"}
    meta_line = only([f for f in summary["findings"] if f.startswith("Sent to Meta: ")], "Meta finding")
    assert meta_line.startswith(
        "Sent to Meta: PageView, SubscribedButtonClick (button text 'Book appointment'), your email (SHA-256)")
    assert "Fingerprinted by Fingerprint: canvas, webgl" in summary["findings"]
    assert summary["key_logging"] == ["Meta"]  # udff[em] left on a click, nothing was submitted
    assert meta_line in scan.stderr + scan.stdout  # the CLI says it too


def test_missing_tracker_data_fails_before_chromium(run_trackscan, tmp_path):
    code, out, err = run_trackscan("scan", PAGE, "--tracker-data", str(tmp_path / "nowhere"))
    assert code == 2, err
    assert str(tmp_path / "nowhere") in err and "scripts/tracker_data.sh" in err and "--no-tracker-data" in err, err
    assert "Chromium" not in err and not out.strip(), (out, err)


def test_no_tracker_data_still_decodes_and_finds_leaks(run_scan):
    scan = run_scan([PAGE], *FAST, "--no-tracker-data", "--interact", "type")
    assert scan.returncode == 0, scan.describe()
    assert scan.visit()["tracker_data"] == {}
    assert all(r["tracker"] is None and r["filter_list"] is None for r in scan.of_type("request"))
    # Typing only: no click, so PageView but no SubscribedButtonClick.
    assert [e["event_name"] for e in scan.of_type("tracker_event")
            if e["platform"] == "meta" and not e["duplicate"]] == ["PageView"]
    assert not scan.logged("SubscribedButtonClick") and not [e for e in scan.logged("https://www.facebook.com/tr/")
                                                             if e.method == "POST"]
    summary = only(scan.of_type("site_summary"), "site_summary")
    assert summary["organizations"] == []
    assert any(f.startswith("Sent to facebook.com: PageView") for f in summary["findings"]), summary["findings"]
