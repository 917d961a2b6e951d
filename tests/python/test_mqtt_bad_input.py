"""Bad MQTT input on raw sockets: malformed remaining length, invalid UTF-8 and wildcards in
topic names, reserved flag bits, QoS 3, a first packet that is not CONNECT, a second CONNECT,
oversized packets, unknown protocol levels, garbage, truncated packets and random bytes.

Every case must end the offending connection. For MQTT 5 the server says why first: a
CONNACK (errors in CONNECT) or a DISCONNECT with a reason code: 0x81 Malformed Packet,
0x82 Protocol Error, 0x95 Packet Too Large (and 0x94 Topic Alias invalid). For 3.1.1 it just
closes. Afterwards the broker still serves a bystander connected before the bad input and
new connections, and robustmqd is still running.

Against mosquitto (ROBUSTMQ_MQTT_PEER=mosquitto) the same cases run, checking that each one
really is rejected; mosquitto 2.0.11 closes some MQTT 5 connections without a DISCONNECT, so
a reason code is required only from robustmqd (where mosquitto sends one it must be one of
the accepted codes).
"""

from __future__ import annotations

import random

import pytest

from mqtt_support import (CONNACK, Closed, DISCONNECT, P_TOPIC_ALIAS, PINGREQ, PUBLISH, PUBREL, SUBACK,
                          SUBSCRIBE, V311, V5, Raw, connect_packet, packet, publish_packet,
                          roundtrip_ok, s, subscribe_packet, uid, varint)

pytestmark = pytest.mark.timeout(60)

MALFORMED, PROTOCOL_ERROR, TOPIC_NAME_INVALID, TOPIC_ALIAS_INVALID, TOO_LARGE = 0x81, 0x82, 0x90, 0x94, 0x95


@pytest.fixture
def bystander(mqtt):
    """A client subscribed before the bad input; it must keep receiving afterwards."""
    topic = uid("bystander") + "/t"
    c = mqtt.subscriber(V5, topic, 1)
    c.topic = topic
    yield c
    mqtt.connect(V311).publish(topic, b"after", qos=1)
    c.messages.wait_topic(topic, b"after")
    assert c.connected, "the bystander lost its connection"


def healthy(broker, version: int = V5) -> None:
    roundtrip_ok(broker, version)
    if broker.daemon is not None:
        assert broker.daemon.alive(), "robustmqd died"


def rejected(broker, raw: Raw, version: int, codes: set[int], ptype: int = DISCONNECT) -> None:
    """The server closes the connection; for MQTT 5 it first sends `ptype` (DISCONNECT, or
    CONNACK for errors in CONNECT) with a reason code in `codes` (required from robustmqd)."""
    got = raw.read_until_closed()
    if version == V311:
        assert got == [], f"MQTT 3.1.1: expected a plain close, got {got}"
        return
    if not got and not broker.is_robustmqd:
        return  # mosquitto 2.0.11 closes some connections without saying why
    assert len(got) == 1, f"expected one {ptype} packet before the close, got {got}"
    assert got[0].type == ptype, f"expected packet type {ptype}, got {got[0]}"
    assert got[0].reason in codes, \
        f"reason code {got[0].reason:#x}, expected one of {sorted(hex(c) for c in codes)}"


def eof(raw: Raw) -> None:
    """Half-close: the server reads EOF (unless it has closed the connection already)."""
    try:
        raw.sock.shutdown(1)
    except OSError:
        pass


def connected(broker, version) -> Raw:
    raw = Raw(broker, version)
    raw.connect()
    return raw


BOTH = pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])


# --------------------------------------------------------------------------
# After CONNECT
# --------------------------------------------------------------------------

def qos3_publish(v):
    return packet(PUBLISH, 0b0110, s("a/b") + b"\x00\x01" + (b"\x00" if v == V5 else b"") + b"x")


