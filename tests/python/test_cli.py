"""The `robustmq` admin CLI against a real robustmqd: every command's output, and the
server state it leaves behind checked with a real Kafka client (confluent-kafka).

The CLI binary is $ROBUSTMQ_CLI, else /root/.cache/robustmq-target/debug/robustmq. Each
call runs with stdin a pipe (not a terminal), no inherited ROBUSTMQ_* variables, and
--server pointing at the test's daemon admin listener.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from confluent_kafka import TopicPartition
from confluent_kafka.admin import ConfigResource, ResourceType

from support import (Rec, admin, consumer, create_topic, poll_messages, produce_records,
                     read_partition, topic_ready, unique, wait_until, watermarks)

T = 20  # seconds for any single client call
CLI_TIMEOUT = 60
DEFAULT_CLI = Path("/root/.cache/robustmq-target/debug/robustmq")


# --------------------------------------------------------------------------
# Running the CLI
# --------------------------------------------------------------------------

class Result:
    def __init__(self, args: list[str], proc: subprocess.CompletedProcess):
        self.args = args
        self.rc = proc.returncode
        self.raw = proc.stdout
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"robustmq {' '.join(self.args)} -> rc={self.rc}\nstdout:\n{self.out}\nstderr:\n{self.err}"

    def json(self):
        assert self.rc == 0, repr(self)
        try:
            return json.loads(self.out)
        except ValueError as e:
            raise AssertionError(f"stdout is not one JSON document ({e}): {self!r}")


def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROBUSTMQ_")}
    env.update(extra or {})
    return env


class Cli:
    """Runs the binary against one admin address."""

    def __init__(self, binary: Path, server: str):
        self.binary = binary
        self.server = server

    def argv(self, args) -> list[str]:
        return [str(self.binary), "--server", self.server, *map(str, args)]

    def __call__(self, *args, stdin: bytes = b"", env: dict | None = None,
                 timeout: float = CLI_TIMEOUT) -> Result:
        proc = subprocess.run(self.argv(args), input=stdin, capture_output=True,
                              env=cli_env(env), timeout=timeout)
        return Result([str(a) for a in args], proc)

    def ok(self, *args, **kw) -> Result:
        r = self(*args, **kw)
        assert r.rc == 0, repr(r)
        return r

    def json(self, *args, **kw):
        return self.ok("-o", "json", *args, **kw).json()

    def spawn(self, *args, env: dict | None = None) -> subprocess.Popen:
        return subprocess.Popen(self.argv(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=cli_env(env))


class Lines:
    """Reads a child's stdout lines on a thread, so tests can wait with a deadline."""

    def __init__(self, stream):
        self.q: queue.Queue = queue.Queue()
        self.t = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.t.start()

    def _pump(self, stream):
        for line in iter(stream.readline, b""):
            self.q.put(line)
        self.q.put(None)

    def take(self, n: int, timeout: float, between=None) -> list[bytes]:
        """n lines within timeout; `between()` runs while waiting (e.g. to produce more)."""
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            left = deadline - time.monotonic()
            assert left > 0, f"got {len(out)}/{n} lines within {timeout}s: {out!r}"
            if between is not None:
                between()
            try:
                line = self.q.get(timeout=min(left, 0.3))
            except queue.Empty:
                continue
            assert line is not None, f"stdout closed after {len(out)}/{n} lines: {out!r}"
            out.append(line)
        return out


@pytest.fixture(scope="session")
def cli_binary() -> Path:
    p = Path(os.environ.get("ROBUSTMQ_CLI") or DEFAULT_CLI)
    if not (p.is_file() and os.access(p, os.X_OK)):
        pytest.fail(f"robustmq CLI binary not found at {p} (set ROBUSTMQ_CLI)", pytrace=False)
    return p


@pytest.fixture
def cli_for(cli_binary):
    return lambda server: Cli(cli_binary, server)


@pytest.fixture
def cli(robustmq, cli_for) -> Cli:
    return cli_for(robustmq.admin_addr)


