"""The pii_leak schema (schemas/pii_leak.schema.json) refuses records outside
its vocabulary. test_schemas.py checks it is valid, matches
worker/analysis/pii/pii_leak.h and accepts its example; the Catch2 test [pii] checks
the example is exactly what ToJson writes. No network, no browser."""

import json
import os

import jsonschema
import pytest

from conftest import SCHEMA_DIR


def load(name):
    with open(os.path.join(SCHEMA_DIR, name)) as f:
        return json.load(f)


@pytest.mark.parametrize("mutate, why", [
    (lambda r: r.update(field="ssn"), "unknown field kind"),
    (lambda r: r.update(encoding="rot13"), "unknown encoding"),
    (lambda r: r.update(where="dom"), "unknown place"),
    (lambda r: r.update(timing="later"), "unknown timing"),
    (lambda r: r.update(sensitive_terms="cancer"), "terms not a list"),
    (lambda r: r.pop("evidence"), "missing field"),
])
def test_pii_leak_schema_rejects(mutate, why):
    record = load("examples/pii_leak.json")
    mutate(record)
    errors = list(jsonschema.Draft202012Validator(load("pii_leak.schema.json")).iter_errors(record))
    assert errors, f"a record with {why} was accepted"


def test_pii_leak_schema_accepts_a_page_title_leak():
    record = load("examples/pii_leak.json")
    record.update(field="page_title", encoding="url", wrapped="form", normalization="as_shown",
                  parameter="dt", sensitive_terms=["cancer"], organization="Google", timing="no_submit")
    jsonschema.Draft202012Validator(load("pii_leak.schema.json")).validate(record)