AFTER_CONNECT = {
    # A variable byte integer of 5 bytes.
    "remaining-length-5-bytes": (lambda v: b"\x30\xff\xff\xff\xff\x7f", {MALFORMED}),
    "invalid-utf8-topic": (lambda v: publish_packet(v, b"a/\xff\xfe", b"x", 1, 1), {MALFORMED}),
    "surrogate-in-topic": (lambda v: publish_packet(v, b"a/\xed\xa0\x80", b"x", 1, 1), {MALFORMED}),
    "nul-in-topic": (lambda v: publish_packet(v, b"a/\x00b", b"x", 1, 1), {MALFORMED}),
    "wildcard-in-topic": (lambda v: publish_packet(v, "a/+/c", b"x", 1, 1),
                          {MALFORMED, PROTOCOL_ERROR, TOPIC_NAME_INVALID}),
    "empty-topic-no-alias": (lambda v: publish_packet(v, "", b"x", 1, 1),
                             {MALFORMED, PROTOCOL_ERROR, TOPIC_NAME_INVALID}),
    "publish-qos-3": (qos3_publish, {MALFORMED}),
    "publish-qos1-packet-id-0": (lambda v: publish_packet(v, "a/b", b"x", 1, 0), {MALFORMED, PROTOCOL_ERROR}),
    # SUBSCRIBE must have flags 0010, PUBREL too.
    "subscribe-reserved-flags": (lambda v: packet(SUBSCRIBE, 0, subscribe_packet(v, 1, [("a", 0)])[2:]),
                                 {MALFORMED}),
    "pubrel-reserved-flags": (lambda v: packet(PUBREL, 0, b"\x00\x01"), {MALFORMED}),
    "subscribe-without-filters": (lambda v: packet(SUBSCRIBE, 2, b"\x00\x01" + (b"\x00" if v == V5 else b"")),
                                  {MALFORMED, PROTOCOL_ERROR}),
    "subscribe-qos-3": (lambda v: subscribe_packet(v, 1, [("a/b", 3)]), {MALFORMED}),
    "subscribe-reserved-option-bits": (lambda v: subscribe_packet(v, 1, [("a/b", 0xC1)]), {MALFORMED}),
    "reserved-packet-type-0": (lambda v: packet(0, 0, b""), {MALFORMED, PROTOCOL_ERROR}),
    "second-connect": (lambda v: connect_packet(v, client_id=uid("again")), {PROTOCOL_ERROR}),
    "connack-from-client": (lambda v: packet(CONNACK, 0, b"\x00\x00" + (b"\x00" if v == V5 else b"")),
                            {MALFORMED, PROTOCOL_ERROR}),
    # Remaining length says more bytes follow than the packet really has (topic length).
    "topic-length-past-end": (lambda v: packet(PUBLISH, 0, b"\x00\x10a/b"), {MALFORMED}),
}


CASES = list(AFTER_CONNECT) + [
    # mosquitto 2.0.11 answers a PINGREQ with reserved flag bits set with a PINGRESP.
    pytest.param("pingreq-reserved-flags", marks=pytest.mark.robustmqd_only),
]
AFTER_CONNECT["pingreq-reserved-flags"] = (lambda v: packet(PINGREQ, 1, b""), {MALFORMED})


@BOTH
@pytest.mark.parametrize("case", CASES)
def test_bad_packet_after_connect(mqtt_broker, bystander, version, case):
    make, codes = AFTER_CONNECT[case]
    raw = connected(mqtt_broker, version)
    try:
        raw.send(make(version))
        rejected(mqtt_broker, raw, version, codes)
    finally:
        raw.close()
    healthy(mqtt_broker, version)


@BOTH
def test_oversized_packet(mqtt_broker, bystander, version):
    """A PUBLISH claiming the largest encodable length (256 MiB) is refused from its fixed
    header, without waiting for (or buffering) the body."""
    raw = Raw(mqtt_broker, version)
    try:
        ack = raw.connect()
        if version == V5 and 0x27 in ack.props:
            assert ack.props[0x27][0] < 268435455
        raw.send(b"\x30" + varint(268435455) + s("big/topic") + b"\x00" * 4096)
        rejected(mqtt_broker, raw, version, {TOO_LARGE})
    finally:
        raw.close()
    healthy(mqtt_broker, version)


def test_topic_alias_zero_and_above_maximum(mqtt_broker, bystander):
    for alias in (0, 65535):
        raw = Raw(mqtt_broker, V5)
        try:
            ack = raw.connect()
            if alias and ack.props.get(0x22, [0])[0] == 65535:
                continue  # every alias is allowed
            raw.send(publish_packet(V5, "a/b", b"x", 1, 1, props_=[(P_TOPIC_ALIAS, alias)]))
            # mosquitto answers alias 0 with 0x81; the spec names 0x94.
            rejected(mqtt_broker, raw, V5, {TOPIC_ALIAS_INVALID} | ({MALFORMED} if alias == 0 else set()))
        finally:
            raw.close()
    healthy(mqtt_broker)


# --------------------------------------------------------------------------
# CONNECT itself
# --------------------------------------------------------------------------

@BOTH
@pytest.mark.parametrize("first", ["pingreq", "publish", "subscribe"])
def test_first_packet_not_connect(mqtt_broker, bystander, version, first):
    make = {"pingreq": lambda: packet(PINGREQ, 0, b""),
            "publish": lambda: publish_packet(version, "a/b", b"x"),
            "subscribe": lambda: subscribe_packet(version, 1, [("#", 0)])}[first]
    raw = Raw(mqtt_broker, version)
    try:
        raw.send(make())
        got = raw.read_until_closed()
        assert got == [], f"server answered a connection without CONNECT: {got}"
    finally:
        raw.close()
    healthy(mqtt_broker, version)


