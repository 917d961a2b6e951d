"""Helpers for the MQTT end-to-end tests.

* `MqttBroker`: where the broker under test listens (robustmqd, or mosquitto as a
  reference peer when ROBUSTMQ_MQTT_PEER=mosquitto), and `Mosquitto`, which runs one.
* `MqttClient`: a small synchronous wrapper around one paho-mqtt 2.x connection:
  connect and wait for CONNACK, subscribe and wait for SUBACK, publish and wait for the
  acknowledgement, and a `Collector` of received messages with bounded waits.
  It runs its own network loop without paho's automatic reconnect, so a connection the
  server closes stays closed (session takeover, keep alive, bad input).
* `Raw`: an MQTT client on a bare socket with its own packet encoder and decoder, for
  exact wire behaviour (return codes, malformed packets, silence after CONNECT).
"""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from support import wait_until

V311 = paho.MQTTv311  # protocol level 4
V5 = paho.MQTTv5  # protocol level 5
# Parametrize a test over both protocol versions: `@BOTH_VERSIONS def test_x(mqtt_broker, version)`.
BOTH_VERSIONS = pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])

T = 5.0  # seconds for any one step that should be immediate on loopback
QUIET = 0.1  # seconds of silence accepted as "nothing more is coming" (after a sentinel)

PEER_ENV = "ROBUSTMQ_MQTT_PEER"
MOSQUITTO = Path("/usr/sbin/mosquitto")


def peer() -> str | None:
    """The reference broker the generic MQTT tests run against instead of robustmqd."""
    return os.environ.get(PEER_ENV) or None


def uid(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# --------------------------------------------------------------------------
# Brokers
# --------------------------------------------------------------------------

@dataclass
class MqttBroker:
    kind: str  # "robustmqd" or "mosquitto"
    host: str
    port: int
    ws_port: int | None = None
    daemon: object | None = None  # conftest.Daemon when kind == "robustmqd"

    @property
    def is_robustmqd(self) -> bool:
        return self.kind == "robustmqd"

    @classmethod
    def of_daemon(cls, d) -> "MqttBroker":
        return cls("robustmqd", "127.0.0.1", d.mqtt_port, d.ws_port, d)


class Mosquitto:
    """One /usr/sbin/mosquitto on a loopback port with a generated config file."""

    def __init__(self, workdir: Path, port: int, name: str = "mosquitto", extra_conf: str = ""):
        self.name = name
        self.port = port
        workdir.mkdir(parents=True, exist_ok=True)
        self.conf_path = workdir / f"{name}.conf"
        self.log_path = workdir / f"{name}.log"
        self.conf_path.write_text(
            f"listener {port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence false\n"
            # $SYS topics every second (the default is 10 s); robustmqd publishes every few seconds.
            "sys_interval 1\n"
            # A packet size limit, as robustmqd has, so that oversized packets are refused.
            "max_packet_size 10000000\n"
            + extra_conf)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> "Mosquitto":
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([str(MOSQUITTO), "-c", str(self.conf_path), "-v"],
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT)

        def listening():
            assert self.proc.poll() is None, f"mosquitto exited:\n{self.log_tail()}"
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        wait_until(listening, timeout, f"mosquitto listening on port {self.port}", interval=0.01)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self) -> None:
        # SIGKILL: it keeps nothing (persistence false), and SIGTERM costs ~0.1 s per test.
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def log_tail(self, chars: int = 20_000) -> str:
        try:
            text = self.log_path.read_text("utf-8", "replace")
        except FileNotFoundError:
            text = ""
        if len(text) > chars:
            text = "...[truncated]...\n" + text[-chars:]
        return f"--- {self.name} log ({self.log_path}) ---\n{text}"


# --------------------------------------------------------------------------
# paho wrapper
# --------------------------------------------------------------------------

def props(packet_type, **kw) -> Properties:
    """paho Properties, e.g. props(PacketTypes.PUBLISH, MessageExpiryInterval=5)."""
    p = Properties(packet_type)
    for k, v in kw.items():
        setattr(p, k, v)
    return p


