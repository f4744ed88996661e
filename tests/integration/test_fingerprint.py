"""Fingerprinting and session recording on pages/fp.test/: a third-party canvas +
WebGL fingerprinter (fpjs.test), a first-party chart that is no fingerprint, an
audio fingerprinter in a cross-site iframe (fpframe.test), a session recorder on
Microsoft Clarity's hosts, and a probe page script that reports what it can see
of the instrumentation. One scan shared by the module."""

import json

import pytest

from conftest import FAST, only

PAGE = "https://fp.test/"
FP_SCRIPT = "https://fpjs.test/fp.js"
AUDIO_FRAME = "https://fpframe.test/audio.html"
AUDIO_SCRIPT = "https://fpframe.test/audio.js"
RECORDER = "https://www.clarity.ms/s/recorder.js"


@pytest.fixture(scope="module")
def scan(run_scan):
    return run_scan([PAGE], *FAST)


def fingerprints(scan):
    return sorted((r["technique"], r["script_url"], r["frame_url"]) for r in scan.of_type("fingerprint"))


def test_output_matches_server_log(scan):
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()


def test_exact_fingerprint_records(scan):
    webgl, = [e for e in scan.logged("fpjs.test/pixel.gif")]
    has_webgl = "webgl=none" not in webgl.url
    expected = [("audio", AUDIO_SCRIPT, AUDIO_FRAME), ("canvas", FP_SCRIPT, PAGE)]
    if has_webgl:
        expected.append(("webgl", FP_SCRIPT, PAGE))
    assert fingerprints(scan) == sorted(expected), scan.of_type("fingerprint")
    visit_id = scan.visit()["visit_id"]
    for r in scan.of_type("fingerprint"):
        assert r["visit_id"] == visit_id
        assert r["third_party"] is True
        assert r["script_domain"] == {FP_SCRIPT: "fpjs.test", AUDIO_SCRIPT: "fpframe.test"}[r["script_url"]]
    canvas = only([r for r in scan.of_type("fingerprint") if r["technique"] == "canvas"], "canvas record")
    assert canvas["evidence"] == [
        "fillText 'Cwm fjordbank glyphs vext quiz' in #006699",
        "fillText 'Cwm fjordbank glyphs vext quiz' in rgba(102, 204, 0, 0.7)",
        "27 distinct characters in 2 color(s)",
        "toDataURL image/png of a 240x60 canvas"]


def test_webgl_is_available_to_pages(scan):
    """Without WebGL the webgl rule cannot be exercised; say so plainly."""
    webgl, = scan.logged("fpjs.test/pixel.gif")
    assert "webgl=none" not in webgl.url, f"the fixture page had no WebGL context: {webgl.url}"
    webgl_record = only([r for r in scan.of_type("fingerprint") if r["technique"] == "webgl"], "webgl record")
    assert webgl_record["evidence"] == ["getParameter(UNMASKED_RENDERER_WEBGL)", "getParameter(UNMASKED_VENDOR_WEBGL)"]


def test_chart_is_not_a_fingerprint(scan):
    assert not [r for r in scan.of_type("fingerprint") if "chart.js" in r["script_url"]]
    assert scan.requests("https://fp.test/chart.js")  # it did run: loaded and recorded


def test_session_recorder_by_endpoint_and_behaviour(scan):
    recorder = only(scan.of_type("session_recorder"), "session_recorder record")
    ids = [r["request_id"] for r in scan.of_type("request") if "clarity.ms" in r["url"]]
    assert len(ids) == 2, ids  # the script and its POST /collect
    assert (recorder["vendor"], recorder["detected_by"], recorder["script_url"]) == (
        "Microsoft Clarity", "both", RECORDER)
    assert recorder["request_ids"] == ids
    assert recorder["evidence"][-3:] == ["MutationObserver.observe with subtree on the document",
                                         "listens to click,input,keydown,mousemove,scroll",
                                         "reads input values 1 times"]