@BOTH
def test_connect_reserved_flag_bit(mqtt_broker, bystander, version):
    raw = Raw(mqtt_broker, version)
    try:
        raw.send(connect_packet(version, client_id=uid("rsv"), flags_extra=0x01))
        got = raw.read_until_closed()
        accepted = [p for p in got if p.type == CONNACK and p.reason == 0]
        assert not accepted, f"CONNECT with the reserved flag set was accepted: {got}"
        if version == V5 and (got or mqtt_broker.is_robustmqd):
            assert [(p.type, p.reason) for p in got] == [(CONNACK, MALFORMED)], got
    finally:
        raw.close()
    healthy(mqtt_broker, version)


@BOTH
def test_connect_password_without_username(mqtt_broker, bystander, version):
    """3.1.1: the password flag without the user name flag is invalid ([MQTT-3.1.2-22]);
    MQTT 5 allows it (so it gets an answer, whatever authentication decides)."""
    raw = Raw(mqtt_broker, version)
    try:
        raw.send(connect_packet(version, client_id=uid("pw"), password=b"secret"))
        if version == V311:
            got = raw.read_until_closed()
            assert not [p for p in got if p.type == CONNACK and p.reason == 0], got
        else:
            assert raw.expect(CONNACK).type == CONNACK
    finally:
        raw.close()
    healthy(mqtt_broker, version)


def test_unsupported_protocol_level(mqtt_broker, bystander):
    """Protocol level 7: CONNACK return code 1 (3.1.1 format) or 0x84 (MQTT 5), then close."""
    pkt = bytearray(connect_packet(V311, client_id=uid("lvl")))
    assert pkt[8] == 4
    pkt[8] = 7
    raw = Raw(mqtt_broker, V311)
    try:
        raw.send(bytes(pkt))
        got = raw.read_until_closed()
        assert len(got) <= 1, got
        if got or mqtt_broker.is_robustmqd:
            assert got[0].type == CONNACK and (got[0].body == b"\x00\x01" or got[0].body[:2] == b"\x00\x84"), got
    finally:
        raw.close()
    healthy(mqtt_broker)


def test_wrong_protocol_name(mqtt_broker, bystander):
    pkt = connect_packet(V311, client_id=uid("name")).replace(b"\x00\x04MQTT", b"\x00\x04MQTX", 1)
    raw = Raw(mqtt_broker, V311)
    try:
        raw.send(pkt)
        got = raw.read_until_closed()
        assert not [p for p in got if p.type == CONNACK and p.reason == 0], got
    finally:
        raw.close()
    healthy(mqtt_broker)


def test_garbage_and_truncated_input(mqtt_broker, bystander):
    samples = [b"GET /mqtt HTTP/1.1\r\nHost: x\r\n\r\n", b"\x00" * 64, b"\xff" * 64,
               connect_packet(V5, client_id=uid("cut"))[:9],  # truncated CONNECT, then EOF
               b"\x10", b"\x10\x80"]
    for data in samples:
        raw = Raw(mqtt_broker, V5)
        try:
            raw.send(data)
            eof(raw)  # no more input: the server must give up on a partial packet
            got = raw.read_until_closed()
            assert not [p for p in got if p.type == CONNACK and p.reason == 0], (data, got)
        finally:
            raw.close()
    healthy(mqtt_broker)


def test_random_bytes_after_connect(mqtt_broker, bystander):
    rng = random.Random(20240601)
    for i in range(40):
        version = (V311, V5)[i % 2]
        raw = Raw(mqtt_broker, version)
        try:
            raw.connect()
            raw.send(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
            eof(raw)
            try:
                raw.read_until_closed(timeout=5)
            except AssertionError:
                raise AssertionError(f"sample {i}: connection not closed after random bytes and EOF")
        finally:
            raw.close()
    healthy(mqtt_broker)


def test_slowloris_partial_connect_does_not_block_others(mqtt_broker, bystander):
    """Connections that stall inside a packet do not hold up anyone else."""
    stalled = []
    try:
        for _ in range(10):
            raw = Raw(mqtt_broker, V5)
            raw.send(connect_packet(V5, client_id=uid("slow"))[:5])
            stalled.append(raw)
        healthy(mqtt_broker)
    finally:
        for raw in stalled:
            raw.close()


def test_subscription_to_invalid_filter(mqtt_broker, bystander):
    """`a/#/b` is not a valid filter: SUBACK with a failure code, or the connection is closed
    (MQTT 5: DISCONNECT 0x81/0x82/0x8F)."""
    for version in (V311, V5):
        raw = connected(mqtt_broker, version)
        try:
            raw.send(subscribe_packet(version, 3, [("a/#/b", 1)]))
            try:
                p = raw.read()
            except Closed:
                continue
            if p.type == SUBACK:
                assert p.body[-1] >= 0x80, f"invalid filter granted: {p}"
            else:
                assert version == V5 and p.type == DISCONNECT and p.reason in (0x81, 0x82, 0x8F), p
                assert raw.read_until_closed() == []
        finally:
            raw.close()
    healthy(mqtt_broker)
