"""Interoperability with the mosquitto command line clients (Debian `mosquitto-clients`):
mosquitto_pub publishing to paho and to mosquitto_sub, mosquitto_sub -C N receiving from paho,
retained messages and MQTT 5 properties through both tools; and the `$SYS/broker/...`
statistics topics (mosquitto names).

Generic: these run against robustmqd, or against mosquitto with ROBUSTMQ_MQTT_PEER=mosquitto.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

import pytest

from mqtt_support import BOTH_VERSIONS, T, V311, V5, uid
from support import wait_until

pytestmark = pytest.mark.timeout(60)

CLI_TIMEOUT = 10
FORMAT = "%t|%q|%r|%x"  # topic, QoS, retain flag, payload in hex: one line per message


@pytest.fixture(autouse=True)
def _clients_installed():
    for tool in ("mosquitto_pub", "mosquitto_sub"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found: install Debian's mosquitto-clients (scripts/deps --test)",
                        pytrace=False)


def vflag(version: int) -> list[str]:
    return ["-V", "5" if version == V5 else "311"]


def addr(broker) -> list[str]:
    return ["-h", broker.host, "-p", str(broker.port)]


def pub_cli(broker, version, *args, stdin: bytes | None = None) -> None:
    r = subprocess.run(["mosquitto_pub", *addr(broker), *vflag(version), "-i", uid("mpub"), *args],
                       input=stdin, capture_output=True, timeout=CLI_TIMEOUT)
    assert r.returncode == 0, f"mosquitto_pub {args} -> rc={r.returncode} stderr={r.stderr!r}"


class SubCli:
    """mosquitto_sub -C n in the background; lines() waits for it to exit by itself."""

    def __init__(self, broker, version, topics: list[str], count: int, *args, fmt: str = FORMAT):
        cmd = ["mosquitto_sub", *addr(broker), *vflag(version), "-i", uid("msub"), "-C", str(count),
               "-F", fmt, "-W", str(CLI_TIMEOUT), *args]
        for t in topics:
            cmd += ["-t", t]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out: list[bytes] = []
        self._t = threading.Thread(target=self._read, daemon=True)
        self._t.start()

    def _read(self):
        for line in iter(self.proc.stdout.readline, b""):
            self.out.append(line.rstrip(b"\n"))

    def wait_lines(self, n: int, timeout: float = T) -> list[bytes]:
        wait_until(lambda: len(self.out) >= n, timeout, f"{n} lines from mosquitto_sub (have {self.out})")
        return list(self.out)

    def finish(self, timeout: float = CLI_TIMEOUT) -> list[bytes]:
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"mosquitto_sub did not exit; printed {self.out}")
        self._t.join(2)
        assert rc == 0, f"mosquitto_sub rc={rc} stderr={self.proc.stderr.read()!r} printed {self.out}"
        return list(self.out)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def subs():
    made: list[SubCli] = []

    def make(*a, **kw) -> SubCli:
        s = SubCli(*a, **kw)
        made.append(s)
        return s
    yield make
    for s in made:
        s.kill()


def line(topic: str, qos: int, retain: bool, payload: bytes) -> bytes:
    return b"%s|%d|%d|%s" % (topic.encode(), qos, int(retain), payload.hex().encode())


@BOTH_VERSIONS
@pytest.mark.parametrize("qos", [0, 1, 2])
def test_mosquitto_pub_to_paho(mqtt_broker, mqtt, tmp_path, version, qos):
    topic = uid("mpub") + "/t"
    sub = mqtt.subscriber(version, topic, 2)
    blob = tmp_path / "payload.bin"
    blob.write_bytes(bytes(range(256)) * 4)
    pub_cli(mqtt_broker, version, "-t", topic, "-q", str(qos), "-m", "hello \u2603")
    pub_cli(mqtt_broker, version, "-t", topic, "-q", str(qos), "-f", str(blob))
    pub_cli(mqtt_broker, version, "-t", topic, "-q", str(qos), "-n")  # empty payload
    got = sub.messages.wait_exactly(3)
    want = ["hello \u2603".encode(), bytes(range(256)) * 4, b""]
    payloads = [m.payload for m in got]
    if qos == 0:
        # Three connections, and a QoS 0 publisher exits without waiting for anything: the
        # broker may read one connection's publish after the next one's (MQTT orders only
        # within a connection), so only the set is certain.
        assert sorted(payloads) == sorted(want)
    else:
        assert payloads == want
    assert {m.qos for m in got} == {qos}


@BOTH_VERSIONS
def test_paho_to_mosquitto_sub(mqtt_broker, mqtt, subs, version):
    """mosquitto_sub -C N: a retained message shows it has subscribed, then N-1 live ones."""
    base = uid("msub")
    pub = mqtt.connect(version)
    pub.publish(f"{base}/ready", b"r", qos=1, retain=True)
    s = subs(mqtt_broker, version, [f"{base}/#"], 6, "-q", "2")
    s.wait_lines(1)
    payloads = [b"\x00\x01\x02", b"", b"\xff" * 300, "\u2603".encode(), b"last"]
    for i, p in enumerate(payloads):
        pub.publish(f"{base}/d/{i}", p, qos=i % 3)
    out = s.finish()
    assert out[0] == line(f"{base}/ready", 1, True, b"r")
    # Different topics and QoS levels: no order between them is guaranteed.
    assert sorted(out[1:]) == sorted(line(f"{base}/d/{i}", i % 3, False, p) for i, p in enumerate(payloads))


@BOTH_VERSIONS
def test_mosquitto_pub_lines_to_mosquitto_sub(mqtt_broker, mqtt, subs, version):
    base = uid("lines")
    mqtt.connect(version).publish(f"{base}/ready", b"r", qos=1, retain=True)
    s = subs(mqtt_broker, version, [f"{base}/ready", f"{base}/data"], 21, "-q", "1")
    s.wait_lines(1)
    data = b"".join(b"line %02d\n" % i for i in range(20))
    pub_cli(mqtt_broker, version, "-t", f"{base}/data", "-q", "1", "-l", stdin=data)
    out = s.finish()
    assert out[1:] == [line(f"{base}/data", 1, False, b"line %02d" % i) for i in range(20)]


@BOTH_VERSIONS
def test_retained_through_the_cli_tools(mqtt_broker, subs, version):
    topic = uid("cliret") + "/state"
    pub_cli(mqtt_broker, version, "-t", topic, "-q", "1", "-r", "-m", "first")
    pub_cli(mqtt_broker, version, "-t", topic, "-q", "1", "-r", "-m", "second")
    assert subs(mqtt_broker, version, [topic], 1, "-q", "1", "--retained-only").finish() == [line(topic, 1, True, b"second")]
    pub_cli(mqtt_broker, version, "-t", topic, "-q", "1", "-r", "-n")  # clear it
    # -W 1: with nothing retained, mosquitto_sub times out (rc 27) having printed nothing.
    r = subprocess.run(["mosquitto_sub", *addr(mqtt_broker), *vflag(version), "-t", topic, "-C", "1",
                        "--retained-only", "-W", "1", "-F", FORMAT], capture_output=True, timeout=CLI_TIMEOUT)
    assert r.stdout == b"", f"retained message still there: {r.stdout!r}"


def test_v5_properties_through_the_cli_tools(mqtt_broker, mqtt, subs):
    base = uid("cliprops")
    mqtt.connect(V5).publish(f"{base}/ready", b"r", qos=1, retain=True)
    s = subs(mqtt_broker, V5, [f"{base}/#"], 2, "-q", "1", fmt="%t|%C|%R|%E|%P|%p")
    s.wait_lines(1)
    paho_sub = mqtt.subscriber(V5, f"{base}/data", 1)
    pub_cli(mqtt_broker, V5, "-t", f"{base}/data", "-q", "1", "-m", "{}",
            "-D", "publish", "content-type", "application/json",
            "-D", "publish", "response-topic", f"{base}/reply",
            "-D", "publish", "message-expiry-interval", "3600",
            "-D", "publish", "user-property", "k1", "v1",
            "-D", "publish", "user-property", "k2", "v2")
    out = s.finish()
    topic, ctype, rtopic, expiry, uprops, payload = out[1].split(b"|")
    assert (topic, ctype, rtopic, payload) == (f"{base}/data".encode(), b"application/json",
                                               f"{base}/reply".encode(), b"{}")
    assert 3590 <= int(expiry) <= 3600
    assert b"k1:v1" in uprops and b"k2:v2" in uprops
    [m] = paho_sub.messages.wait_exactly(1)
    assert m.p("ContentType") == "application/json"
    assert m.p("ResponseTopic") == f"{base}/reply"
    assert m.user_props == [("k1", "v1"), ("k2", "v2")]


def test_mosquitto_sub_persistent_session(mqtt_broker, mqtt, subs):
    """mosquitto_sub -c (no clean session) with a fixed id gets what was published while it
    was away."""
    topic = uid("clisess") + "/t"
    cid = uid("msubsess")
    base = ["mosquitto_sub", *addr(mqtt_broker), "-V", "311", "-i", cid, "-c", "-q", "1", "-t", topic,
            "-F", FORMAT]
    # First run: subscribe, then leave (-E exits once the SUBACK arrived).
    r = subprocess.run(base + ["-E"], capture_output=True, timeout=CLI_TIMEOUT)
    assert r.returncode == 0, r.stderr
    pub = mqtt.connect(V311)
    for i in range(3):
        pub.publish(topic, b"offline-%d" % i, qos=1)
    r = subprocess.run(base + ["-C", "3", "-W", str(CLI_TIMEOUT)], capture_output=True, timeout=CLI_TIMEOUT + 2)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [line(topic, 1, False, b"offline-%d" % i) for i in range(3)]


def test_sys_topics(mqtt):
    """$SYS/broker/clients/connected and $SYS/broker/messages/received are published
    periodically, with decimal counters, to 3.1.1 and MQTT 5 subscribers."""
    filters = [("$SYS/broker/clients/connected", 0), ("$SYS/broker/messages/received", 0)]
    subs = [mqtt.subscriber(v, filters) for v in (V311, V5)]
    pub = mqtt.connect(V5)
    topic = uid("sys") + "/t"
    for i in range(5):
        pub.publish(topic, b"%d" % i, qos=1)

    def latest(sub, name) -> int:
        m = [m for m in sub.messages.snapshot() if m.topic == name][-1]
        assert m.payload.isdigit(), f"{name} = {m.payload!r}, not a decimal number"
        return int(m.payload)
    # Values only grow here, so wait for a statistics round that counted this test's traffic.
    for sub in subs:
        wait_until(lambda: latest(sub, "$SYS/broker/clients/connected") >= 3, 15,
                   "$SYS/broker/clients/connected >= 3 (this test has 3 clients)")
        wait_until(lambda: latest(sub, "$SYS/broker/messages/received") >= 5, 15,
                   "$SYS/broker/messages/received >= 5 after 5 publishes")
