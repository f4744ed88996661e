"""The coordinator-worker protocol schemas (schemas/fleet/) are valid Draft
2020-12, document every field, and accept their examples, which
fleet/protocol_test.cc checks are byte for byte what fleet::Encode
sends. So are the schemas of the records that leave a process through Redis
(URL results, site summaries, on-demand requests and replies), whose fields
are also checked against the code that writes or reads them. No network, no
browser."""

import copy
import glob
import json
import os
import re
import socket

import jsonschema
import pytest

from conftest import REPO, SCHEMA_DIR

FLEET_DIR = os.path.join(SCHEMA_DIR, "fleet")
MESSAGE_TYPES = ["ready", "heartbeat", "batch", "done", "disconnect"]
EXAMPLES = [os.path.join(FLEET_DIR, "examples", f"{t}.json") for t in MESSAGE_TYPES]
# Records in Redis and on the streams: schema -> its examples (one per shape).
RECORD_EXAMPLES = {
    "url_result": ["url_result", "url_result_failed"],
    "site_summary": ["site_summary"],
    "scan_request": ["scan_request"],
    "scan_reply": ["scan_reply_done", "scan_reply_rejected"],
}
RECORDS = list(RECORD_EXAMPLES)
# Stream entries are flat maps of strings; the others are JSON hash values.
STREAM_ENTRIES = ["scan_request", "scan_reply"]
# The only fields a sender may leave out.
OPTIONAL = {"scan_request": ["reply_stream", "timeout_s", "min_dwell_s", "quiet_period_s", "ttl_s"]}
RECORD_CASES = [(name, example) for name, examples in RECORD_EXAMPLES.items() for example in examples]


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


def schema_of(message_type):
    return load_json(os.path.join(FLEET_DIR, f"{message_type}.schema.json"))


def example_of(message_type):
    return load_json(os.path.join(FLEET_DIR, "examples", f"{message_type}.json"))


def errors(message_type, message):
    return list(jsonschema.Draft202012Validator(schema_of(message_type)).iter_errors(message))


def objects_in(schema, path="$"):
    """(path, schema) of every object schema, nested ones and oneOf shapes included."""
    if schema.get("type") == "object":
        yield path, schema
        for name, prop in schema["properties"].items():
            yield from objects_in(prop, f"{path}.{name}")
    if schema.get("type") == "array":
        yield from objects_in(schema["items"], f"{path}[]")
    for n, shape in enumerate(schema.get("oneOf", [])):
        yield from objects_in(shape, f"{path}|{n}")


def shapes_of(name):
    """The object schemas a record can be: its oneOf shapes, or the schema itself."""
    schema = schema_of(name)
    return schema.get("oneOf", [schema])


def shape_of(name, record):
    """The shape `record` is (oneOf makes it at most one)."""
    matching = [shape for shape in shapes_of(name)
                if not list(jsonschema.Draft202012Validator(shape).iter_errors(record))]
    assert len(matching) == 1, f"{name}: {len(matching)} shapes accept {record}"
    return matching[0]


def test_one_schema_per_type():
    found = sorted(os.path.basename(p)[:-len(".schema.json")]
                   for p in glob.glob(os.path.join(FLEET_DIR, "*.schema.json")))
    assert found == sorted(MESSAGE_TYPES + RECORDS)


@pytest.mark.parametrize("message_type", MESSAGE_TYPES + RECORDS)
def test_schema_is_valid_draft_2020_12(message_type):
    schema = schema_of(message_type)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://trackscan.example/schemas/v1/fleet/{message_type}.schema.json"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"] and len(schema["description"]) >= 10


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_schema_documents_exactly_what_v1_sends(message_type):
    """Every object closed and fully required, every property described;
    "v" and "type" first, as Encode writes them."""
    schema = schema_of(message_type)
    assert list(schema["properties"])[:2] == ["v", "type"]
    assert schema["properties"]["v"]["const"] == 1
    assert schema["properties"]["type"]["const"] == message_type
    for path, obj in objects_in(schema):
        assert obj["additionalProperties"] is False, path
        assert obj["required"] == list(obj["properties"]), path
        undocumented = [name for name, prop in obj["properties"].items()
                        if len(prop.get("description", "")) < 10]
        assert not undocumented, f"{path}: fields without a description: {undocumented}"