def configs(bootstrap: str, topic: str) -> dict:
    adm = admin(bootstrap)
    res = ConfigResource(ResourceType.TOPIC, topic)
    return adm.describe_configs([res], request_timeout=T)[res].result(timeout=T)


def committed(bootstrap: str, group: str, topic: str, partitions: int = 1) -> list[int]:
    c = consumer(bootstrap, group)
    try:
        tps = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=T)
        return [tp.offset for tp in tps]
    finally:
        c.close()


def group_conf(**extra):
    return {"session.timeout.ms": 6000, "heartbeat.interval.ms": 500, **extra}



# --------------------------------------------------------------------------
# Topics
# --------------------------------------------------------------------------

def test_topic_create_list_describe(robustmq, cli):
    topic = unique("cli-create")
    r = cli.ok("topic", "create", topic, "--partitions", 3, "--config", "retention.ms=123456789")
    assert f"created topic {topic} with 3 partitions" in r.out, r

    adm = admin(robustmq.bootstrap)
    wait_until(lambda: topic_ready(adm, topic, 3), T, f"{topic} with 3 partitions in Kafka metadata")
    assert configs(robustmq.bootstrap, topic)["retention.ms"].value == "123456789"

    listed = {t["name"]: t for t in cli.json("topic", "list")["topics"]}
    assert set(listed[topic]) == {"name", "partitions", "size_bytes", "records"}
    assert (listed[topic]["partitions"], listed[topic]["records"]) == (3, 0), listed[topic]
    # Piped, the table is plain text: one line per topic starting with its name.
    table = cli.ok("topic", "list").out.splitlines()
    assert table[0].split()[:2] == ["NAME", "PARTITIONS"], table
    row = [line.split() for line in table if line.split()[:1] == [topic]]
    assert row and row[0][1] == "3", table
    assert all(ord(ch) < 128 for ch in "".join(table)), "box-drawing characters in piped output"

    d = cli.json("topic", "describe", topic)
    assert d["name"] == topic and d["id"]
    assert [p["partition"] for p in d["partitions"]] == [0, 1, 2]
    assert all(p["log_start_offset"] == 0 == p["log_end_offset"] for p in d["partitions"])
    cfg = {c["name"]: c for c in d["configs"]}
    assert cfg["retention.ms"]["value"] == "123456789" and cfg["retention.ms"]["is_default"] is False
    assert all({"name", "value", "is_default", "read_only"} == set(c) for c in d["configs"])
    text = cli.ok("topic", "describe", topic).out
    assert "retention.ms" in text and "123456789" in text


def test_topic_create_json_output_and_default_partitions(robustmq, cli):
    topic = unique("cli-json")
    d = cli.json("topic", "create", topic)
    assert d["name"] == topic and len(d["partitions"]) >= 1
    adm = admin(robustmq.bootstrap)
    wait_until(lambda: topic_ready(adm, topic, len(d["partitions"])), T, "topic in metadata")


def test_topic_alter_configs_visible_to_kafka(robustmq, cli):
    topic = unique("cli-alter")
    create_topic(robustmq.bootstrap, topic)
    default_ms = configs(robustmq.bootstrap, topic)["retention.ms"].value

    r = cli.ok("topic", "alter", topic, "--config", "retention.ms=3600000",
               "--config", "cleanup.policy=compact")
    assert "retention.ms" in r.out and "3600000" in r.out, r
    cfg = configs(robustmq.bootstrap, topic)
    assert cfg["retention.ms"].value == "3600000"
    assert cfg["cleanup.policy"].value == "compact"

    d = cli.json("topic", "alter", topic, "--delete-config", "retention.ms")
    mine = {c["name"]: c for c in d["configs"]}
    assert mine["retention.ms"]["is_default"] is True
    cfg = configs(robustmq.bootstrap, topic)
    assert cfg["retention.ms"].value == default_ms == mine["retention.ms"]["value"]
    assert cfg["cleanup.policy"].value == "compact", "removing one override touched another"

    # An empty value would silently mean "remove": refused, nothing changed.
    r = cli("topic", "alter", topic, "--config", "cleanup.policy=")
    assert r.rc == 6, r
    assert configs(robustmq.bootstrap, topic)["cleanup.policy"].value == "compact"
    # A config robustmqd does not know is an invalid argument.
    r = cli("topic", "alter", topic, "--config", "no.such.config=1")
    assert r.rc == 6, r
    # Neither --config nor --delete-config: a usage error.
    assert cli("topic", "alter", topic).rc == 2


