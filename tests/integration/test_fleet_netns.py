"""Workers on other hosts: two `trackscan worker`s, each in its own Linux
network namespace, reach the coordinator, Redis and the fixture web over
TCP on a bridge (no unix sockets, no loopback), as a fleet spread over
machines does. Mid-run one worker's link is cut (its bridge port goes down:
its packets are dropped, nothing is closed or reset), which is what a
network partition looks like to the coordinator.

What it proves:
- both workers took work over the network and stored results before the cut;
- the coordinator notices the silence (3 s of missed heartbeats, with a
  lease long enough that only the heartbeats can tell), puts the cut
  worker's batches back, and the other worker finishes the run: it ends
  `done`, one final result per URL, the URLs the cut worker held are
  visited again (attempt 2) by the survivor, and the export holds no
  duplicate record and every URL's final visit (check_run, exact=False);
- once the link is back, the cut worker rejoins (the coordinator logs it
  joined again and then keeps hearing it) and keeps running, and the visits
  it finished during the cut and kept, written late, change no result;
- the Redis password in the workers' URL shows in no log.

Which worker made a visit is told by the data itself: each worker's Chromium
sends its own User-Agent marker, which the visit's request records carry.

Needs root (or CAP_NET_ADMIN + CAP_SYS_ADMIN) for `ip netns` and veth pairs;
skipped, with the reason, when a namespace cannot be made.
"""

import dataclasses
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import time

import pytest

import fixture_server
from conftest import parse_jsonl
from test_fleet import FLEET_FLAGS, WORKER_EGRESS, check_run, exported, run_status, stop_all, urls, wait_for_run

RUN = "netns1"
URL_COUNT = 18
SURVIVOR, VICTIM = "survivor", "victim"
# Appended to each worker's User-Agent, then the worker's id.
UA_MARK = "trackscan-netns-test/"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 "


# ---------------------------------------------------------------- the network

def ip(*args, check=True):
    out = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if check and out.returncode != 0:
        raise AssertionError(f"ip {' '.join(args)}: {out.stderr.strip()}")
    return out


@dataclasses.dataclass
class Host:
    """A worker's "machine": a network namespace joined to the bridge by a veth pair."""
    name: str       # also the worker's id
    netns: str
    root_veth: str  # the root namespace's end, a port of the bridge: down = cut off
    address: str


@dataclasses.dataclass
class Net:
    bridge: str
    gateway: str    # the root namespace's address on the bridge: coordinator, Redis and web listen here
    hosts: dict     # name -> Host


def free_subnet():
    """10.213.N (a /24) that no address or route on this machine uses yet."""
    used = ip("-4", "-o", "addr", "show").stdout + ip("-4", "route", "show", "table", "all").stdout
    for k in range(200):
        prefix = f"10.213.{20 + (os.getpid() + k) % 200}"
        if prefix + "." not in used:
            return prefix
    pytest.fail("no free 10.213.N.0/24 subnet for the test network")