@pytest.mark.parametrize("name", RECORDS)
def test_record_schema_documents_every_field(name):
    """Every object (each oneOf shape) closed, every property described, all
    required but the sender's optional ones."""
    found = list(objects_in(schema_of(name)))
    assert found, f"{name}: no object schema found"
    for path, obj in found:
        assert obj["additionalProperties"] is False, path
        assert obj["required"] == [p for p in obj["properties"] if p not in OPTIONAL.get(name, [])], path
        undocumented = [field for field, prop in obj["properties"].items()
                        if len(prop.get("description", "")) < 10]
        assert not undocumented, f"{path}: fields without a description: {undocumented}"
    for shape in schema_of(name).get("oneOf", []):
        assert shape["title"] and len(shape["description"]) >= 10


@pytest.mark.parametrize("name", STREAM_ENTRIES)
def test_stream_entries_are_strings(name):
    """A stream entry is a flat map of strings: no other type, no nesting."""
    for shape in shapes_of(name):
        not_strings = [field for field, prop in shape["properties"].items() if prop["type"] != "string"]
        assert not not_strings, f"{name}: fields that are not strings: {not_strings}"


def test_every_type_has_an_example():
    names = sorted(os.path.basename(p)[:-len(".json")]
                   for p in glob.glob(os.path.join(FLEET_DIR, "examples", "*.json")))
    assert names == sorted(MESSAGE_TYPES + [e for _, e in RECORD_CASES])
    assert {load_json(p)["type"] for p in EXAMPLES} == set(MESSAGE_TYPES)


@pytest.mark.parametrize("name", RECORDS)
def test_every_record_shape_has_an_example(name):
    """Each oneOf shape (both producers of a URL result, both replies) has an example."""
    shapes = shapes_of(name)
    covered = [shapes.index(shape_of(name, example_of(e))) for e in RECORD_EXAMPLES[name]]
    assert covered == list(range(len(shapes)))


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_example_validates(path):
    example = load_json(path)
    assert os.path.basename(path) == f"{example['type']}.json"
    jsonschema.Draft202012Validator(schema_of(example["type"])).validate(example)


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_example_is_one_line_in_schema_order(path):
    """Encode's output: one line, no spaces, keys in the schema's order."""
    with open(path) as f:
        text = f.read()
    assert text.endswith("}\n") and text.count("\n") == 1
    example = json.loads(text)
    assert text == json.dumps(example, separators=(",", ":"), ensure_ascii=False) + "\n"
    assert list(example) == list(schema_of(example["type"])["properties"])


@pytest.mark.parametrize("name, example", RECORD_CASES)
def test_record_example_validates(name, example):
    jsonschema.Draft202012Validator(schema_of(name)).validate(example_of(example))


@pytest.mark.parametrize("name, example", RECORD_CASES)
def test_record_example_is_one_line_in_schema_order(name, example):
    """One line, no spaces, keys in the order of the shape's properties: the
    order ResultSink writes hash values and RequestIntake stream fields in
    (ReleaseBatch's cjson writes a failed result's keys in no fixed order)."""
    with open(os.path.join(FLEET_DIR, "examples", f"{example}.json")) as f:
        text = f.read()
    assert text.endswith("}\n") and text.count("\n") == 1
    record = json.loads(text)
    assert text == json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
    assert list(record) == list(shape_of(name, record)["properties"])


def test_scan_request_needs_only_request_id_and_urls():
    request = {k: v for k, v in example_of("scan_request").items() if k in ("request_id", "urls")}
    assert not errors("scan_request", request)


def read_source(path):
    with open(os.path.join(REPO, path)) as f:
        return f.read()


def function_body(source, signature):
    start = source.index(signature)
    return source[start:source.index("\n}\n", start)]