def test_topic_add_partitions(robustmq, cli):
    topic = unique("cli-grow")
    create_topic(robustmq.bootstrap, topic, partitions=2)
    r = cli.ok("topic", "add-partitions", topic, "--total", 5)
    assert f"topic {topic} now has 5 partitions" in r.out, r
    adm = admin(robustmq.bootstrap)
    wait_until(lambda: topic_ready(adm, topic, 5), T, "5 partitions in Kafka metadata")
    # Topics never shrink.
    r = cli("topic", "add-partitions", topic, "--total", 3)
    assert r.rc == 6, r
    assert len(cli.json("topic", "describe", topic)["partitions"]) == 5


def test_topic_delete_needs_yes_without_a_terminal(robustmq, cli):
    topic = unique("cli-del")
    create_topic(robustmq.bootstrap, topic)
    r = cli("topic", "delete", topic)
    assert r.rc == 6, r
    assert "--yes" in r.err, r
    adm = admin(robustmq.bootstrap)
    assert topic in adm.list_topics(timeout=5).topics, "deleted without confirmation"

    r = cli.ok("topic", "delete", topic, "--yes")
    assert f"deleted topic {topic}" in r.out
    wait_until(lambda: topic not in adm.list_topics(timeout=5).topics, T,
               f"{topic} to disappear from Kafka metadata")
    assert cli("topic", "describe", topic).rc == 4


# --------------------------------------------------------------------------
# Consume (records produced by a Kafka client)
# --------------------------------------------------------------------------

def test_consume_kafka_records_with_format_and_count(robustmq, cli):
    topic = unique("cli-consume")
    create_topic(robustmq.bootstrap, topic)
    base = 1_700_000_000_000
    recs = [
        Rec(b"k0", b"hello", [("h1", b"a"), ("h2", b"b")], base),
        Rec(None, b"no key", [], base + 1000),
        Rec(b"k2", b"bin\xff\xfeend", [("bin", b"\xff")], base + 2000),
        Rec(b"k3", None, [], base + 3000),
        Rec(b"k4", b"last", [], base + 4000),
    ]
    produce_records(robustmq.bootstrap, topic, recs)

    r = cli.ok("consume", topic, "--from-beginning")
    assert r.out == "hello\nno key\nbin\ufffd\ufffdend\n\nlast\n", r

    r = cli.ok("consume", topic, "--from-beginning", "--count", 2)
    assert r.out == "hello\nno key\n", r

    r = cli.ok("consume", topic, "-b", "--format", "%t|%p|%o|%T|%k|%v|%h\\n")
    assert r.raw.decode("utf-8") == r.out, "output is not valid UTF-8"
    assert r.out.splitlines() == [
        f"{topic}|0|0|{base}|k0|hello|h1=a,h2=b",
        f"{topic}|0|1|{base + 1000}||no key|",
        f"{topic}|0|2|{base + 2000}|k2|bin\ufffd\ufffdend|bin=\ufffd",
        f"{topic}|0|3|{base + 3000}|k3||",
        f"{topic}|0|4|{base + 4000}|k4|last|",
    ], r

    r = cli.ok("consume", topic, "--offset", 3, "--format", "%o:%v\\n")
    assert r.out == "3:\n4:last\n", r
    r = cli.ok("consume", topic, "--from-timestamp", base + 2500, "--format", "%o\\n")
    assert r.out == "3\n4\n", r
    iso = datetime.fromtimestamp((base + 2000) / 1000, tz=timezone.utc).isoformat()
    r = cli.ok("consume", topic, "--from-timestamp", iso, "--format", "%o\\n")
    assert r.out == "2\n3\n4\n", r

    # -o json: one object per line.
    r = cli.ok("-o", "json", "consume", topic, "--from-beginning")
    lines = [json.loads(x) for x in r.out.splitlines()]
    assert len(lines) == 5, r
    assert lines[0] == {"topic": topic, "partition": 0, "offset": 0, "timestamp_ms": base,
                        "key": "k0", "value": "hello",
                        "headers": [{"key": "h1", "value": "a"}, {"key": "h2", "value": "b"}]}
    assert lines[1]["key"] is None
    assert lines[2]["value"] == "bin\ufffd\ufffdend"
    assert lines[3]["value"] is None


