"""Consent (issue 4): DuckDuckGo autoconsent answers a banner built like
AdRoll's (its rule "Adroll"), rejecting or accepting; the page tells the
server the choice, and the consent record says what autoconsent did."""

import os

import pytest

from conftest import FAST, REPO, skip_or_fail

PAGE = "https://forms.test/consent.html"
AUTOCONSENT = os.environ.get("TRACKSCAN_AUTOCONSENT_DIR",
                             os.path.join(REPO, "data", "node_modules", "@duckduckgo", "autoconsent"))


@pytest.fixture(autouse=True)
def autoconsent_installed():
    """Skipped without autoconsent; failed under CI, whose setup.sh installs it."""
    if not os.path.isfile(os.path.join(AUTOCONSENT, "dist", "autoconsent.playwright.js")):
        skip_or_fail(f"needs @duckduckgo/autoconsent in {AUTOCONSENT} "
                     "(scripts/tracker_data.sh, or TRACKSCAN_AUTOCONSENT_DIR)")


@pytest.mark.parametrize("mode, action", [("reject", "opt_out"), ("accept", "opt_in")])
def test_autoconsent_answers_the_banner(run_scan, mode, action):
    result = run_scan([PAGE], *FAST, "--consent", mode, "--autoconsent-dir", AUTOCONSENT)
    assert result.returncode == 0, result.describe()
    result.assert_matches_server_log()
    choices = [e.url for e in result.logged("https://tracker.test/consent-choice")]
    assert choices == [f"https://tracker.test/consent-choice?c={mode}"]
    record, = result.of_type("consent")
    assert (record["mode"], record["cmp"], record["action"], record["result"], record["frame_url"],
            record["error"]) == (mode, "Adroll", action, "done", PAGE, None)
    assert record["found_wall_time"] <= record["done_wall_time"]
    jar = {c["name"]: c["value"] for c in result.of_type("cookie")}
    assert jar.get("consent_choice") == mode


def test_no_banner_without_a_consent_manager(run_scan):
    result = run_scan(["https://forms.test/inner.html"], *FAST, "--consent", "reject",
                      "--autoconsent-dir", AUTOCONSENT, "--interact", "none")
    assert result.returncode == 0, result.describe()
    record, = result.of_type("consent")
    assert (record["cmp"], record["action"], record["result"]) == (None, "none", "no_banner")


def test_consent_none_runs_no_autoconsent(run_scan):
    result = run_scan([PAGE], *FAST, "--interact", "none")
    assert result.of_type("consent") == []
    assert not result.logged("https://tracker.test/consent-choice")


def test_missing_autoconsent_fails_the_scan(run_trackscan):
    code, _, err = run_trackscan("scan", PAGE, "--consent", "reject", "--autoconsent-dir", "/nonexistent")
    assert code == 2
    assert "/nonexistent/dist/autoconsent.playwright.js" in err