def fields_of_brace_list(source, first):
    """Field names of a C++ {"type", "scan_...", name, value, ...} list."""
    match = re.search(r'\{("type", "' + first + r'",[^}]*)\}', source)
    assert match, f"no reply list of type {first}"
    return [t.strip().strip('"') for t in match.group(1).split(",")][0::2]


def test_record_fields_match_the_code():
    """The schemas name exactly the keys the code writes (and, for a request,
    reads), in the order it writes them; the lead changing a writer makes
    this fail until the schema follows. The values ResultSink writes (a URL
    result, a site summary) are checked against the schemas by
    fleet/store/result_sink_test.cc, from the JSON the code emits."""
    _, failed_result = shapes_of("url_result")
    lua = re.search(r"local failed = cjson\.encode\(\{(.*?)\}\)", read_source("fleet/store/lua/release_batch.lua"), re.S)
    assert lua, "ReleaseBatch's failed result not found"
    assert sorted(re.findall(r"(\w+)\s*=", lua.group(1))) == sorted(failed_result["properties"])
    intake = read_source("coordinator/request_intake.cc")
    parse = function_body(read_source("coordinator/scan_request.cc"), "ScanRequest ParseScanRequest(")
    assert re.findall(r'k == "(\w+)"', parse) == list(schema_of("scan_request")["properties"])
    done, rejected = shapes_of("scan_reply")
    assert fields_of_brace_list(intake, "scan_done") == list(done["properties"])
    assert fields_of_brace_list(intake, "scan_rejected") == list(rejected["properties"])


def mutations(message_type):
    """(why, mutate) pairs that every v1 schema must reject."""
    yield "unknown field", lambda m: m.update(surprise=1)
    yield "missing field", lambda m: m.pop(list(m)[-1])
    yield "missing v", lambda m: m.pop("v")
    yield "other version", lambda m: m.update(v=2)
    yield "version as a string", lambda m: m.update(v="1")
    yield "other type", lambda m: m.update(type="result")
    name = "worker_id" if "worker_id" in example_of(message_type) else "run"
    yield f"{name} not a string", lambda m: m.update({name: 7})


SPECIFIC = {
    "ready": [("negative capacity", lambda m: m.update(capacity=-1)),
              ("capacity as a string", lambda m: m.update(capacity="4")),
              ("fractional capacity", lambda m: m.update(capacity=1.5))],
    "batch": [("unknown field in settings", lambda m: m["settings"].update(surprise=1)),
              ("missing setting", lambda m: m["settings"].pop("timeout_s")),
              ("timeout below -1", lambda m: m["settings"].update(timeout_s=-2)),
              ("flag as a string", lambda m: m["settings"].update(allow_private_targets="yes")),
              ("unknown field in an item", lambda m: m["items"][0].update(surprise=1)),
              ("item without url", lambda m: m["items"][0].pop("url")),
              ("attempt 0", lambda m: m["items"][0].update(attempt=0)),
              ("negative index", lambda m: m["items"][1].update(index=-1)),
              ("items not an array", lambda m: m.update(items={})),
              ("more than 10000 items", lambda m: m.update(items=m["items"] * 5001))],
    "done": [("outcome outside the enum", lambda m: m.update(outcome="crashed")),
             ("attempt 0", lambda m: m.update(attempt=0)),
             ("index as a string", lambda m: m.update(index="41"))],
}


@pytest.mark.parametrize("message_type, why, mutate", [
    (t, why, mutate) for t in MESSAGE_TYPES
    for why, mutate in [*mutations(t), *SPECIFIC.get(t, [])]])
def test_schema_rejects_mutated_examples(message_type, why, mutate):
    message = copy.deepcopy(example_of(message_type))
    assert not errors(message_type, message)
    mutate(message)
    assert errors(message_type, message), f"a {message_type} with {why} was accepted"


