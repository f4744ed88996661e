"""Deleting runs: `trackscan delete RUN` takes every key of a run out of
Redis and leaves other runs alone; a run submitted with `--ttl` is deleted by
the coordinator once it has been done that long, and an on-demand request's
`ttl_s` is stored with its run. No browser: the second test's worker is a
ZeroMQ peer that reports each URL done."""

import json
import os
import signal
import subprocess
import tempfile
import time

import pytest

from test_fleet import RedisServer


@pytest.fixture
def redis_url(session_tmp):
    server = RedisServer(tempfile.mkdtemp(prefix="redis-", dir=session_tmp))
    server.start()
    yield server.url
    server.kill()


def cli(redis_url, *args):
    """redis-cli's raw output lines, without empty ones (an empty list prints one)."""
    out = subprocess.run(["redis-cli", "-s", redis_url[len("unix://"):], "--raw", *args], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    return [line for line in out.splitlines() if line]


def keys_of(redis_url, run):
    return sorted(k for k in cli(redis_url, "--scan", "--pattern", f"ts:run:{run}*")
                  if k == f"ts:run:{run}" or k.startswith(f"ts:run:{run}:"))


def trackscan(trackscan_bin, *args, stdin=""):
    return subprocess.run([trackscan_bin, *args], input=stdin, capture_output=True, text=True, timeout=60)


def submit(trackscan_bin, redis_url, run, n, *flags):
    urls = "".join(f"https://site{i}.example/\n" for i in range(n))
    proc = trackscan(trackscan_bin, "submit", "-", "--run", run, "--redis", redis_url, *flags, stdin=urls)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_delete_takes_every_key_of_a_run_and_only_those(trackscan_bin, redis_url):
    submit(trackscan_bin, redis_url, "del1", 5, "--ttl", "3600")
    submit(trackscan_bin, redis_url, "other", 2)
    assert cli(redis_url, "HGET", "ts:run:del1", "ttl_s") == ["3600"]
    assert cli(redis_url, "HGET", "ts:run:other", "ttl_s") == ["0"]
    # What workers would have stored: records, a result, aggregates.
    for argv in (["RPUSH", "ts:run:del1:visits", "del1-0-a1"], ["SET", "ts:run:del1:visit:del1-0-a1", "records"],
                 ["HSET", "ts:run:del1:results", "0", "{}"], ["HSET", "ts:run:del1:sites", "site0.example", "{}"],
                 ["SADD", "ts:run:del1:site_tp:site0.example", "tracker.com"],
                 ["ZINCRBY", "ts:run:del1:third_parties", "1", "tracker.com"],
                 ["SADD", "ts:run:del1:tp:tracker.com", "site0.example"]):
        cli(redis_url, *argv)
    other_keys = keys_of(redis_url, "other")
    assert len(keys_of(redis_url, "del1")) >= 8

    deleted = trackscan(trackscan_bin, "delete", "del1", "--redis", redis_url)
    assert deleted.returncode == 0, deleted.stderr
    assert "deleting del1: queued, 5 URLs" in deleted.stdout and "run del1 deleted" in deleted.stdout, deleted.stdout
    assert keys_of(redis_url, "del1") == []
    assert cli(redis_url, "ZRANGE", "ts:runs", "0", "-1") == ["other"]
    assert cli(redis_url, "ZRANGE", "ts:queue", "0", "-1") == ["other"]
    assert keys_of(redis_url, "other") == other_keys

    status = trackscan(trackscan_bin, "status", "del1", "--redis", redis_url)
    assert status.returncode != 0 and "unknown run del1" in status.stderr, (status.stdout, status.stderr)
    again = trackscan(trackscan_bin, "delete", "del1", "--redis", redis_url)
    assert again.returncode != 0 and "unknown run del1" in again.stderr, (again.stdout, again.stderr)
    assert "other: queued, 2 URLs" in trackscan(trackscan_bin, "status", "other", "--redis", redis_url).stdout


def test_coordinator_deletes_a_run_once_its_ttl_has_passed(trackscan_bin, session_tmp, redis_url):
    import zmq
    submit(trackscan_bin, redis_url, "short", 3, "--ttl", "1")
    submit(trackscan_bin, redis_url, "kept", 1)
    work = tempfile.mkdtemp(prefix="ttl-", dir=session_tmp)
    endpoint = f"ipc://{work}/coordinator.sock"
    coordinator = subprocess.Popen([trackscan_bin, "coordinator", "--bind", endpoint, "--redis", redis_url],
                                   env=dict(os.environ, TMPDIR=session_tmp), stderr=subprocess.PIPE, text=True)
    context = zmq.Context()
    try:
        peer = context.socket(zmq.DEALER)
        peer.setsockopt(zmq.LINGER, 0)
        peer.connect(endpoint)
        peer.send(b'{"v":1,"type":"ready","worker_id":"fake","capacity":3}')
        # The oldest run is leased first: "short" in one batch of 3; each URL
        # gets its result, as ResultSink would store it, then is reported done.
        deadline, reported = time.monotonic() + 30, 0
        while reported < 3 and time.monotonic() < deadline:
            if not peer.poll(500):
                peer.send(b'{"v":1,"type":"heartbeat","worker_id":"fake"}')
                continue
            message = json.loads(peer.recv())
            if message["type"] != "batch":
                continue
            assert message["run"] == "short", message
            for item in message["items"]:
                cli(redis_url, "HSETNX", "ts:run:short:results", str(item["index"]), "{}")
                peer.send(json.dumps({"v": 1, "type": "done", "worker_id": "fake", "run": "short",
                                      "batch_id": message["batch_id"], "index": item["index"],
                                      "visit_id": f"short-{item['index']}-a1", "outcome": "ok",
                                      "attempt": item["attempt"]}).encode())
                reported += 1
        assert reported == 3, "the coordinator did not lease the run's URLs"
        deadline = time.monotonic() + 20
        while keys_of(redis_url, "short") and time.monotonic() < deadline:
            peer.send(b'{"v":1,"type":"heartbeat","worker_id":"fake"}')
            time.sleep(0.5)
        assert keys_of(redis_url, "short") == [], "the run was not deleted after its TTL"
        assert cli(redis_url, "ZRANGE", "ts:expiry", "0", "-1") == []
        assert "short" not in cli(redis_url, "ZRANGE", "ts:runs", "0", "-1")
        assert cli(redis_url, "HGET", "ts:run:kept", "state") == ["queued"]  # no TTL: kept

        # An on-demand request sets its run's ttl_s; a value that is not digits is ignored.
        cli(redis_url, "XADD", "ts:requests", "*", "request_id", "t1", "urls", "https://a.example/", "ttl_s", "600")
        cli(redis_url, "XADD", "ts:requests", "*", "request_id", "t2", "urls", "https://a.example/", "ttl_s", "7d")
        deadline = time.monotonic() + 10
        while not cli(redis_url, "EXISTS", "ts:run:ondemand-t2") == ["1"] and time.monotonic() < deadline:
            peer.send(b'{"v":1,"type":"heartbeat","worker_id":"fake"}')
            time.sleep(0.5)
        assert cli(redis_url, "HGET", "ts:run:ondemand-t1", "ttl_s") == ["600"]
        assert cli(redis_url, "HGET", "ts:run:ondemand-t2", "ttl_s") == ["0"]
        assert coordinator.poll() is None, "the coordinator died"
    finally:
        context.destroy(linger=0)
        coordinator.send_signal(signal.SIGTERM)
        _, stderr = coordinator.communicate(timeout=30)
    assert "run short done" in stderr and "run short deleted: its TTL passed" in stderr, stderr[-3000:]
