#!/usr/bin/env python3
"""Fails, naming file:line, when a source file includes a header from a
folder that its own folder may not use.

Usage: check_layers.py [ROOT]   (ROOT: the source tree, default this repo)
"""

# The layers, lowest first: folder -> what it may include besides itself.
# An entry on the right is a folder (everything under it) or one header. A
# line covers its folder's subfolders unless they have a line of their own;
# worker/ has none, each of its subfolders is a layer. Unit tests (*_test.cc)
# may also include tests/support. A file in a folder without a line fails,
# so that a new folder gets its place here.
LAYERS = """
common            ->
cdp               -> common
fleet             -> common
coordinator       -> common fleet
worker/record     -> common
worker/normalize  -> common worker/record
worker/network    -> common worker/record worker/normalize cdp/protocol
worker/instrument -> common worker/record worker/normalize cdp/protocol
worker/interact   -> common cdp worker/record worker/normalize
worker/analysis   -> common worker/record worker/normalize worker/instrument/fingerprint_rules.h
worker/egress     -> common
worker/browser    -> common cdp worker/record worker/normalize worker/network worker/instrument worker/interact worker/analysis worker/egress
worker/scan       -> common cdp fleet worker
cli               -> *
bench             -> *
tests             -> *
"""

import os
import re
import sys

SOURCE_FOLDERS = ("common", "cdp", "fleet", "worker", "coordinator", "cli", "bench", "tests")
SOURCE_SUFFIXES = (".h", ".cc")
TEST_SUPPORT = "tests/support"
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def parse_layers(table):
    """folder -> allowed prefixes ("*": anything)."""
    layers = {}
    for line in table.strip().splitlines():
        folder, _, allowed = line.partition("->")
        layers[folder.strip()] = allowed.split()
    return layers


def under(path, prefix):
    """True when `path` is `prefix` itself or lies below the folder `prefix`."""
    return path == prefix or path.startswith(prefix + "/")


def layer_of(path, layers):
    """The table line that owns `path`: its longest folder prefix, or None."""
    owners = [folder for folder in layers if under(path, folder)]
    return max(owners, key=len) if owners else None


def allowed(source, header, layers):
    folder = layer_of(source, layers)
    rules = layers[folder]
    if "*" in rules or under(header, folder):
        return True
    if source.endswith("_test.cc") and under(header, TEST_SUPPORT):
        return True
    return any(under(header, prefix) for prefix in rules)


def source_files(root):
    for top in SOURCE_FOLDERS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def violations(root, layers=None):
    """One "file:line: message" per include a file's layer may not use."""
    layers = layers or parse_layers(LAYERS)
    found = []
    for source in source_files(root):
        if layer_of(source, layers) is None:
            found.append(f"{source}:1: folder {os.path.dirname(source)} has no line in the layer table")
            continue
        with open(os.path.join(root, source), encoding="utf-8") as f:
            for number, text in enumerate(f, 1):
                match = INCLUDE.match(text)
                if match and not allowed(source, match.group(1), layers):
                    found.append(f"{source}:{number}: {layer_of(source, layers)} may not include "
                                 f"{match.group(1)}")
    return found


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    found = violations(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} include(s) break the layering (table: tests/static/check_layers.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