def record_mutations(name, example):
    """(why, mutate) pairs that every record schema must reject: an unknown
    field, each required field missing, each field of another JSON type."""
    record = example_of(example)
    yield "unknown field", lambda m: m.update(surprise="1")
    for field in shape_of(name, record)["required"]:
        yield f"missing {field}", lambda m, f=field: m.pop(f)
    for field, value in record.items():
        other = 7 if isinstance(value, str) or value is None else str(value)
        yield f"{field} as {type(other).__name__}", lambda m, f=field, o=other: m.update({f: o})


RECORD_SPECIFIC = {
    "url_result": [("outcome outside the enum", lambda m: m.update(outcome="crashed")),
                   ("outcome failed on a visit result", lambda m: m.update(outcome="failed")),
                   ("attempt 0", lambda m: m.update(attempt=0)),
                   ("negative index", lambda m: m.update(index=-1)),
                   ("fractional requests", lambda m: m.update(requests=1.5)),
                   ("negative records_cut", lambda m: m.update(records_cut=-1)),
                   ("empty visit_id", lambda m: m.update(visit_id=""))],
    "url_result_failed": [("a visit outcome", lambda m: m.update(outcome="ok")),
                          ("error null", lambda m: m.update(error=None)),
                          ("a visit_id", lambda m: m.update(visit_id="nightly-7-a3")),
                          ("a site", lambda m: m.update(site="example.net")),
                          ("requests counted", lambda m: m.update(requests=3)),
                          ("records cut", lambda m: m.update(records_cut=1)),
                          ("attempt 0", lambda m: m.update(attempt=0))],
    "site_summary": [("outcome failed", lambda m: m.update(outcome="failed")),
                     ("negative third_parties", lambda m: m.update(third_parties=-1)),
                     ("fractional jar_cookies", lambda m: m.update(jar_cookies=2.5)),
                     ("empty visit_id", lambda m: m.update(visit_id=""))],
    "scan_request": [("request_id with a space", lambda m: m.update(request_id="ticket 1")),
                     ("request_id of 129 characters", lambda m: m.update(request_id="a" * 129)),
                     ("empty request_id", lambda m: m.update(request_id="")),
                     ("empty urls", lambda m: m.update(urls="")),
                     ("timeout with a unit", lambda m: m.update(timeout_s="30s")),
                     ("negative dwell", lambda m: m.update(min_dwell_s="-1")),
                     ("quiet period of an hour", lambda m: m.update(quiet_period_s="3600")),
                     ("timeout in exponent notation", lambda m: m.update(timeout_s="3e1")),
                     ("ttl with a unit", lambda m: m.update(ttl_s="7d")),
                     ("negative ttl", lambda m: m.update(ttl_s="-1")),
                     ("ttl of 13 digits", lambda m: m.update(ttl_s="1" * 13)),
                     ("the requester's allow_private_targets",
                      lambda m: m.update(allow_private_targets="true"))],
    "scan_reply_done": [("other type", lambda m: m.update(type="scan_failed")),
                        ("other version", lambda m: m.update(v="2")),
                        ("an error field", lambda m: m.update(error="x")),
                        ("negative total", lambda m: m.update(total="-1")),
                        ("count with a sign", lambda m: m.update(done="+2")),
                        ("run not of the request", lambda m: m.update(run="nightly-2026-11-29")),
                        ("finished_at without milliseconds",
                         lambda m: m.update(finished_at="2026-11-29T14:03:27Z"))],
    "scan_reply_rejected": [("other type", lambda m: m.update(type="scan_failed")),
                            ("other version", lambda m: m.update(v="2")),
                            ("a run field", lambda m: m.update(run="ondemand-x")),
                            ("empty error", lambda m: m.update(error=""))],
}


@pytest.mark.parametrize("name, example, why, mutate", [
    (name, example, why, mutate) for name, example in RECORD_CASES
    for why, mutate in [*record_mutations(name, example), *RECORD_SPECIFIC.get(example, [])]])
def test_record_schema_rejects_mutated_examples(name, example, why, mutate):
    record = copy.deepcopy(example_of(example))
    assert not errors(name, record)
    mutate(record)
    assert errors(name, record), f"a {example} with {why} was accepted"