def test_consume_selected_partitions(robustmq, cli):
    topic = unique("cli-parts")
    create_topic(robustmq.bootstrap, topic, partitions=3)
    for p in range(3):
        produce_records(robustmq.bootstrap, topic, [Rec(None, f"p{p}-{i}".encode()) for i in range(2)],
                        partition=p)
    r = cli.ok("consume", topic, "-b", "--partition", 1, "--partition", 2, "--format", "%p %v\\n")
    assert sorted(r.out.splitlines()) == ["1 p1-0", "1 p1-1", "2 p2-0", "2 p2-1"], r
    r = cli.ok("consume", topic, "-b")
    assert sorted(r.out.splitlines()) == sorted(f"p{p}-{i}" for p in range(3) for i in range(2))
    assert cli("consume", topic, "-b", "--partition", 7).rc == 4


def test_consume_default_starts_at_the_end_and_follows(robustmq, cli):
    topic = unique("cli-tail")
    create_topic(robustmq.bootstrap, topic)
    produce_records(robustmq.bootstrap, topic, [Rec(None, b"old-%d" % i) for i in range(3)])
    proc = cli.spawn("consume", topic, "--count", 2)
    try:
        lines = Lines(proc.stdout)
        # The stream may start after some of our records: keep producing until two arrive.
        produced = []

        def more():
            produce_records(robustmq.bootstrap, topic, [Rec(None, b"new-%d" % len(produced))])
            produced.append(1)

        got = lines.take(2, timeout=30, between=more)
        assert all(x.startswith(b"new-") for x in got), got
        assert proc.wait(T) == 0, proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()


def test_a_follow_on_a_quiet_topic_outlives_the_admin_idle_timeout(daemon_factory, cli_for):
    """The admin listener closes connections whose client sends nothing for
    admin.connections_max_idle_ms; its HTTP/2 pings keep a live but quiet stream open: a
    consume --follow that waits longer than the idle timeout still prints what comes next."""
    d = daemon_factory(env={"ROBUSTMQ_ADMIN__CONNECTIONS_MAX_IDLE_MS": "1500"})
    cli = cli_for(d.admin_addr)
    topic = unique("cli-quiet")
    create_topic(d.bootstrap, topic)
    proc = cli.spawn("consume", topic, "--from-beginning", "--follow")
    try:
        time.sleep(4)  # more than twice the idle timeout with nothing to stream
        assert proc.poll() is None, proc.stderr.read()
        produce_records(d.bootstrap, topic, [Rec(None, b"late")])
        assert [x.strip() for x in Lines(proc.stdout).take(1, timeout=20)] == [b"late"]
    finally:
        proc.kill()
        proc.wait()


def test_consume_with_group_commits_what_it_printed(robustmq, cli):
    topic = unique("cli-gconsume")
    group = unique("cli-g")
    create_topic(robustmq.bootstrap, topic)
    produce_records(robustmq.bootstrap, topic, [Rec(None, b"v%d" % i) for i in range(6)])

    r = cli.ok("consume", topic, "--group", group, "--from-beginning", "--count", 4)
    assert r.out == "v0\nv1\nv2\nv3\n", r
    assert committed(robustmq.bootstrap, group, topic) == [4]

    # The next run continues from the commit and commits the end.
    r = cli.ok("consume", topic, "--group", group)
    assert r.out == "v4\nv5\n", r
    assert committed(robustmq.bootstrap, group, topic) == [6]
    d = cli.json("group", "describe", group)
    assert [(o["partition"], o["committed_offset"], o["lag"]) for o in d["offsets"]] == [(0, 6, 0)]

    # Without --from-beginning an uncommitted group starts at the end: nothing to print.
    other = unique("cli-g")
    r = cli.ok("consume", topic, "--group", other)
    assert r.out == "", r