def probe(scan):
    posts = [e for e in scan.logged("fp.test/pixel.gif?probe=1") if e.method == "POST"]
    assert len(posts) == 1, scan.describe()
    return json.loads(posts[0].body)


def test_instrumentation_looks_native(scan):
    seen = probe(scan)
    expected = {
        "CanvasRenderingContext2D.fillText": "function fillText() { [native code] }",
        "HTMLCanvasElement.toDataURL": "function toDataURL() { [native code] }",
        "WebGLRenderingContext.getParameter": "function getParameter() { [native code] }",
        "EventTarget.addEventListener": "function addEventListener() { [native code] }",
        "MutationObserver.observe": "function observe() { [native code] }",
        "Function.toString": "function toString() { [native code] }",
        "get Navigator.hardwareConcurrency": "function get hardwareConcurrency() { [native code] }",
        "set Document.cookie": "function set cookie() { [native code] }",
        "set CanvasRenderingContext2D.fillStyle": "function set fillStyle() { [native code] }",
        "get HTMLInputElement.value": "function get value() { [native code] }",
        "OfflineAudioContext": "function OfflineAudioContext() { [native code] }",
    }
    assert seen["toString"] == expected
    assert seen["names"] == {
        "CanvasRenderingContext2D.fillText": "fillText", "HTMLCanvasElement.toDataURL": "toDataURL",
        "WebGLRenderingContext.getParameter": "getParameter", "EventTarget.addEventListener": "addEventListener",
        "MutationObserver.observe": "observe", "Function.toString": "toString",
        "get Navigator.hardwareConcurrency": "get hardwareConcurrency", "set Document.cookie": "set cookie",
        "set CanvasRenderingContext2D.fillStyle": "set fillStyle", "get HTMLInputElement.value": "get value",
        "OfflineAudioContext": "OfflineAudioContext"}
    assert seen["lengths"]["CanvasRenderingContext2D.fillText"] == 3
    assert seen["lengths"]["OfflineAudioContext"] == 1
    assert seen["constructor_identity"] is True
    assert seen["odd_globals"] == []
    # the stack is taken with Error's settings set aside and put back exactly
    assert "stackTraceLimit" in seen["error_props"] and "prepareStackTrace" not in seen["error_props"]
    assert seen["descriptors"] == {
        "CanvasRenderingContext2D.prototype.fillText": ["function", "undefined", "undefined", True, True, True],
        "CanvasRenderingContext2D.prototype.fillStyle": ["undefined", "function", "function", False, True, True],
        "Navigator.prototype.hardwareConcurrency": ["undefined", "function", "undefined", False, True, True],
        "Function.prototype.toString": ["function", "undefined", "undefined", True, False, True],
    }


def test_dedicated_worker_is_instrumented_before_its_script(run_scan):
    """The worker draws and reads its OffscreenCanvas in its first task: the
    record exists only if the script was in the worker before its code ran."""
    worker = "https://fp.test/fp-worker.js"
    scan = run_scan(["https://fp.test/worker.html"], *FAST)
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    assert scan.logged("fp.test/pixel.gif?worker="), scan.describe()  # the worker ran to its end
    assert fingerprints(scan) == [("canvas", worker, worker)]
    record, = scan.of_type("fingerprint")
    assert record["third_party"] is False
    assert record["evidence"][-1] == "convertToBlob image/png of a 200x40 canvas"


def test_dedicated_worker_fingerprinting_in_a_later_task(run_scan):
    """The worker draws when the page posts to it, long after it started."""
    worker = "https://fp.test/fp-worker-late.js"
    scan = run_scan(["https://fp.test/worker-late.html"], "--min-dwell", "2", "--quiet-period", "1")
    assert scan.returncode == 0, scan.describe()
    scan.assert_matches_server_log()
    assert scan.logged("fp.test/pixel.gif?late-worker="), scan.describe()
    assert fingerprints(scan) == [("canvas", worker, worker)]
