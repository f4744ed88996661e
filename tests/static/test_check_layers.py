"""check_layers.py on small made-up trees: a check that never fails checks nothing."""

import os

import check_layers


def tree(tmp_path, files):
    """Writes {path: [included headers]} under tmp_path; returns the violations found there."""
    for path, headers in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(f'#include "{h}"\n' for h in headers))
    return check_layers.violations(str(tmp_path))


def test_the_repository_tree_is_read():
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    assert any(path.startswith("worker/record/") for path in check_layers.source_files(root))


def test_allowed_includes_pass(tmp_path):
    assert tree(tmp_path, {
        "common/status.h": [],
        "cdp/connection.h": ["common/status.h", "cdp/transport.h"],
        "coordinator/coordinator.cc": ["fleet/store/run_store.h"],
        "worker/network/request_tracker.cc": ["cdp/protocol/events.h", "worker/record/records.h"],
        "worker/network/request_tracker_test.cc": ["tests/support/redis_server.h"],
        "worker/analysis/classify/x.cc": ["worker/analysis/decode/y.h",
                                          "worker/instrument/fingerprint_rules.h"],
        "cli/main.cc": ["worker/scan/scanner.h", "coordinator/coordinator.h"],
    }) == []


def test_each_forbidden_include_is_named_with_file_and_line(tmp_path):
    found = tree(tmp_path, {
        "common/url.cc": ["common/url.h", "cdp/connection.h"],
        "fleet/protocol.cc": ["worker/record/records.h"],
        "worker/record/records.h": ["worker/analysis/site_summary.h"],
        "worker/network/request_tracker.cc": ["cdp/connection.h", "tests/support/redis_server.h"],
        "worker/analysis/analyzer.cc": ["worker/instrument/api_calls.h"],
        "worker/browser/browser.cc": ["worker/scan/scanner.h"],
    })
    assert found == [
        "common/url.cc:2: common may not include cdp/connection.h",
        "fleet/protocol.cc:1: fleet may not include worker/record/records.h",
        "worker/analysis/analyzer.cc:1: worker/analysis may not include worker/instrument/api_calls.h",
        "worker/browser/browser.cc:1: worker/browser may not include worker/scan/scanner.h",
        "worker/network/request_tracker.cc:1: worker/network may not include cdp/connection.h",
        "worker/network/request_tracker.cc:2: worker/network may not include tests/support/redis_server.h",
        "worker/record/records.h:1: worker/record may not include worker/analysis/site_summary.h",
    ]


def test_a_folder_without_a_line_fails(tmp_path):
    assert tree(tmp_path, {"worker/newthing/x.cc": []}) == [
        "worker/newthing/x.cc:1: folder worker/newthing has no line in the layer table"]


def test_main_exits_1_on_a_violation(tmp_path, capsys):
    tree(tmp_path, {"cdp/session.cc": ["fleet/protocol.h"]})
    assert check_layers.main(["check_layers.py", str(tmp_path)]) == 1
    assert "cdp/session.cc:1: cdp may not include fleet/protocol.h" in capsys.readouterr().out