def prop(p: Properties | None, name: str, default=None):
    return getattr(p, name, default) if p is not None else default


@dataclass
class Msg:
    topic: str
    payload: bytes
    qos: int
    retain: bool
    dup: bool
    mid: int
    props: Properties | None
    at: float  # time.monotonic() when it arrived

    def p(self, name: str, default=None):
        """A v5 property of the PUBLISH, or default."""
        return prop(self.props, name, default)

    @property
    def user_props(self) -> list[tuple[str, str]]:
        return list(self.p("UserProperty", []))

    @property
    def sub_ids(self) -> list[int]:
        v = self.p("SubscriptionIdentifier", [])
        return list(v) if isinstance(v, list) else [v]

    def __repr__(self) -> str:
        return (f"Msg({self.topic!r}, {self.payload[:40]!r}{'...' if len(self.payload) > 40 else ''}, "
                f"qos={self.qos}, retain={self.retain})")


class Collector:
    """Messages a client received, in arrival order, with bounded waits."""

    def __init__(self):
        self._cond = threading.Condition()
        self.msgs: list[Msg] = []

    def add(self, m: Msg) -> None:
        with self._cond:
            self.msgs.append(m)
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self.msgs)

    def snapshot(self) -> list[Msg]:
        with self._cond:
            return list(self.msgs)

    def wait_for(self, n: int, timeout: float = T, what: str = "") -> list[Msg]:
        """Wait until at least n messages arrived; returns all of them (may be more than n)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.msgs) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"got {len(self.msgs)}/{n} messages {what}within {timeout}s: {self.msgs!r}")
                self._cond.wait(left)
            return list(self.msgs)

    def wait_exactly(self, n: int, timeout: float = T, quiet: float = QUIET, what: str = "") -> list[Msg]:
        """n messages within timeout, then nothing more for `quiet` seconds."""
        self.wait_for(n, timeout, what)
        time.sleep(quiet)
        got = self.snapshot()
        assert len(got) == n, f"expected exactly {n} messages {what}, got {len(got)}: {got!r}"
        return got

    def wait_settled(self, n: int = 1, timeout: float = T, quiet: float = QUIET) -> list[Msg]:
        """At least n messages, then until none arrived for `quiet` seconds (for a number of
        copies the test does not know in advance)."""
        self.wait_for(n, timeout)
        deadline = time.monotonic() + timeout
        seen = len(self)
        while True:
            time.sleep(quiet)
            now = len(self)
            if now == seen:
                return self.snapshot()
            assert time.monotonic() < deadline, f"messages kept arriving for {timeout}s"
            seen = now

    def wait_topic(self, topic: str, payload: bytes | None = None, timeout: float = T) -> Msg:
        """The first message on `topic` (with `payload`, if given), waiting for it if needed."""
        def find():
            return next((m for m in self.snapshot()
                         if m.topic == topic and (payload is None or m.payload == payload)), None)
        return wait_until(find, timeout, f"a message on {topic!r} with payload {payload!r}")

    def payloads(self) -> list[bytes]:
        return [m.payload for m in self.snapshot()]

    def clear(self) -> None:
        with self._cond:
            self.msgs.clear()


@dataclass
class Connack:
    reason: int  # v5 reason code; for v3.1.1 paho maps the return code onto the v5 code
    reason_name: str
    session_present: bool
    props: Properties | None

    def p(self, name: str, default=None):
        return prop(self.props, name, default)


@dataclass
class Disconnected:
    reason: int
    reason_name: str
    props: Properties | None
    at: float


class MqttClient:
    """One paho connection. Create a new MqttClient (same client_id) to reconnect."""

    def __init__(self, broker: MqttBroker, version: int = V5, client_id: str | None = None,
                 clean: bool = True, transport: str = "tcp", manual_ack: bool = False,
                 ws_path: str = "/mqtt"):
        self.broker = broker
        self.version = version
        self.client_id = uid("c") if client_id is None else client_id
        self.clean = clean
        kw = {}
        if version != V5:
            kw["clean_session"] = clean
        self.c = paho.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=version,
                             transport=transport, manual_ack=manual_ack,
                             reconnect_on_failure=False, **kw)
        if transport == "websockets":
            self.c.ws_set_options(path=ws_path)
        self.transport = transport
        self.messages = Collector()
        self.connack: Connack | None = None
        self.disconnected: Disconnected | None = None
        self._cond = threading.Condition()
        self._subacks: dict[int, tuple[list[int], Properties | None]] = {}
        self._unsubacks: dict[int, list[int]] = {}
        self._pubacks: dict[int, int] = {}
        self._stop = False
        self._abort = False  # drop(): stop without writing what is queued
        self._thread: threading.Thread | None = None
        self._loop_done = threading.Event()
        self.c.on_connect = self._on_connect
        self.c.on_disconnect = self._on_disconnect
        self.c.on_message = self._on_message
        self.c.on_subscribe = self._on_subscribe
        self.c.on_unsubscribe = self._on_unsubscribe
        self.c.on_publish = self._on_publish
        # Only the loop thread writes to the socket. Without a registered writer, paho also
        # writes from the thread that calls publish(), and two threads popping its packet
        # queue can put a PUBLISH on the wire after later ones (seen as a reordered QoS 1
        # message in test_order_per_topic_with_interleaved_topics). Queued packets wake the
        # loop through paho's socket pair.
        self.c.on_socket_register_write = lambda *_: None

    # --- callbacks (network thread) -------------------------------------------
    def _notify(self):
        with self._cond:
            self._cond.notify_all()

    def _on_connect(self, _c, _u, flags, reason, properties):
        self.connack = Connack(reason.value, str(reason), bool(flags.session_present),
                               properties if self.version == V5 else None)
        self._notify()

    def _on_disconnect(self, _c, _u, _flags, reason, properties):
        if self.disconnected is None:
            self.disconnected = Disconnected(reason.value, str(reason), properties, time.monotonic())
        self._notify()

    def _on_message(self, _c, _u, m):
        self.messages.add(Msg(m.topic, bytes(m.payload), m.qos, bool(m.retain), bool(m.dup), m.mid,
                              getattr(m, "properties", None), time.monotonic()))

    def _on_subscribe(self, _c, _u, mid, reason_codes, properties):
        with self._cond:
            self._subacks[mid] = ([rc.value for rc in reason_codes], properties)
            self._cond.notify_all()

    def _on_unsubscribe(self, _c, _u, mid, reason_codes, _properties):
        with self._cond:
            self._unsubacks[mid] = [rc.value for rc in reason_codes]
            self._cond.notify_all()

    def _on_publish(self, _c, _u, mid, reason, _properties):
        with self._cond:
            self._pubacks[mid] = reason.value
            self._cond.notify_all()

    def _wait(self, pred, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                v = pred()
                if v is not None and v is not False:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.client_id}: timed out after {timeout}s waiting for {what}"
                                         f" (disconnected={self.disconnected})")
                self._cond.wait(min(left, 0.1))

    # --- network loop --------------------------------------------------------
    def _run(self):
        try:
            # After a stop, what is queued (a DISCONNECT from close()) is still written.
            while not self._abort and (not self._stop or self.c.want_write()):
                rc = self.c.loop(timeout=0.05)
                if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    break
        finally:
            self._loop_done.set()
            self._notify()

    @property
    def connected(self) -> bool:
        return self.c.is_connected()

    def connect(self, keepalive: int = 30, clean_start: bool | None = None, properties=None,
                will: dict | None = None, username: str | None = None, password=None,
                expect: int | None = 0, timeout: float = T, **connect_props) -> Connack:
        """Open the connection and wait for CONNACK. `connect_props` are v5 CONNECT properties
        (e.g. SessionExpiryInterval=60); `will` = dict(topic, payload, qos, retain, properties).
        With `expect` set, fails unless the CONNACK reason code is that value."""
        if username is not None:
            self.c.username_pw_set(username, password)
        if will is not None:
            self.c.will_set(**will)
        kw = {}
        if self.version == V5:
            if connect_props:
                properties = properties or Properties(PacketTypes.CONNECT)
                for k, v in connect_props.items():
                    setattr(properties, k, v)
            kw["clean_start"] = self.clean if clean_start is None else clean_start
            kw["properties"] = properties
        else:
            assert not connect_props and properties is None, "CONNECT properties need MQTT 5"
        self.c.connect(self.broker.host, self.port, keepalive=keepalive, **kw)
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"paho-{self.client_id}")
        self._thread.start()
        ack = self._wait(lambda: self.connack or (self._loop_done.is_set() and "closed"),
                         timeout, "CONNACK")
        assert ack != "closed", f"{self.client_id}: connection closed before CONNACK ({self.disconnected})"
        if expect is not None:
            assert ack.reason == expect, f"CONNACK {ack.reason_name} (0x{ack.reason:02x}), expected 0x{expect:02x}"
        return ack

    @property
    def port(self) -> int:
        if self.transport == "websockets":
            assert self.broker.ws_port, f"{self.broker.kind} has no WebSocket listener in this run"
            return self.broker.ws_port
        return self.broker.port

    def subscribe(self, topic, qos: int = 0, no_local: bool = False, rap: bool = False, rh: int = 0,
                  sub_id: int | None = None, timeout: float = T) -> list[int]:
        """Subscribe and wait for SUBACK; returns its reason codes (granted QoS for v3.1.1).
        `topic` may be a list of (filter, qos) pairs."""
        items = topic if isinstance(topic, list) else [(topic, qos)]
        if self.version == V5:
            subs = [(t, SubscribeOptions(q, noLocal=no_local, retainAsPublished=rap, retainHandling=rh))
                    for t, q in items]
            p = props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=sub_id) if sub_id else None
            rc, mid = self.c.subscribe(subs, properties=p)
        else:
            assert not (no_local or rap or rh or sub_id), "subscription options need MQTT 5"
            rc, mid = self.c.subscribe(items)
        assert rc == MQTTErrorCode.MQTT_ERR_SUCCESS, f"subscribe failed locally: {rc}"
        codes, _ = self._wait(lambda: self._subacks.get(mid), timeout, f"SUBACK for {items}")
        return codes

    def unsubscribe(self, topic: str, timeout: float = T) -> list[int]:
        rc, mid = self.c.unsubscribe(topic)
        assert rc == MQTTErrorCode.MQTT_ERR_SUCCESS, f"unsubscribe failed locally: {rc}"
        return self._wait(lambda: self._unsubacks.get(mid), timeout, f"UNSUBACK for {topic}")

    def publish(self, topic: str, payload: bytes | str = b"", qos: int = 0, retain: bool = False,
                properties: Properties | None = None, wait: bool = True, timeout: float = T,
                expect_ok: bool = True, **publish_props) -> int | None:
        """Publish; for QoS 1/2 wait for PUBACK/PUBREC..PUBCOMP and return the reason code (v5;
        0 for v3.1.1), which must be a success code (< 0x80) unless expect_ok=False.
        `publish_props` are v5 PUBLISH properties (e.g. MessageExpiryInterval=5)."""
        if publish_props:
            properties = properties or Properties(PacketTypes.PUBLISH)
            for k, v in publish_props.items():
                setattr(properties, k, v)
        info = self.c.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        assert info.rc == MQTTErrorCode.MQTT_ERR_SUCCESS, f"publish failed locally: {info.rc}"
        if not wait:
            return None
        if qos == 0:
            self._wait(lambda: info.is_published(), timeout, f"QoS 0 publish to {topic!r} written")
            return 0
        rc = self._wait(lambda: self._pubacks.get(info.mid), timeout,
                        f"{'PUBACK' if qos == 1 else 'PUBCOMP'} for {topic!r}")
        assert not expect_ok or rc < 0x80, f"publish to {topic!r} refused with reason {rc:#x}"
        return rc

    def ack(self, mid: int, qos: int = 1) -> None:
        """Acknowledge a received message (clients made with manual_ack=True)."""
        self.c.ack(mid, qos)

    def disconnect(self, reason: int | None = None, timeout: float = T, **disconnect_props) -> None:
        """Normal DISCONNECT (v5 reason code and properties optional); waits until closed."""
        if self._thread is None:
            return
        if self.connected:
            kw = {}
            if self.version == V5:
                if reason is not None:
                    from paho.mqtt.reasoncodes import ReasonCode
                    kw["reasoncode"] = ReasonCode(PacketTypes.DISCONNECT, identifier=reason)
                if disconnect_props:
                    kw["properties"] = props(PacketTypes.DISCONNECT, **disconnect_props)
            self.c.disconnect(**kw)
        self._wait(lambda: self._loop_done.is_set(), timeout, "connection closed after DISCONNECT")
        self._thread.join(timeout)

    def drop(self) -> None:
        """Close the socket without DISCONNECT (an abnormal close: the will is published)."""
        self._stop = True
        self._abort = True
        if self._thread is not None:
            self._thread.join(T)
        sock = self.c.socket()
        if sock is not None:
            sock = getattr(sock, "_socket", sock)  # under paho's WebSocket wrapper
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def wait_closed_by_server(self, timeout: float = T) -> Disconnected:
        """Wait until the server ends the connection; returns how (v5 DISCONNECT reason or a
        lost connection, which paho reports as 0x80 Unspecified error)."""
        self._wait(lambda: self._loop_done.is_set(), timeout, "the server to close the connection")
        return self.disconnected

    def close(self, wait: bool = True) -> None:
        """Best-effort teardown for fixtures: DISCONNECT (written by the loop before it stops)."""
        try:
            if self._thread is not None and not self._loop_done.is_set():
                self._stop = True
                self.c.disconnect()
                if wait:
                    self._thread.join(2)
        except Exception:  # noqa: BLE001
            pass


class Clients:
    """Creates clients for one test and closes them all at the end (the `mqtt` fixture)."""

    def __init__(self, broker: MqttBroker):
        self.broker = broker
        self.made: list[MqttClient] = []

    def new(self, version: int = V5, **kw) -> MqttClient:
        c = MqttClient(self.broker, version, **kw)
        self.made.append(c)
        return c

    def connect(self, version: int = V5, client_id: str | None = None, clean: bool = True,
                transport: str = "tcp", manual_ack: bool = False, **connect_kw) -> MqttClient:
        c = self.new(version, client_id=client_id, clean=clean, transport=transport,
                     manual_ack=manual_ack)
        c.connect(**connect_kw)
        return c

    def subscriber(self, version: int, topic, qos: int = 0, **kw) -> MqttClient:
        """A connected client with one subscription (SUBACK checked to grant `qos`)."""
        sub_opts = {k: kw.pop(k) for k in ("no_local", "rap", "rh", "sub_id") if k in kw}
        c = self.connect(version, **kw)
        codes = c.subscribe(topic, qos, **sub_opts)
        want = [q for _, q in topic] if isinstance(topic, list) else [qos]
        assert codes == want, f"SUBACK {codes}, expected granted {want}"
        return c

    def close_all(self) -> None:
        for c in self.made:
            c.close(wait=False)
        for c in self.made:
            if c._thread is not None:
                c._thread.join(2)


def roundtrip_ok(broker: MqttBroker, version: int = V5) -> None:
    """A fresh subscriber and publisher exchange one QoS 1 message: the broker still works."""
    topic = uid("health") + "/x"
    sub = MqttClient(broker, version)
    pub = MqttClient(broker, version)
    try:
        sub.connect()
        assert sub.subscribe(topic, 1) == [1]
        pub.connect()
        assert pub.publish(topic, b"still-alive", qos=1) in (0, 0x10)
        got = sub.messages.wait_for(1)
        assert [(m.topic, m.payload) for m in got] == [(topic, b"still-alive")]
    finally:
        sub.close()
        pub.close()


# --------------------------------------------------------------------------
# Raw MQTT over a socket
# --------------------------------------------------------------------------

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT, AUTH = 8, 9, 10, 11, 12, 13, 14, 15

# v5 property identifiers and their value types.
_PROP_TYPES = {
    0x01: "byte", 0x02: "u32", 0x03: "str", 0x08: "str", 0x09: "bin", 0x0B: "varint",
    0x11: "u32", 0x12: "str", 0x13: "u16", 0x15: "str", 0x16: "bin", 0x17: "byte",
    0x18: "u32", 0x19: "byte", 0x1A: "str", 0x1C: "str", 0x1F: "str", 0x21: "u16",
    0x22: "u16", 0x23: "u16", 0x24: "byte", 0x25: "byte", 0x26: "pair", 0x27: "u32",
    0x28: "byte", 0x29: "byte", 0x2A: "byte",
}
P_MESSAGE_EXPIRY, P_SESSION_EXPIRY, P_ASSIGNED_ID, P_AUTH_METHOD = 0x02, 0x11, 0x12, 0x15
P_WILL_DELAY, P_REASON_STRING, P_RECEIVE_MAX, P_TOPIC_ALIAS_MAX = 0x18, 0x1F, 0x21, 0x22
P_TOPIC_ALIAS, P_USER_PROPERTY, P_MAX_PACKET_SIZE = 0x23, 0x26, 0x27


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def s(text: str | bytes) -> bytes:
    """An MQTT string or binary field: 2-byte length and the bytes (not validated)."""
    b = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(b)) + b


def encode_props(items: list[tuple[int, object]] | None) -> bytes:
    body = bytearray()
    for pid, v in items or []:
        body += varint(pid)
        t = _PROP_TYPES[pid]
        if t == "byte":
            body.append(v)
        elif t == "u16":
            body += struct.pack(">H", v)
        elif t == "u32":
            body += struct.pack(">I", v)
        elif t == "varint":
            body += varint(v)
        elif t in ("str", "bin"):
            body += s(v)
        elif t == "pair":
            body += s(v[0]) + s(v[1])
    return varint(len(body)) + bytes(body)


def decode_varint(buf: bytes, pos: int) -> tuple[int, int]:
    mult, value = 1, 0
    for i in range(4):
        b = buf[pos + i]
        value += (b & 0x7F) * mult
        mult *= 128
        if not b & 0x80:
            return value, pos + i + 1
    raise ValueError("malformed variable byte integer")


def decode_props(buf: bytes, pos: int) -> tuple[dict[int, list], int]:
    """Returns ({property id: [values]}, position after the properties)."""
    length, pos = decode_varint(buf, pos)
    end = pos + length
    out: dict[int, list] = {}
    while pos < end:
        pid, pos = decode_varint(buf, pos)
        t = _PROP_TYPES[pid]
        if t == "byte":
            v, pos = buf[pos], pos + 1
        elif t == "u16":
            v, pos = struct.unpack_from(">H", buf, pos)[0], pos + 2
        elif t == "u32":
            v, pos = struct.unpack_from(">I", buf, pos)[0], pos + 4
        elif t == "varint":
            v, pos = decode_varint(buf, pos)
        elif t in ("str", "bin"):
            n = struct.unpack_from(">H", buf, pos)[0]
            v, pos = bytes(buf[pos + 2:pos + 2 + n]), pos + 2 + n
            if t == "str":
                v = v.decode("utf-8")
        else:
            n = struct.unpack_from(">H", buf, pos)[0]
            k = bytes(buf[pos + 2:pos + 2 + n]).decode()
            pos += 2 + n
            n = struct.unpack_from(">H", buf, pos)[0]
            v = (k, bytes(buf[pos + 2:pos + 2 + n]).decode())
            pos += 2 + n
        out.setdefault(pid, []).append(v)
    return out, end


def packet(ptype: int, flags: int, body: bytes) -> bytes:
    return bytes([(ptype << 4) | flags]) + varint(len(body)) + body


def connect_packet(version: int = V5, client_id: str = "", keepalive: int = 30, clean: bool = True,
                   will: tuple | None = None, will_props: list | None = None,
                   username: str | None = None, password: bytes | str | None = None,
                   props_: list | None = None, flags_extra: int = 0) -> bytes:
    """CONNECT; will = (topic, payload, qos, retain)."""
    flags = (0x02 if clean else 0) | flags_extra
    payload = s(client_id)
    if will is not None:
        topic, wpayload, qos, retain = will
        flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
        if version == V5:
            payload += encode_props(will_props)
        payload += s(topic) + s(wpayload)
    if username is not None:
        flags |= 0x80
        payload += s(username)
    if password is not None:
        flags |= 0x40
        payload += s(password)
    var = s("MQTT") + bytes([version, flags]) + struct.pack(">H", keepalive)
    if version == V5:
        var += encode_props(props_)
    return packet(CONNECT, 0, var + payload)


def publish_packet(version: int, topic: str | bytes, payload: bytes, qos: int = 0, pid: int = 1,
                   retain: bool = False, dup: bool = False, props_: list | None = None) -> bytes:
    flags = (qos << 1) | (1 if retain else 0) | (8 if dup else 0)
    body = s(topic)
    if qos:
        body += struct.pack(">H", pid)
    if version == V5:
        body += encode_props(props_)
    return packet(PUBLISH, flags, body + payload)


def subscribe_packet(version: int, pid: int, filters: list[tuple[str, int]], props_: list | None = None) -> bytes:
    body = struct.pack(">H", pid)
    if version == V5:
        body += encode_props(props_)
    for f, opts in filters:
        body += s(f) + bytes([opts])
    return packet(SUBSCRIBE, 2, body)


def ack_packet(ptype: int, pid: int) -> bytes:
    """PUBACK, PUBREC, PUBREL (flags 2) or PUBCOMP with success (short form, valid in v3 and v5)."""
    return packet(ptype, 2 if ptype == PUBREL else 0, struct.pack(">H", pid))


@dataclass
class Packet:
    type: int
    flags: int
    body: bytes
    version: int = V5

    # CONNACK / DISCONNECT / AUTH / PUBACK... reason codes
    @property
    def reason(self) -> int:
        if self.type == CONNACK:
            return self.body[1]
        if self.type in (DISCONNECT, AUTH):
            return self.body[0] if self.body else 0
        if self.type in (PUBACK, PUBREC, PUBREL, PUBCOMP):
            return self.body[2] if len(self.body) > 2 else 0
        raise ValueError(f"packet type {self.type} has no single reason code")

    @property
    def session_present(self) -> bool:
        assert self.type == CONNACK
        return bool(self.body[0] & 1)

    @property
    def props(self) -> dict[int, list]:
        if self.type == CONNACK:
            return decode_props(self.body, 2)[0] if len(self.body) > 2 else {}
        if self.type in (DISCONNECT, AUTH):
            return decode_props(self.body, 1)[0] if len(self.body) > 1 else {}
        if self.type == PUBLISH:
            return self.publish()[3]
        raise ValueError(f"no properties decoded for packet type {self.type}")

    @property
    def pid(self) -> int:
        if self.type == PUBLISH:
            return self.publish()[1]
        return struct.unpack_from(">H", self.body, 0)[0]

    def publish(self) -> tuple[str, int | None, bytes, dict]:
        """(topic, packet id or None, payload, properties) of a PUBLISH."""
        assert self.type == PUBLISH, self
        n = struct.unpack_from(">H", self.body, 0)[0]
        topic = self.body[2:2 + n].decode("utf-8")
        pos = 2 + n
        pid = None
        if (self.flags >> 1) & 3:
            pid = struct.unpack_from(">H", self.body, pos)[0]
            pos += 2
        p = {}
        if self.version == V5:
            p, pos = decode_props(self.body, pos)
        return topic, pid, bytes(self.body[pos:]), p

    def __repr__(self) -> str:
        return f"Packet(type={self.type}, flags={self.flags:#x}, body={bytes(self.body[:40])!r})"


class Closed(Exception):
    pass


class Raw:
    """A bare TCP connection speaking MQTT bytes."""

    def __init__(self, broker: MqttBroker, version: int = V5, timeout: float = T):
        self.version = version
        self.sock = socket.create_connection((broker.host, broker.port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self, deadline: float) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no complete packet before the deadline")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no complete packet before the deadline")
        except (ConnectionResetError, BrokenPipeError) as e:
            raise Closed(repr(e))
        if not chunk:
            raise Closed("EOF")
        self.buf += chunk

    def read(self, timeout: float = T) -> Packet:
        """The next packet; raises Closed when the server closed the connection first and
        TimeoutError when nothing complete arrived in time."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 2:
                try:
                    length, pos = decode_varint(self.buf, 1)
                except IndexError:
                    length = None
                if length is not None and len(self.buf) >= pos + length:
                    b0 = self.buf[0]
                    body = bytes(self.buf[pos:pos + length])
                    del self.buf[:pos + length]
                    return Packet(b0 >> 4, b0 & 0xF, body, self.version)
            self._fill(deadline)

    def expect(self, ptype: int, timeout: float = T) -> Packet:
        p = self.read(timeout)
        assert p.type == ptype, f"expected packet type {ptype}, got {p!r}"
        return p

    def read_until_closed(self, timeout: float = T) -> list[Packet]:
        """Every packet the server sends until it closes the connection (which must happen
        within timeout)."""
        out = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                out.append(self.read(max(0.0, deadline - time.monotonic())))
            except Closed:
                return out
            except TimeoutError:
                raise AssertionError(f"server did not close the connection within {timeout}s; "
                                     f"received {out!r}")

    def connect(self, expect_reason: int | None = 0, **kw) -> Packet:
        kw.setdefault("client_id", uid("raw"))
        self.send(connect_packet(self.version, **kw))
        ack = self.expect(CONNACK)
        if expect_reason is not None:
            assert ack.reason == expect_reason, f"CONNACK reason {ack.reason:#x}, expected {expect_reason:#x}"
        return ack

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class AckedPublisher:
    """A paho MQTT 5 QoS 1 publisher streaming without waiting, which records the payloads
    PUBACKed with a success code (for crash and power-loss tests: what was acknowledged)."""

    def __init__(self, port: int, client_id: str | None = None, inflight: int = 50):
        self.lock = threading.Lock()
        self.sent: dict[int, bytes] = {}
        # PUBACKs that arrived before publish() recorded their mid (paho's thread is fast).
        self.early: dict[int, int] = {}
        self.acked: list[bytes] = []
        self.c = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id or uid("pub"),
                             protocol=paho.MQTTv5, reconnect_on_failure=False)
        self.c.max_inflight_messages_set(inflight)
        self.c.on_publish = self._on_publish
        self.c.connect("127.0.0.1", port)
        self.c.loop_start()

    def _record(self, payload: bytes, reason: int) -> None:
        if reason < 0x80:
            self.acked.append(payload)

    def _on_publish(self, _c, _u, mid, reason, _props):
        with self.lock:
            payload = self.sent.pop(mid, None)
            if payload is None:
                self.early[mid] = reason.value
            else:
                self._record(payload, reason.value)

    def publish(self, topic: str, payload: bytes) -> None:
        # Not under self.lock: paho calls on_publish holding its own lock, which publish takes.
        info = self.c.publish(topic, payload, qos=1)
        with self.lock:
            reason = self.early.pop(info.mid, None)
            if reason is None:
                self.sent[info.mid] = payload
            else:
                self._record(payload, reason)

    def count(self) -> int:
        with self.lock:
            return len(self.acked)

    def stop(self) -> list[bytes]:
        """Stops the network loop; returns the acknowledged payloads."""
        self.c.loop_stop()
        with self.lock:
            return list(self.acked)
