"""Interaction (issue 4): a canary identity typed into form fields of the page
and its iframes (same-process and cross-site), calls to action clicked, never
a payment button, never a submitted form or a followed link. One scan of
forms.test/book.html shared by the module, plus one with --interact none."""

import urllib.parse

import pytest

from conftest import FAST

PAGE = "https://forms.test/book.html"
EMAIL = "jane.doe.trackscan@example.com"


@pytest.fixture(scope="module")
def scan(run_scan):
    return run_scan([PAGE], *FAST)


def summary(record):
    """The fields that identify an action, in one tuple."""
    return (record["action"], record["field_kind"], record["value"], record["button_text"],
            record["element_tag"], record["element_id"], record["element_name"], record["element_type"],
            record["selector"], record["frame_url"], record["ok"], record["error"])


def test_output_matches_server_log(scan):
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    assert scan.visit()["outcome"] == "ok"


def test_interaction_records(scan):
    records = scan.of_type("interaction")
    assert [summary(r) for r in records] == [
        ("type", "search", "opening hours", None, "input", None, "q", "search",
         'form#site-search > input[name="q"]', PAGE, True, None),
        ("type", "email", EMAIL, None, "input", "email", "email", "email", "input#email", PAGE, True, None),
        ("type", "phone", "+1 617 555 0142", None, "input", "phone", "phone", "tel", "input#phone", PAGE, True, None),
        ("type", "first_name", "Jane", None, "input", None, "fname", "text",
         'form#book > label:nth-of-type(3) > input[name="fname"]', PAGE, True, None),
        ("type", "last_name", "Doe", None, "input", None, "lname", "text",
         'form#book > label:nth-of-type(4) > input[name="lname"]', PAGE, True, None),
        ("type", "postcode", "02139", None, "input", None, "zip", "text",
         'form#book > input[name="zip"]', PAGE, True, None),
        ("type", "full_name", "Jane Doe", None, "input", None, "patient", "text",
         'body > label > input[name="patient"]', "https://forms.test/inner.html", True, None),
        ("type", "email", EMAIL, None, "input", None, "newsletter_email", "email",
         'body > form > input[name="newsletter_email"]', "https://widget.test/newsletter.html", True, None),
        ("click", None, None, "Search", "button", None, None, None,
         "form#site-search > button", PAGE, True, None),
        ("click", None, None, "Book appointment", "button", "book-btn", None, None, "button#book-btn", PAGE, True, None),
        ("click", None, None, "Contact us", "a", None, None, None, "body > p > a", PAGE, True, None),
    ]
    visit_id = scan.visit()["visit_id"]
    assert all(r["visit_id"] == visit_id for r in records)
    times = [r["wall_time"] for r in records]
    assert times == sorted(times) and times[-1] - times[0] < 30


def test_keylogger_received_the_typed_email_before_any_submit(scan):
    bodies = [e.body.decode() for e in scan.logged("https://ads.tracker2.test/keys")]
    assert f"email={EMAIL}" in bodies
    assert "patient=Jane Doe" not in bodies  # the keylogger sits in the top document only
    # one beacon per typed character of every field of the top document
    assert len(bodies) == sum(len(v) for v in ["opening hours", EMAIL, "+1 617 555 0142", "Jane", "Doe", "02139"])


def test_clicks_reached_the_page_and_the_document_listener(scan):
    clicks = [urllib.parse.unquote(e.url.split("text=", 1)[1]) for e in scan.logged("https://tracker.test/click?")]
    assert clicks == ["Book appointment"]
    doc_clicks = [urllib.parse.unquote(e.url.split("text=", 1)[1]) for e in scan.logged("https://tracker.test/doc-click?")]
    assert doc_clicks == ["Search", "Book appointment", "Contact us"]
    widget = [e.url for e in scan.logged("https://tracker.test/widget?")]
    assert widget == ["https://tracker.test/widget?em=" + urllib.parse.quote(EMAIL, safe="")]


def test_nothing_was_submitted_followed_or_paid(scan):
    for never in ["https://forms.test/submitted", "https://forms.test/search-results",
                  "https://forms.test/contact-page.html", "https://tracker.test/paid",
                  "https://tracker.test/next", "https://widget.test/subscribed"]:
        assert not scan.logged(never), f"{never} reached the server"
    assert not [r for r in scan.of_type("interaction") if r["action"] == "submit"]
    assert scan.visit()["final_url"] == PAGE


def test_interact_none_types_and_clicks_nothing(run_scan):
    result = run_scan([PAGE], *FAST, "--interact", "none")
    assert result.returncode == 0, result.describe()
    assert result.of_type("interaction") == []
    assert not result.logged("https://ads.tracker2.test/keys")
    assert not result.logged("https://tracker.test/doc-click")


def test_interact_type_clicks_nothing(run_scan):
    result = run_scan([PAGE], *FAST, "--interact", "type", "--canary-email", "x.trackscan@example.org")
    assert result.returncode == 0, result.describe()
    actions = [(r["action"], r["value"]) for r in result.of_type("interaction")]
    assert ("type", "x.trackscan@example.org") in actions
    assert not [a for a in actions if a[0] == "click"]
    assert not result.logged("https://tracker.test/doc-click")