def test_consume_follow_with_group_commits_on_ctrl_c(robustmq, cli):
    topic = unique("cli-follow")
    group = unique("cli-gf")
    create_topic(robustmq.bootstrap, topic)
    produce_records(robustmq.bootstrap, topic, [Rec(None, b"a%d" % i) for i in range(3)])
    proc = cli.spawn("consume", topic, "--group", group, "--from-beginning", "--follow")
    try:
        lines = Lines(proc.stdout)
        assert lines.take(3, timeout=30) == [b"a0\n", b"a1\n", b"a2\n"]
        produce_records(robustmq.bootstrap, topic, [Rec(None, b"b%d" % i) for i in range(2)])
        assert lines.take(2, timeout=30) == [b"b0\n", b"b1\n"]
        # While following, commits happen about every second.
        wait_until(lambda: committed(robustmq.bootstrap, group, topic) == [5], T,
                   "periodic commit while following")
        produce_records(robustmq.bootstrap, topic, [Rec(None, b"c0")])
        assert lines.take(1, timeout=30) == [b"c0\n"]
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(T)
        assert rc == 0, proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
    assert committed(robustmq.bootstrap, group, topic) == [6]


def test_consume_closed_stdout_is_not_an_error(robustmq, cli):
    topic = unique("cli-pipe")
    create_topic(robustmq.bootstrap, topic)
    # 2 MB: more than a pipe buffer holds, so the CLI is still writing when the pipe closes.
    produce_records(robustmq.bootstrap, topic, [Rec(None, b"x" * 100) for _ in range(20000)])
    proc = subprocess.Popen(cli.argv(["consume", topic, "-b"]), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=cli_env())
    try:
        assert proc.stdout.readline() == b"x" * 100 + b"\n"
        proc.stdout.close()  # like `| head -1`
        rc = proc.wait(T)
        err = proc.stderr.read().decode()
        assert rc == 0 and "panicked" not in err, (rc, err)
    finally:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------
# Produce (read back with a Kafka client)
# --------------------------------------------------------------------------

def test_produce_keys_headers_read_by_kafka(robustmq, cli):
    topic = unique("cli-produce")
    create_topic(robustmq.bootstrap, topic, partitions=2)
    r = cli.ok("produce", topic, "--key-separator", ":", "--partition", 1,
               "--header", "src=cli", "--header", "n=1",
               stdin=b"k1:v1\nk2:v:2\r\nno separator\n:empty key\n\xff\xfe:bin\n")
    assert f"produced 5 records to {topic}" in r.err, r
    assert r.out == "", r

    msgs = read_partition(robustmq.bootstrap, topic, partition=1, count=5)
    assert [(m.key(), m.value()) for m in msgs] == [
        (b"k1", b"v1"), (b"k2", b"v:2"), (None, b"no separator"), (b"", b"empty key"),
        (b"\xff\xfe", b"bin")]
    assert all(m.headers() == [("src", b"cli"), ("n", b"1")] for m in msgs), msgs[0].headers()
    assert watermarks(robustmq.bootstrap, topic, 0) == (0, 0), "records went to another partition"


def test_produce_keeps_repeated_header_names_in_order(robustmq, cli):
    topic = unique("cli-rephdr")
    create_topic(robustmq.bootstrap, topic, partitions=1)
    cli.ok("produce", topic, "--header", "unit=C", "--header", "unit=K", "--header", "src=cli",
           stdin=b"v\n")
    [m] = read_partition(robustmq.bootstrap, topic, partition=0, count=1)
    assert m.headers() == [("unit", b"C"), ("unit", b"K"), ("src", b"cli")]


