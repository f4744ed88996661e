"""The record schemas are valid Draft 2020-12, follow the record conventions (every
field required, no others, documented), and accept every example in schemas/examples/.
That they match the C++ serializer field for field is checked by the unit test
worker/record/record_tables_test.cc. No network, no browser."""

import glob
import json
import os
import socket

import jsonschema
import pytest

from conftest import RECORD_TYPES, SCHEMA_DIR

EXAMPLES = sorted(glob.glob(os.path.join(SCHEMA_DIR, "examples", "*.json")))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """A $ref to a remote URL would make validation fetch it; forbid that."""
    def refuse(*args, **kwargs):
        raise AssertionError("schema validation tried to use the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def load_json(path):
    with open(path) as f:
        return json.load(f)


def schema_of(record_type):
    return load_json(os.path.join(SCHEMA_DIR, f"{record_type}.schema.json"))


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_schema_is_valid_draft_2020_12(record_type):
    schema = schema_of(record_type)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_schema_follows_record_conventions(record_type):
    schema = schema_of(record_type)
    assert list(schema["properties"])[:2] == ["type", "schema_version"]
    assert schema["required"] == list(schema["properties"])
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"] == {"const": record_type, **{
        "description": schema["properties"]["type"]["description"]}}
    undocumented = [name for name, prop in schema["properties"].items()
                    if len(prop.get("description", "")) < 10]
    assert not undocumented, f"fields without a description: {undocumented}"


def test_every_type_has_an_example():
    types = {load_json(path)["type"] for path in EXAMPLES}
    assert types == set(RECORD_TYPES)


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_example_validates(path):
    example = load_json(path)
    jsonschema.Draft202012Validator(schema_of(example["type"])).validate(example)


@pytest.mark.parametrize("mutate, why", [
    (lambda r: r.update(surprise=1), "unknown field"),
    (lambda r: r.pop("third_party"), "missing field"),
    (lambda r: r.update(target_type="tab"), "value outside the enum"),
    (lambda r: r.update(status="200"), "wrong type"),
    (lambda r: r.update(request_headers=[["Host"]]), "header pair of one string"),
    (lambda r: r.update(schema_version=2), "other schema version"),
])
def test_schema_rejects_bad_records(mutate, why):
    record = load_json(os.path.join(SCHEMA_DIR, "examples", "request.json"))
    mutate(record)
    errors = list(jsonschema.Draft202012Validator(schema_of("request")).iter_errors(record))
    assert errors, f"a record with a {why} was accepted"
