#!/usr/bin/env python3
"""Shows whether two trackscan binaries record the same thing: scans a few
fixture-web pages with each, the way the integration tests do, and prints a
unified diff of the normalized records, or "identical: N records of M types".

Run it with one binary as both --before and --after first: that shows what
differs from run to run and is not the binaries' doing.

Normalized away, because they change from run to run: ids (request, frame,
visit: renumbered in order of appearance, so links between records still
count), times and dates of this run (also inside URLs, cookies and request
bodies, where page scripts put Date.now()), durations and CDP clock readings,
the fixture port and the scan's TMPDIR. Within a run of records of one type,
and in a site summary's lists, the order is that of Chromium's events, so
those are sorted; the order of the types is kept.

Usage: compare_scan_records.py --before BIN --after BIN [--tracker-data DIR] [--keep DIR]
Exit: 0 identical, 1 the records differ, 2 a scan failed.
Needs /usr/bin/python3 (pytest and jsonschema, for the tests' conftest).
"""

import argparse
import collections
import datetime
import difflib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import fixture_server  # noqa: E402  (lives with the integration tests)
from conftest import FAST, scan_command  # noqa: E402

# (name, URLs, flags): the clinic case of test_clinic.py and pages of test_network.py / test_targets.py.
CASES = [
    ("clinic", ["https://www.clinic.test/oncology/book.html"],
     [*FAST, "--canary-email", "Jane.Doe.Trackscan@Example.com"]),
    ("redirect", ["http://www.clinic.test/redirect.html"], [*FAST]),
    ("beacon", ["https://www.clinic.test/beacon.html"], [*FAST]),
    ("bigpost", ["https://www.clinic.test/bigpost.html"], [*FAST]),
    ("websocket", ["http://www.clinic.test/ws.html"], [*FAST]),
    ("iframe", ["https://www.clinic.test/iframe.html"], [*FAST]),
]
SCAN_TIMEOUT_S = 180

# Fields whose values are ids made up per run; each distinct value becomes "<field#N>".
ID_FIELDS = ("visit_id", "request_id", "frame_id")
# Numbers measured per run: durations, and CDP's monotonic clock (seconds since boot).
CLOCK_FIELDS = ("duration_ms", "timestamp")
# Epoch seconds or milliseconds (with a fraction or not) in text, as in "fb.1.1796301988302.1122334455".
EPOCH_IN_TEXT = re.compile(r"(?<!\d)\d{10}(?:\d{3})?(?:\.\d{1,6})?(?!\d)")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
# Record types whose lists (and findings' items) follow the order in which requests finished.
UNORDERED_LISTS = ("site_summary",)


class RunWindow:
    """Instants from a day before the first scan to a year after the last: the
    times a scan can write (a cookie's expiry is months ahead)."""

    def __init__(self, start, end):
        self.low, self.high = start - 86400, end + 400 * 86400

    def holds(self, number):
        return self.low <= number <= self.high or self.low * 1000 <= number <= self.high * 1000

    def mask_text(self, text):
        def epoch(m):
            return "<time>" if self.holds(float(m.group())) else m.group()

        def iso(m):
            when = datetime.datetime.fromisoformat(m.group().replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.timezone.utc)
            return "<time>" if self.holds(when.timestamp()) else m.group()
        return EPOCH_IN_TEXT.sub(epoch, ISO_TIME.sub(iso, text))


def scan(binary, urls, flags, port, tmpdir, tracker_data, out):
    cmd = scan_command(binary, urls, out, port, *flags, "--tracker-data", tracker_data)
    proc = subprocess.run(cmd, env=dict(os.environ, TMPDIR=tmpdir), capture_output=True, text=True,
                          timeout=SCAN_TIMEOUT_S)
    if proc.returncode != 0:
        print(f"{' '.join(cmd)}: exit {proc.returncode}\n{proc.stderr[-3000:]}", file=sys.stderr)
        sys.exit(2)
    with open(out) as f:
        return [json.loads(line) for line in f if line.strip()]