def test_produce_fixed_key_and_json_summary(robustmq, cli):
    topic = unique("cli-pjson")
    create_topic(robustmq.bootstrap, topic, partitions=3)
    s = cli.json("produce", topic, "--key", "same", stdin=b"a\nb\n\nc")
    assert s["topic"] == topic and s["records"] == 4, s
    [(p, info)] = s["partitions"].items()  # one key, one partition
    assert info == {"records": 4, "first_offset": 0, "last_offset": 3}, s
    msgs = read_partition(robustmq.bootstrap, topic, partition=int(p), count=4)
    assert [(m.key(), m.value()) for m in msgs] == [(b"same", b"a"), (b"same", b"b"),
                                                     (b"same", b""), (b"same", b"c")]


def test_produce_files_in_batches(robustmq, cli, tmp_path):
    topic = unique("cli-files")
    create_topic(robustmq.bootstrap, topic)
    f1, f2 = tmp_path / "one.txt", tmp_path / "two.txt"
    f1.write_bytes(b"".join(b"one-%05d\n" % i for i in range(1200)))  # several batches
    big = b"y" * 300_000
    f2.write_bytes(b"".join(b"%d-" % i + big + b"\n" for i in range(8)))  # over 1 MiB
    s = cli.json("produce", topic, "--file", f1, "--file", f2)
    assert s["records"] == 1208 and s["partitions"]["0"]["last_offset"] == 1207, s
    msgs = read_partition(robustmq.bootstrap, topic, count=1208, timeout=60)
    assert [m.value() for m in msgs[:1200]] == [b"one-%05d" % i for i in range(1200)]
    assert [m.value() for m in msgs[1200:]] == [b"%d-" % i + big for i in range(8)]

    r = cli("produce", topic, "--file", tmp_path / "missing.txt")
    assert r.rc == 6 and "missing.txt" in r.err, r
    assert watermarks(robustmq.bootstrap, topic) == (0, 1208)


def test_produce_errors(robustmq, cli):
    topic = unique("cli-perr")
    create_topic(robustmq.bootstrap, topic, partitions=2)
    r = cli("produce", topic, "--partition", 5, stdin=b"x\n")
    assert r.rc == 6, r
    assert watermarks(robustmq.bootstrap, topic, 0)[1] == 0
    assert cli("produce", topic, "--header", "novalue", stdin=b"x\n").rc == 2
    assert cli("produce", topic, "--key", "k", "--key-separator", ":", stdin=b"x\n").rc == 2


# --------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------

def _group_with_commit(robustmq, topic: str, group: str, n: int, commit_at: int):
    create_topic(robustmq.bootstrap, topic)
    produce_records(robustmq.bootstrap, topic, [Rec(b"k", b"v%d" % i) for i in range(n)])
    c = consumer(robustmq.bootstrap, group, **group_conf())
    c.subscribe([topic])
    poll_messages(c, commit_at)
    c.commit(offsets=[TopicPartition(topic, 0, commit_at)], asynchronous=False)
    c.close()


def test_group_list_and_describe_show_lag(robustmq, cli):
    topic, group = unique("cli-lag"), unique("cli-lagg")
    _group_with_commit(robustmq, topic, group, n=10, commit_at=4)

    d = cli.json("group", "describe", group)
    assert d["name"] == group
    assert [(o["topic"], o["partition"], o["committed_offset"], o["log_end_offset"], o["lag"])
            for o in d["offsets"]] == [(topic, 0, 4, 10, 6)], d
    assert d["members"] == [], "a closed consumer is still a member"

    groups = {g["name"]: g for g in cli.json("group", "list")["groups"]}
    assert groups[group]["lag"] == 6 and groups[group]["members"] == 0, groups[group]

    text = cli.ok("group", "describe", group).out
    row = [line.split() for line in text.splitlines() if line.startswith(topic)]
    assert row == [[topic, "0", "4", "10", "6", "-"]], text
    assert group in cli.ok("group", "list").out
    assert cli("group", "describe", unique("nope")).rc == 4


