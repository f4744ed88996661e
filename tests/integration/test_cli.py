"""The trackscan command line: help, usage errors (exit 2), no Chromium (exit 1),
JSON Lines on stdout with --out -, and --input lists as crawl and submit read them."""

import os

import pytest

from conftest import parse_jsonl, schema_problems

FLAGS = ["--out", "--concurrency", "--timeout", "--min-dwell", "--quiet-period", "--chrome",
         "--chrome-flag", "--allow-private-targets", "--post-data-cap"]


def test_help_lists_every_flag(run_trackscan):
    code, out, err = run_trackscan("--help")
    assert code == 0 and "scan" in out + err, f"exit {code}: {out}{err}"
    code, out, err = run_trackscan("scan", "--help")
    assert code == 0, err
    missing = [flag for flag in FLAGS if flag not in out + err]
    assert not missing, f"--help does not mention {missing}:\n{out}{err}"


@pytest.mark.parametrize("args, must_mention", [
    (["scan", "http//www.clinic.test"], "http//www.clinic.test"),       # malformed
    (["scan", "ftp://www.clinic.test/file"], "ftp"),                     # scheme not http(s)
    (["scan"], "URL"),                                                   # no URL at all
    (["scan", "http://127.0.0.1:9/"], "--allow-private-targets"),        # loopback target
    (["scan", "http://10.1.2.3/"], "--allow-private-targets"),           # private target
    (["scan", "https://[::1]/"], "--allow-private-targets"),             # loopback IPv6
])
def test_usage_errors_exit_2_with_a_message(run_trackscan, args, must_mention):
    code, out, err = run_trackscan(*args)
    assert code == 2, f"exit {code} for {args}\nstdout:{out}\nstderr:{err}"
    assert must_mention.lower() in err.lower(), f"stderr does not mention {must_mention!r}: {err!r}"


def test_missing_chromium_exits_1_naming_the_package(run_trackscan):
    code, out, err = run_trackscan("scan", "http://www.clinic.test/", "--allow-private-targets",
                                   "--chrome", "/nonexistent/chromium-binary")
    assert code == 1, f"exit {code}\nstderr:{err}"
    assert "chromium" in err.lower().replace("/nonexistent/chromium-binary", ""), err


def test_out_dash_writes_json_lines_to_stdout(run_trackscan, fixture_web, validators):
    code, out, err = run_trackscan(
        "scan", "http://www.clinic.test/", "--out", "-", "--allow-private-targets",
        "--min-dwell", "1", "--quiet-period", "1",
        f"--chrome-flag=--host-resolver-rules=MAP * 127.0.0.1:{fixture_web.port}",
        "--chrome-flag=--ignore-certificate-errors",
        "--chrome-flag=--disable-features=HttpsUpgrades")
    assert code == 0, err
    records = parse_jsonl(out)  # fails on any non-JSON line: the summary belongs on stderr
    assert [r["type"] for r in records].count("visit") == 1
    assert not schema_problems(records, validators)
    assert all(r["schema_version"] == 1 for r in records)


def test_scan_input_reads_a_tranco_csv_like_crawl(run_scan, session_tmp):
    # The same URL list reader as crawl and submit (common/url_list.h): "rank,domain"
    # lines become https://domain/, '#' comments and blank lines are skipped.
    path = os.path.join(session_tmp, "tranco.csv")
    with open(path, "w") as f:
        f.write("# rank,domain\n1,www.clinic.test\n\n2,sw.clinic.test\n")
    result = run_scan([], "--input", path, "--min-dwell", "1", "--quiet-period", "1")
    assert result.returncode == 0, result.describe()
    entries = sorted(v["input_url"] for v in result.visits())
    assert entries == ["https://sw.clinic.test/", "https://www.clinic.test/"], result.describe()
    for host in ("www.clinic.test", "sw.clinic.test"):
        served = [e for e in result.logged() if e.scheme == "https" and e.host == host and e.target == "/"]
        assert served, f"the fixture server never received GET https://{host}/\n{result.describe()}"