def mask(value, window, run_text, ids):
    """`value` with run-dependent numbers and text masked: `run_text` maps
    substrings (port, TMPDIR), `ids` whole strings (an id is only ever a whole value)."""
    if isinstance(value, dict):
        return {k: "<clock>" if k in CLOCK_FIELDS and isinstance(v, (int, float)) else mask(v, window, run_text, ids)
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, window, run_text, ids) for v in value]
    if isinstance(value, str):
        if value in ids:
            return ids[value]
        for raw, stable in run_text.items():
            value = value.replace(raw, stable)
        return window.mask_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and window.holds(value):
        return "<time>"
    return value


def sort_lists(value):
    """`value` with every list in it sorted (by its elements' JSON), and the
    items of each finding ("Third parties contacted: Meta (...), Google (...)")."""
    if isinstance(value, dict):
        return {k: sort_finding_items(v) if k == "findings" else sort_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((sort_lists(v) for v in value), key=json.dumps)
    return value


def sort_finding_items(findings):
    """Sorts the ", "-separated items after the first ": " of each finding,
    leaving commas inside parentheses alone."""
    result = []
    for finding in findings:
        head, colon, items = finding.partition(": ")
        parts, depth, start = [], 0, 0
        for i, char in enumerate(items):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and items.startswith(", ", i):
                parts.append(items[start:i])
                start = i + 2
        parts.append(items[start:])
        result.append(head + colon + ", ".join(sorted(parts)))
    return sorted(result)


def normalize(records, window, run_text):
    """The records of one scan, comparable with another run's (see the top comment)."""
    blank_ids = {raw: f"<{field}>" for r in records for field in ID_FIELDS
                 if isinstance(raw := r.get(field), str)}
    records = [sort_lists(r) if r["type"] in UNORDERED_LISTS else r for r in records]
    masked = [(mask(r, window, run_text, blank_ids), r) for r in records]
    ordered = []
    for _, group in itertools.groupby(masked, key=lambda pair: pair[0]["type"]):
        ordered += [record for _, record in sorted(group, key=lambda pair: json.dumps(pair[0]))]
    stable_ids, counts = {}, collections.Counter()
    for record in ordered:
        for field in ID_FIELDS:
            raw = record.get(field)
            if isinstance(raw, str) and raw not in stable_ids:
                counts[field] += 1
                stable_ids[raw] = f"<{field}#{counts[field]}>"
    return [mask(record, window, run_text, stable_ids) for record in ordered]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="trackscan binary before the change")
    parser.add_argument("--after", required=True, help="trackscan binary after the change")
    parser.add_argument("--tracker-data", default=os.path.join(REPO, "data"),
                        help="tracker data for both (default: this tree's data/)")
    parser.add_argument("--keep", help="also write the raw and normalized records into this directory")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="tscmp-", dir="/tmp")  # short: Chromium's socket path limit
    server = fixture_server.FixtureServer(work).start()
    run_text = {f"127.0.0.1:{server.port}": "127.0.0.1:<port>", work: "<tmpdir>"}
    raw = {"before": [], "after": []}
    start = time.time()
    try:
        for name, urls, flags in CASES:
            for side in ("before", "after"):
                out = os.path.join(work, f"{name}-{side}.jsonl")
                raw[side].append(scan(getattr(args, side), urls, flags, server.port, work,
                                      args.tracker_data, out))
    finally:
        server.stop()
    window = RunWindow(start, time.time())
    lines = {side: [] for side in raw}
    for side, scans in raw.items():
        for (name, _, _), records in zip(CASES, scans):
            lines[side] += [f"# {name}"] + [json.dumps(r) for r in normalize(records, window, run_text)]
    if args.keep:
        shutil.copytree(work, os.path.join(args.keep, "raw"), dirs_exist_ok=True)
        for side in raw:
            with open(os.path.join(args.keep, f"{side}.normalized.jsonl"), "w") as f:
                f.write("\n".join(lines[side]) + "\n")
    shutil.rmtree(work, ignore_errors=True)

    if lines["before"] == lines["after"]:
        records = [r for scans in raw["before"] for r in scans]
        print(f"identical: {len(records)} records of {len({r['type'] for r in records})} types")
        return 0
    sys.stdout.writelines(difflib.unified_diff([line + "\n" for line in lines["before"]],
                                               [line + "\n" for line in lines["after"]],
                                               fromfile=f"before {args.before}", tofile=f"after {args.after}"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