def test_group_describe_shows_active_member(robustmq, cli):
    topic, group = unique("cli-member"), unique("cli-memg")
    create_topic(robustmq.bootstrap, topic, partitions=2)
    produce_records(robustmq.bootstrap, topic, [Rec(None, b"x")])
    c = consumer(robustmq.bootstrap, group, **group_conf(**{"client.id": "cli-test-client"}))
    try:
        c.subscribe([topic])

        def assigned():
            c.poll(0.2)
            return len(c.assignment()) == 2

        wait_until(assigned, 30, "both partitions assigned to the Kafka consumer")

        def with_member():
            d = cli.json("group", "describe", group)
            return d if d["members"] else None

        d = wait_until(with_member, T, "the member in group describe")
        [m] = d["members"]
        assert m["client_id"] == "cli-test-client"
        assert sorted((a["topic"], a["partition"]) for a in m["assignment"]) == [(topic, 0), (topic, 1)]
        # Offsets cannot be reset or committed under an active member.
        r = cli("group", "reset-offsets", group, "--topic", topic, "--to-earliest")
        assert r.rc == 6, r
        assert cli("group", "delete", group).rc == 6
    finally:
        c.close()


def test_reset_offsets_then_kafka_consumer_rereads(robustmq, cli):
    topic, group = unique("cli-reset"), unique("cli-resetg")
    base = 1_700_000_000_000
    create_topic(robustmq.bootstrap, topic)
    produce_records(robustmq.bootstrap, topic,
                    [Rec(b"k", b"v%d" % i, [], base + i * 1000) for i in range(10)])
    c = consumer(robustmq.bootstrap, group, **group_conf())
    c.subscribe([topic])
    poll_messages(c, 10)
    c.commit(offsets=[TopicPartition(topic, 0, 10)], asynchronous=False)
    c.close()

    # Dry run: computed, not committed.
    s = cli.json("group", "reset-offsets", group, "--topic", topic, "--to-earliest", "--dry-run")
    assert s["dry_run"] is True
    assert [(o["partition"], o["committed_offset"], o["lag"]) for o in s["offsets"]] == [(0, 0, 10)]
    assert committed(robustmq.bootstrap, group, topic) == [10]

    r = cli.ok("group", "reset-offsets", group, "--topic", topic, "--to-offset", 7)
    assert [line.split() for line in r.out.splitlines()[1:]] == [[topic, "0", "7", "10", "3"]], r
    assert committed(robustmq.bootstrap, group, topic) == [7]

    iso = datetime.fromtimestamp((base + 5000) / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    cli.ok("group", "reset-offsets", group, "--topic", topic, "--to-datetime", iso)
    assert committed(robustmq.bootstrap, group, topic) == [5]
    cli.ok("group", "reset-offsets", group, "--topic", topic, "--to-latest")
    assert committed(robustmq.bootstrap, group, topic) == [10]

    cli.ok("group", "reset-offsets", group, "--topic", topic, "--partition", 0, "--to-earliest")
    assert committed(robustmq.bootstrap, group, topic) == [0]
    # A Kafka consumer in the group now reads everything again (latest would give nothing).
    c = consumer(robustmq.bootstrap, group, **group_conf(**{"auto.offset.reset": "latest"}))
    try:
        c.subscribe([topic])
        msgs = poll_messages(c, 10)
        assert [m.offset() for m in msgs] == list(range(10))
    finally:
        c.close()

    # Exactly one target is required.
    assert cli("group", "reset-offsets", group, "--topic", topic).rc == 2
    assert cli("group", "reset-offsets", group, "--topic", topic, "--to-earliest", "--to-latest").rc == 2
    assert cli("group", "reset-offsets", group, "--topic", unique("nope"), "--to-earliest").rc == 4


def test_group_delete(robustmq, cli):
    topic, group = unique("cli-gdel"), unique("cli-gdelg")
    _group_with_commit(robustmq, topic, group, n=3, commit_at=2)
    r = cli.ok("group", "delete", group)
    assert f"deleted group {group}" in r.out
    assert group not in {g["name"] for g in cli.json("group", "list")["groups"]}
    assert committed(robustmq.bootstrap, group, topic) == [-1001]  # OFFSET_INVALID: none
    assert cli("group", "delete", group).rc == 4


# --------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------

def test_users_add_list_delete_survive_restart(robustmq, cli):
    r = cli.json("user", "add", "alice", "--password-stdin", stdin=b"s3cret-pw\n")
    assert r == {"name": "alice", "created": True}
    r = cli.ok("user", "add", "alice", stdin=b"other-pw\n")  # no flag, not a terminal: one line
    assert "replaced the password of user alice" in r.out, r
    cli.ok("user", "add", "bob", "--password", "pw-bob")
    assert "s3cret" not in r.out + r.err

    users = {u["name"]: u for u in cli.json("user", "list")["users"]}
    assert set(users) >= {"alice", "bob"}
    assert users["alice"]["mechanism"] == "SCRAM-SHA-256" and users["alice"]["iterations"] >= 4096

    robustmq.restart()
    assert {"alice", "bob"} <= {u["name"] for u in cli.json("user", "list")["users"]}
    cli.ok("user", "delete", "bob")
    assert "bob" not in {u["name"] for u in cli.json("user", "list")["users"]}
    assert cli("user", "delete", "bob").rc == 4
    assert cli("user", "add", "carol", stdin=b"\n").rc == 6, "empty password accepted"
    assert cli("user", "add", "carol", "--password", "x", "--password-stdin").rc == 2


# --------------------------------------------------------------------------
# Cluster, completions, errors and exit codes
# --------------------------------------------------------------------------

def test_cluster_status(robustmq, cli):
    s = cli.json("cluster", "status")
    assert s["cluster_id"]
    [node] = s["nodes"]
    assert node["version"] and node["uptime_seconds"] >= 0
    assert node["data_dir_bytes"] > 0
    assert any(l["address"] == robustmq.bootstrap for l in node["listeners"]), node["listeners"]
    text = cli.ok("cluster", "status").out
    assert s["cluster_id"] in text and node["version"] in text


def test_completions(cli_binary):
    for shell, needle in [("bash", "_robustmq"), ("zsh", "#compdef robustmq"),
                          ("fish", "complete -c robustmq"), ("powershell", "robustmq"),
                          ("elvish", "robustmq")]:
        # No daemon needed: completions never connect.
        r = Cli(cli_binary, "127.0.0.1:1")("completions", shell)
        assert r.rc == 0 and needle in r.out, r
        assert "reset-offsets" in r.out, f"{shell}: subcommands missing"


def test_exit_codes(robustmq, cli, cli_for):
    port = unused_port()
    down = cli_for(f"127.0.0.1:{port}")("topic", "list")
    assert down.rc == 3, down
    assert f"cannot reach robustmqd at 127.0.0.1:{port}" in down.err and "is it running?" in down.err
    assert down.err.startswith("robustmq: "), down

    missing = cli("topic", "describe", unique("missing"))
    assert missing.rc == 4 and "does not exist" in missing.err, missing
    assert cli("consume", unique("missing"), "-b").rc == 4

    topic = unique("cli-dup")
    cli.ok("topic", "create", topic)
    dup = cli("topic", "create", topic)
    assert dup.rc == 5, dup

    assert cli("topic", "create", "bad name!").rc == 6
    assert cli("topic", "create", unique("t"), "--partitions", 0).rc == 2
    assert cli("topic", "frobnicate").rc == 2
    assert cli("consume", topic, "--format", "%x").rc == 2
    assert cli("group", "reset-offsets", "g", "--topic", topic, "--to-datetime", "yesterday").rc == 2


def test_token_required(daemon_factory, cli_for):
    d = daemon_factory(name="tokend", env={"ROBUSTMQ_ADMIN__TOKEN": "tok-123"})
    cli = cli_for(d.admin_addr)
    r = cli("topic", "list")
    assert r.rc == 7 and "--token" in r.err, r
    assert cli("--token", "wrong", "topic", "list").rc == 7
    assert cli("--token", "tok-123", "topic", "list").rc == 0
    assert cli("topic", "list", env={"ROBUSTMQ_TOKEN": "tok-123"}).rc == 0
    topic = unique("cli-tok")
    cli.ok("topic", "create", topic, "--token", "tok-123")
    adm = admin(d.bootstrap)
    wait_until(lambda: topic_ready(adm, topic, 1), T, "topic created with a token in metadata")