def remove_netns(netns):
    # A namespace with processes left in it outlives `ip netns del` (and so
    # does its veth pair): end them first. Only this test's processes run there.
    pids = ip("netns", "pids", netns, check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    deadline = time.monotonic() + 10
    while ip("netns", "pids", netns, check=False).stdout.split() and time.monotonic() < deadline:
        time.sleep(0.1)
    ip("netns", "del", netns, check=False)


@pytest.fixture
def two_hosts():
    """A bridge with the gateway address in the root namespace, and two
    namespaces (survivor, victim) on it; all removed afterwards, even after a
    failure. Names carry the pid, so parallel runs do not collide."""
    tag = f"ts{os.getpid()}"
    prefix = free_subnet()
    net = Net(bridge=f"{tag}br", gateway=f"{prefix}.1", hosts={})
    for n, name in enumerate([SURVIVOR, VICTIM]):
        net.hosts[name] = Host(name, f"{tag}-{name}", f"{tag}r{n}", f"{prefix}.{n + 2}")
    first = next(iter(net.hosts.values()))
    made = ip("netns", "add", first.netns, check=False)
    if made.returncode != 0:
        if any(s in made.stderr.lower() for s in ("permission denied", "not permitted")):
            pytest.skip(f"cannot make a network namespace (needs root / CAP_SYS_ADMIN): {made.stderr.strip()}")
        pytest.fail(f"ip netns add {first.netns}: {made.stderr.strip()}")
    try:
        ip("link", "add", net.bridge, "type", "bridge")
        ip("addr", "add", f"{net.gateway}/24", "dev", net.bridge)
        ip("link", "set", net.bridge, "up")
        for host in net.hosts.values():
            if host is not first:
                ip("netns", "add", host.netns)
            ip("link", "add", host.root_veth, "type", "veth", "peer", "name", "eth0", "netns", host.netns)
            ip("link", "set", host.root_veth, "master", net.bridge)
            ip("link", "set", host.root_veth, "up")
            ip("-n", host.netns, "addr", "add", f"{host.address}/24", "dev", "eth0")
            ip("-n", host.netns, "link", "set", "eth0", "up")
            ip("-n", host.netns, "link", "set", "lo", "up")  # Chromium's DevTools port is on 127.0.0.1
        yield net
    finally:
        for host in net.hosts.values():
            remove_netns(host.netns)  # takes its veth pair with it
            ip("link", "del", host.root_veth, check=False)
        ip("link", "del", net.bridge, check=False)


def set_link(host, up):
    ip("link", "set", host.root_veth, "up" if up else "down")


def free_port(address):
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- Redis over TCP

class TcpRedis:
    """redis-server listening only on `address`, asking for a password, as a
    fleet's Redis on another machine would; nothing is persisted."""

    def __init__(self, work, address):
        self.address, self.port = address, free_port(address)
        self.password = secrets.token_hex(12)
        self.url = f"redis://:{self.password}@{address}:{self.port}/0"
        conf = os.path.join(work, "redis.conf")
        with open(conf, "w") as f:  # in a file, so the password is not on a command line
            f.write(f'bind {address}\nport {self.port}\nrequirepass {self.password}\nsave ""\n'
                    f"appendonly no\ndir {work}\n")
        self.proc = subprocess.Popen(["redis-server", conf], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while self.cli("PING").strip() != "PONG":
            assert self.proc.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-h", self.address, "-p", str(self.port), "--raw", *args],
                              env=dict(os.environ, REDISCLI_AUTH=self.password), capture_output=True, text=True,
                              timeout=30).stdout

    def hash(self, key):
        lines = [line for line in self.cli("HGETALL", key).split("\n") if line]  # values are one-line JSON
        return dict(zip(lines[::2], lines[1::2]))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


# ---------------------------------------------------------------- who did what

def worker_of(records):
    """The worker whose Chromium made a visit, from the User-Agent its requests
    carry; None when no request record has the marker."""
    for r in records:
        if r.get("type") != "request":
            continue
        for name, value in r.get("request_headers") or []:
            if name.lower() == "user-agent" and UA_MARK in value:
                return value.split(UA_MARK, 1)[1]
    return None


def workers_by_visit(records):
    """visit id -> worker, for a run's exported records."""
    by_visit = {}
    for r in records:
        by_visit.setdefault(r["visit_id"], []).append(r)
    return {visit_id: worker_of(rs) for visit_id, rs in by_visit.items()}


def results(redis):
    """index -> final result, as stored in ts:run:R:results."""
    return {int(i): json.loads(v) for i, v in redis.hash(f"ts:run:{RUN}:results").items()}


def holdings(redis):
    """worker -> indexes of its batches in flight (ts:run:R:batches: items as
    leased, some maybe done already; subtract the results for what is left)."""
    held = {}
    for value in redis.hash(f"ts:run:{RUN}:batches").values():
        batch = json.loads(value)
        held.setdefault(batch["w"], set()).update(item["i"] for item in batch["items"])
    return held


def visit_workers(trackscan_bin, redis_url):
    """visit id -> worker, for every visit stored so far (`trackscan export`
    reads a run in progress too; a result and its visit's records are
    written in one script, so a result read before names a visit found here)."""
    out = subprocess.run([trackscan_bin, "export", RUN, "--redis", redis_url], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return workers_by_visit(parse_jsonl(out.stdout))


def victim_events(coordinator_log_path):
    """"joined" / "went silent", in order, as the coordinator logged them for the victim."""
    return re.findall(rf"coordinator \w+: worker {VICTIM} (joined|went silent)$", read(coordinator_log_path), re.M)


def read(path):
    if not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return f.read()


# ---------------------------------------------------------------- the fleet

class Fleet:
    """The coordinator in the root namespace and one worker per host, each
    process logging to its own file in `work`."""

    def __init__(self, trackscan_bin, work, env, net, redis, web):
        self.bin, self.work, self.env, self.net, self.redis, self.web = trackscan_bin, work, env, net, redis, web
        self.endpoint = f"tcp://{net.gateway}:{free_port(net.gateway)}"
        self.procs, self.logs = {}, {}

    def _start(self, name, cmd):
        self.logs[name] = os.path.join(self.work, f"{name}.log")
        with open(self.logs[name], "w") as log:
            self.procs[name] = subprocess.Popen(cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=log,
                                                start_new_session=True)

    def start(self):
        # Small batches, so both workers get some; a lease far longer than the
        # run, so only the missed heartbeats can hand the cut worker's batches back.
        self._start("coordinator", [self.bin, "coordinator", "--bind", self.endpoint, "--redis", self.redis.url,
                                    "--batch-size", "2", "--lease", "600"])
        for host in self.net.hosts.values():
            self._start(host.name, [
                "ip", "netns", "exec", host.netns,  # execs the worker: its pid is the worker's
                self.bin, "worker", *WORKER_EGRESS, "--connect", self.endpoint, "--redis", self.redis.url, "--tabs", "1",
                "--id", host.name, *FLEET_FLAGS,
                f"--chrome-flag=--host-resolver-rules=MAP * {self.net.gateway}:{self.web.port}",
                "--chrome-flag=--ignore-certificate-errors", "--chrome-flag=--disable-features=HttpsUpgrades",
                f"--chrome-flag=--user-agent={UA}{UA_MARK}{host.name}"])

    def stop(self):
        stop_all(list(self.procs.values()))

    def alive(self, *names):
        return all(self.procs[name].poll() is None for name in names or self.procs)

    def log(self, name):
        return read(self.logs[name])

    def diagnostics(self):
        status = run_status(self.bin, self.redis.url, RUN)[1]
        return (f"status: {status}batches in flight: {holdings(self.redis)}\n" +
                "\n".join(f"--- {name} log:\n{self.log(name)[-3000:]}" for name in self.logs))

    def wait_until_both_at_work(self, timeout=120):
        """Waits until each worker has a final result stored and both hold a
        batch (decided from Redis, not from how long we waited); returns the
        results then."""
        deadline = time.monotonic() + timeout
        while True:
            done = results(self.redis)
            known = visit_workers(self.bin, self.redis.url)
            by = {known.get(r["visit_id"]) for r in done.values()}
            held = holdings(self.redis)
            if {SURVIVOR, VICTIM} <= by and held.get(SURVIVOR) and held.get(VICTIM):
                return done
            assert self.alive(), "a process exited\n" + self.diagnostics()
            assert time.monotonic() < deadline, \
                f"not both workers at work: results by {by}, batches {held}\n" + self.diagnostics()
            time.sleep(0.3)

    def wait_until_victim_rejoined(self, since_events, timeout=90, steady_s=5):
        """Waits for a "joined" after the first `since_events` victim events
        that no "went silent" follows for `steady_s` (a join alone could come
        from messages the dead connection still held)."""
        deadline, seen, since = time.monotonic() + timeout, since_events, None
        while True:
            events = victim_events(self.logs["coordinator"])
            if len(events) > since_events and events[-1] == "joined":
                if len(events) != seen:
                    seen, since = len(events), time.monotonic()
                elif time.monotonic() - since >= steady_s:
                    return
            assert self.alive(VICTIM), "the victim exited after the link came back\n" + self.diagnostics()
            assert time.monotonic() < deadline, \
                f"the victim did not rejoin for good within {timeout} s: {events}\n" + self.diagnostics()
            time.sleep(0.5)


# ---------------------------------------------------------------- the test

def test_a_worker_cut_off_the_network_is_noticed_and_the_other_finishes(trackscan_bin, session_tmp, validators,
                                                                        two_hosts):
    net = two_hosts
    work = tempfile.mkdtemp(prefix="netns-", dir=session_tmp)
    env = dict(os.environ, TMPDIR=session_tmp)
    wanted = urls(URL_COUNT)
    done_line = f"{RUN}: done, {URL_COUNT} URLs: {URL_COUNT} done, 0 failed"
    # The fixture web and Redis listen on the gateway address only: the
    # workers reach them over their veth, and nothing leaves the machine.
    web = fixture_server.FixtureServer(work, host=net.gateway).start()
    redis = fleet = None
    cut = False
    try:
        redis = TcpRedis(work, net.gateway)
        submit = subprocess.run([trackscan_bin, "submit", "-", "--run", RUN, "--redis", redis.url,
                                 "--allow-private-targets"], input="\n".join(wanted), env=env,
                                capture_output=True, text=True, timeout=60)
        assert submit.returncode == 0 and f"{URL_COUNT} URLs queued" in submit.stdout, submit.stderr
        before = web.log_length()
        fleet = Fleet(trackscan_bin, work, env, net, redis, web)
        fleet.start()
        done_before = fleet.wait_until_both_at_work()

        set_link(net.hosts[VICTIM], up=False)
        cut = True
        held_at_cut = holdings(redis).get(VICTIM, set())
        # What the victim sent before the cut has reached Redis by now; from
        # here on nothing of its can, so these are the URLs it left unfinished.
        time.sleep(0.5)
        done_at_cut = results(redis)
        unfinished = held_at_cut - set(done_at_cut)

        status = wait_for_run(trackscan_bin, redis.url, RUN, timeout=150)
        assert done_line in status, fleet.diagnostics()
        after = web.log_length()
        final = results(redis)
        coordinator_log = fleet.log("coordinator")
        assert f"worker {VICTIM} went silent" in coordinator_log, coordinator_log[-3000:]
        if held_at_cut:
            assert f"put back: worker {VICTIM} went silent" in coordinator_log, coordinator_log[-3000:]

        # The export: one final visit per URL, nothing twice, everything the
        # server got is in some final visit.
        records, rows = exported(trackscan_bin, redis.url, RUN)
        assert sorted(int(r["index"]) for r in rows) == list(range(URL_COUNT)), rows
        check_run(records, wanted, web.entries_since(before, after), validators, exact=False)
        final_worker = workers_by_visit(records)
        assert None not in final_worker.values(), f"final visits without the User-Agent marker: {final_worker}"

        # Both workers did work before the cut, and everything finished after
        # it was finished by the survivor, including what the victim had held.
        assert {final_worker[r["visit_id"]] for r in done_before.values()} == {SURVIVOR, VICTIM}, final_worker
        late = {i: final_worker[r["visit_id"]] for i, r in final.items() if i not in done_at_cut}
        assert late and set(late.values()) == {SURVIVOR}, late
        for i in unfinished:
            assert final[i]["attempt"] >= 2 and final_worker[final[i]["visit_id"]] == SURVIVOR, final[i]

        # The link comes back: the victim rejoins and the coordinator keeps hearing it.
        events_before = len(victim_events(fleet.logs["coordinator"]))
        set_link(net.hosts[VICTIM], up=True)
        cut = False
        fleet.wait_until_victim_rejoined(events_before)

        # The visits it finished during the cut and kept land now, and change
        # no final result (HSETNX): the run stays as it was.
        kept = set(re.findall(r"Redis did not take (\S+) \(kept", fleet.log(VICTIM)))
        deadline = time.monotonic() + 60
        while any(redis.cli("EXISTS", f"ts:run:{RUN}:visit:{v}").strip() != "1" for v in kept):
            assert time.monotonic() < deadline, f"kept visits {kept} never reached Redis\n" + fleet.diagnostics()
            time.sleep(0.5)
        assert results(redis) == final
        assert done_line in run_status(trackscan_bin, redis.url, RUN)[1]

        # Work leased after the heal reaches a live connection: a new run
        # finishes long before the 600 s lease, which is all that would put
        # back batches sent into the victim's dead connection.
        again = subprocess.run([trackscan_bin, "submit", "-", "--run", "netns2", "--redis", redis.url,
                                "--allow-private-targets"], input="\n".join(urls(6)), env=env,
                               capture_output=True, text=True, timeout=60)
        assert again.returncode == 0, again.stderr
        status = wait_for_run(trackscan_bin, redis.url, "netns2", timeout=120)
        assert "netns2: done, 6 URLs: 6 done, 0 failed" in status, fleet.diagnostics()

        assert fleet.alive(), fleet.diagnostics()
        for name in fleet.logs:
            assert redis.password not in fleet.log(name), f"the Redis password is in the {name} log"
    finally:
        if cut:
            set_link(net.hosts[VICTIM], up=True)  # so the victim can hand back and stop cleanly
        if fleet:
            fleet.stop()
        if redis:
            redis.stop()
        web.stop()
