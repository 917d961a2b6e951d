"""MQTT 5 features with paho-mqtt 2.x: assigned client identifier, topic aliases (client to
server), subscription identifiers, No Local, message expiry, the PUBLISH properties round
trip (payload format, content type, response topic, correlation data, user properties),
Maximum Packet Size and Receive Maximum set by the client, shared subscriptions, and an
AUTH method the server does not know.

Generic: these run against robustmqd, or against mosquitto with ROBUSTMQ_MQTT_PEER=mosquitto.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from mqtt_support import (CONNACK, DISCONNECT, P_ASSIGNED_ID, P_AUTH_METHOD, P_TOPIC_ALIAS,
                          P_RECEIVE_MAX, P_TOPIC_ALIAS_MAX, PUBACK, PUBLISH, QUIET, SUBACK, V311, V5, Raw,
                          ack_packet, connect_packet, publish_packet, subscribe_packet, uid)

pytestmark = pytest.mark.timeout(60)


# --------------------------------------------------------------------------
# Client identifiers
# --------------------------------------------------------------------------

def test_empty_client_id_gets_an_assigned_identifier(mqtt_broker, mqtt):
    ids = set()
    for _ in range(2):
        raw = Raw(mqtt_broker, V5)
        try:
            ack = raw.connect(client_id="")
            assigned = ack.props.get(P_ASSIGNED_ID)
            assert assigned and assigned[0], f"no Assigned Client Identifier in {ack.props}"
            ids.add(assigned[0])
        finally:
            raw.close()
    assert len(ids) == 2, "two connections got the same assigned identifier"
    # paho sees it too, and the connection works.
    c = mqtt.new(V5, client_id="")
    ack = c.connect()
    assert ack.p("AssignedClientIdentifier")
    topic = uid("assigned") + "/t"
    assert c.subscribe(topic, 1) == [1]
    c.publish(topic, b"x", qos=1)
    assert c.messages.wait_exactly(1)[0].payload == b"x"


def test_v311_empty_client_id(mqtt_broker):
    """3.1.1: a zero-byte client id is accepted with clean session 1 (the server assigns one)
    and rejected with return code 2 with clean session 0 ([MQTT-3.1.3-8])."""
    raw = Raw(mqtt_broker, V311)
    try:
        ack = raw.connect(client_id="", clean=True)
        assert ack.body == b"\x00\x00"
    finally:
        raw.close()
    raw = Raw(mqtt_broker, V311)
    try:
        raw.send(connect_packet(V311, client_id="", clean=False))
        ack = raw.expect(CONNACK)
        assert ack.body == b"\x00\x02", f"CONNACK {ack.body!r}, expected identifier rejected (2)"
        assert raw.read_until_closed() == []
    finally:
        raw.close()


# --------------------------------------------------------------------------
# Topic aliases (client to server)
# --------------------------------------------------------------------------

def test_topic_alias_from_client(mqtt):
    base = uid("alias")
    sub = mqtt.subscriber(V5, f"{base}/#", 1)
    pub = mqtt.connect(V5)
    alias_max = pub.connack.p("TopicAliasMaximum", 0)
    assert alias_max >= 2, f"server allows {alias_max} topic aliases"
    pub.publish(f"{base}/one", b"1", qos=1, TopicAlias=1)
    pub.publish("", b"2", qos=1, TopicAlias=1)
    pub.publish(f"{base}/two", b"3", qos=1, TopicAlias=2)
    pub.publish("", b"4", qos=1, TopicAlias=2)
    pub.publish("", b"5", qos=1, TopicAlias=1)
    pub.publish(f"{base}/three", b"6", qos=1, TopicAlias=1)  # remaps alias 1
    pub.publish("", b"7", qos=1, TopicAlias=1)
    got = sub.messages.wait_exactly(7)
    assert [(m.topic, m.payload) for m in got] == [
        (f"{base}/one", b"1"), (f"{base}/one", b"2"), (f"{base}/two", b"3"), (f"{base}/two", b"4"),
        (f"{base}/one", b"5"), (f"{base}/three", b"6"), (f"{base}/three", b"7")]
    # The alias is not forwarded: the subscriber did not allow any.
    assert all(m.p("TopicAlias") is None for m in got)


def test_topic_aliases_are_per_connection(mqtt_broker, mqtt):
    base = uid("alias")
    sub = mqtt.subscriber(V5, f"{base}/#", 1)
    a = mqtt.connect(V5)
    b = mqtt.connect(V5)
    a.publish(f"{base}/a", b"a1", qos=1, TopicAlias=1)
    b.publish(f"{base}/b", b"b1", qos=1, TopicAlias=1)
    a.publish("", b"a2", qos=1, TopicAlias=1)
    b.publish("", b"b2", qos=1, TopicAlias=1)
    got = sub.messages.wait_exactly(4)
    assert sorted((m.topic, m.payload) for m in got) == [
        (f"{base}/a", b"a1"), (f"{base}/a", b"a2"), (f"{base}/b", b"b1"), (f"{base}/b", b"b2")]


def raw_v5(mqtt_broker) -> tuple[Raw, dict]:
    raw = Raw(mqtt_broker, V5)
    ack = raw.connect()
    return raw, ack.props


def test_topic_alias_above_the_maximum_is_rejected(mqtt_broker, mqtt):
    raw, props = raw_v5(mqtt_broker)
    try:
        alias_max = props.get(P_TOPIC_ALIAS_MAX, [0])[0]
        raw.send(publish_packet(V5, uid("alias") + "/t", b"x", qos=1, pid=1,
                                props_=[(P_TOPIC_ALIAS, alias_max + 1)]))
        got = raw.read_until_closed()
        assert [(p.type, p.reason) for p in got if p.type == DISCONNECT] in ([], [(DISCONNECT, 0x94)]), got
        assert not [p for p in got if p.type == PUBACK], f"the PUBLISH was accepted: {got}"
    finally:
        raw.close()


def test_unknown_topic_alias_with_empty_topic_is_rejected(mqtt_broker):
    raw, _ = raw_v5(mqtt_broker)
    try:
        raw.send(publish_packet(V5, "", b"x", qos=1, pid=1, props_=[(P_TOPIC_ALIAS, 1)]))
        got = raw.read_until_closed()
        assert not [p for p in got if p.type == PUBACK], f"the PUBLISH was accepted: {got}"
    finally:
        raw.close()


# --------------------------------------------------------------------------
# Subscription identifiers, No Local
# --------------------------------------------------------------------------

def test_subscription_identifiers(mqtt):
    base = uid("subid")
    sub = mqtt.connect(V5)
    assert sub.connack.p("SubscriptionIdentifierAvailable", 1) == 1
    assert sub.subscribe(f"{base}/#", 1, sub_id=7) == [1]
    assert sub.subscribe(f"{base}/+", 1, sub_id=268435455) == [1]  # the largest identifier
    assert sub.subscribe(f"{base}/plain", 1) == [1]
    pub = mqtt.connect(V5)
    pub.publish(f"{base}/a/b", b"deep", qos=1)
    [m] = sub.messages.wait_exactly(1)
    assert m.sub_ids == [7]
    sub.messages.clear()
    pub.publish(f"{base}/x", b"both", qos=1)
    got = sub.messages.wait_settled(1)
    ids = [sorted(m.sub_ids) for m in got]
    # One copy carrying both identifiers, or one copy per subscription with its own.
    assert ids == [[7, 268435455]] or sorted(ids) == [[7], [268435455]], ids
    sub.messages.clear()
    pub.publish(f"{base}/plain", b"three", qos=1)
    got = sub.messages.wait_settled(1)
    assert sorted(i for m in got for i in m.sub_ids) == [7, 268435455], \
        "the subscription without an identifier adds none"


def test_subscription_identifier_is_replaced_on_resubscribe(mqtt):
    topic = uid("subid") + "/t"
    sub = mqtt.connect(V5)
    assert sub.subscribe(topic, 1, sub_id=1) == [1]
    assert sub.subscribe(topic, 1, sub_id=2) == [1]
    mqtt.connect(V5).publish(topic, b"x", qos=1)
    [m] = sub.messages.wait_exactly(1)
    assert m.sub_ids == [2]


def test_no_local(mqtt):
    topic = uid("nolocal") + "/t"
    me = mqtt.subscriber(V5, topic, 1, no_local=True)
    me.publish(topic, b"mine", qos=1)
    mqtt.connect(V5).publish(topic, b"theirs", qos=1)
    me.messages.wait_topic(topic, b"theirs")
    assert [m.payload for m in me.messages.wait_settled(1)] == [b"theirs"]
    # Without No Local a client gets its own messages.
    other = mqtt.subscriber(V5, topic, 1, no_local=False)
    other.publish(topic, b"echo", qos=1)
    assert [m.payload for m in other.messages.wait_exactly(1)] == [b"echo"]


# --------------------------------------------------------------------------
# Message expiry
# --------------------------------------------------------------------------

def test_message_expiry(mqtt):
    """Expired messages are not delivered to a session that comes back, nor kept as retained
    messages; the others arrive with the remaining interval ([MQTT-3.3.2-5], [MQTT-3.3.2-6]).
    One 2 s wait serves both."""
    cid = uid("expiry")
    base = uid("exp")
    s = mqtt.new(V5, client_id=cid, clean=False)
    s.connect(SessionExpiryInterval=300)
    assert s.subscribe(f"{base}/q", 1) == [1]
    s.disconnect()
    pub = mqtt.connect(V5)
    pub.publish(f"{base}/q", b"short", qos=1, MessageExpiryInterval=1)
    pub.publish(f"{base}/q", b"long", qos=1, MessageExpiryInterval=60)
    pub.publish(f"{base}/q", b"forever", qos=1)
    pub.publish(f"{base}/r/short", b"short", qos=1, retain=True, MessageExpiryInterval=1)
    pub.publish(f"{base}/r/long", b"long", qos=1, retain=True, MessageExpiryInterval=100)
    published = time.monotonic()
    time.sleep(2.2)  # the 1 s expiry, with margin

    back = mqtt.new(V5, client_id=cid, clean=False)
    assert back.connect(SessionExpiryInterval=300).session_present
    got = back.messages.wait_exactly(2)
    waited = time.monotonic() - published
    assert [m.payload for m in got] == [b"long", b"forever"], "the expired message was delivered"
    remaining = got[0].p("MessageExpiryInterval")
    assert remaining is not None and 60 - waited - 1.5 <= remaining <= 58, \
        f"remaining expiry {remaining} after {waited:.1f}s of 60"
    assert got[1].p("MessageExpiryInterval") is None

    sub = mqtt.subscriber(V5, f"{base}/r/#", 1)
    [m] = sub.messages.wait_exactly(1)
    waited = time.monotonic() - published
    assert (m.topic, m.payload, m.retain) == (f"{base}/r/long", b"long", True), "expired retained message"
    assert 100 - waited - 1.5 <= m.p("MessageExpiryInterval") <= 98


def test_message_expiry_is_forwarded_to_online_subscribers(mqtt):
    topic = uid("exp") + "/live"
    sub = mqtt.subscriber(V5, topic, 1)
    mqtt.connect(V5).publish(topic, b"x", qos=1, MessageExpiryInterval=3600)
    [m] = sub.messages.wait_exactly(1)
    assert 3598 <= m.p("MessageExpiryInterval") <= 3600


# --------------------------------------------------------------------------
# PUBLISH properties
# --------------------------------------------------------------------------

@pytest.mark.parametrize("qos", [0, 1, 2])
def test_publish_properties_round_trip(mqtt, qos):
    topic = uid("props") + "/t"
    sub = mqtt.subscriber(V5, topic, 2)
    pub = mqtt.connect(V5)
    user = [("z-first", "1"), ("a", "x"), ("a", "y"), ("empty", ""), ("unicode", "h\u00e9\u2603")]
    pub.publish(topic, "payload \u2603".encode(), qos=qos, PayloadFormatIndicator=1,
                ContentType="text/plain; charset=utf-8", ResponseTopic=f"{topic}/reply",
                CorrelationData=b"\x00\xff\x10corr", UserProperty=user)
    pub.publish(topic, b"\xff\xfe binary", qos=qos, PayloadFormatIndicator=0)
    first, second = sub.messages.wait_exactly(2)
    assert first.payload == "payload \u2603".encode()
    assert first.p("PayloadFormatIndicator") == 1
    assert first.p("ContentType") == "text/plain; charset=utf-8"
    assert first.p("ResponseTopic") == f"{topic}/reply"
    assert first.p("CorrelationData") == b"\x00\xff\x10corr"
    assert first.user_props == user, "user properties must keep their order ([MQTT-3.3.2-18])"
    assert second.payload == b"\xff\xfe binary"
    assert second.p("PayloadFormatIndicator", 0) == 0
    for name in ("ContentType", "ResponseTopic", "CorrelationData"):
        assert second.p(name) is None, f"{name} leaked into the next message"
    assert second.user_props == []


@pytest.mark.robustmqd_only  # the check is optional ([MQTT-3.3.2-4]: MAY); mosquitto skips it
def test_payload_format_indicator_is_checked(mqtt):
    """A payload that Payload Format Indicator 1 declares UTF-8 but is not: PUBACK 0x99, not
    forwarded, and the connection stays up."""
    topic = uid("pfi") + "/t"
    sub = mqtt.subscriber(V5, topic, 1)
    pub = mqtt.connect(V5)
    assert pub.publish(topic, b"\xff\xfe", qos=1, expect_ok=False, PayloadFormatIndicator=1) == 0x99
    pub.publish(topic, b"\xff\xfe", qos=1, PayloadFormatIndicator=0)
    pub.publish(topic, "ok \u2603".encode(), qos=1, PayloadFormatIndicator=1)
    got = sub.messages.wait_exactly(2)
    assert [m.payload for m in got] == [b"\xff\xfe", "ok \u2603".encode()]
    assert pub.connected


def test_request_response(mqtt):
    """A requester names a response topic and correlation data; a responder answers there."""
    base = uid("rr")
    responder = mqtt.subscriber(V5, f"{base}/requests", 1)
    requester = mqtt.subscriber(V5, f"{base}/responses/me", 1)
    for i in range(3):
        requester.publish(f"{base}/requests", b"q%d" % i, qos=1, ResponseTopic=f"{base}/responses/me",
                          CorrelationData=b"id-%d" % i)
    for req in responder.messages.wait_for(3):
        responder.publish(req.p("ResponseTopic"), b"a-" + req.payload, qos=1,
                          CorrelationData=req.p("CorrelationData"))
    got = requester.messages.wait_exactly(3)
    assert [(m.payload, m.p("CorrelationData")) for m in got] == [
        (b"a-q0", b"id-0"), (b"a-q1", b"id-1"), (b"a-q2", b"id-2")]


def test_v5_properties_are_not_sent_to_v311_subscribers(mqtt):
    topic = uid("props") + "/t"
    s3 = mqtt.subscriber(V311, topic, 1)
    mqtt.connect(V5).publish(topic, b"p", qos=1, ContentType="x/y", UserProperty=[("k", "v")])
    [m] = s3.messages.wait_exactly(1)
    assert m.payload == b"p"


# --------------------------------------------------------------------------
# Flow control set by the client
# --------------------------------------------------------------------------

def test_maximum_packet_size_of_the_client(mqtt):
    """The server must not send a PUBLISH larger than the client's Maximum Packet Size; it
    drops it for that client ([MQTT-3.1.2-24], [MQTT-3.1.2-25])."""
    topic = uid("mps") + "/t"
    small = mqtt.new(V5)
    small.connect(MaximumPacketSize=256)
    assert small.subscribe(topic, 1) == [1]
    big = mqtt.subscriber(V5, topic, 1)
    pub = mqtt.connect(V5)
    pub.publish(topic, b"L" * 1000, qos=1)
    pub.publish(topic, b"x" * 300, qos=0)
    pub.publish(topic, b"fits", qos=1)
    assert [m.payload for m in small.messages.wait_exactly(1)] == [b"fits"]
    assert sorted(len(m.payload) for m in big.messages.wait_exactly(3)) == [4, 300, 1000]
    assert small.connected, "the server must drop the message, not the connection"


@pytest.mark.robustmqd_only  # mosquitto 2.0.11 still sends a packet 1 byte over the maximum
def test_maximum_packet_size_counts_the_whole_packet(mqtt):
    topic = uid("mps") + "/t"
    small = mqtt.new(V5)
    small.connect(MaximumPacketSize=256)
    assert small.subscribe(topic, 1) == [1]
    pub = mqtt.connect(V5)
    # PUBLISH QoS 1 without properties: type byte, 2-byte remaining length (>= 128), topic,
    # packet id, property length 0, payload.
    header = 1 + 2 + 2 + len(topic) + 2 + 1
    for total in (255, 256, 257, 300):
        pub.publish(topic, b"x" * (total - header), qos=1)
    pub.publish(topic, b"end", qos=1)
    got = small.messages.wait_exactly(3)
    assert [len(m.payload) + header for m in got[:2]] == [255, 256] and got[2].payload == b"end"


def test_receive_maximum_of_the_client(mqtt):
    """With Receive Maximum 2 the server stops at 2 unacknowledged QoS 1 PUBLISHes
    ([MQTT-3.3.4-9]) and sends the rest as they are acknowledged."""
    topic = uid("rm") + "/t"
    sub = mqtt.new(V5, manual_ack=True)
    sub.connect(ReceiveMaximum=2)
    assert sub.subscribe(topic, 1) == [1]
    pub = mqtt.connect(V5)
    for i in range(6):
        pub.publish(topic, b"%d" % i, qos=1)
    first = sub.messages.wait_exactly(2, quiet=0.5)
    assert [m.payload for m in first] == [b"0", b"1"]
    acked = 0
    while acked < 6:
        got = sub.messages.wait_for(min(acked + 1, 6))
        for m in got[acked:]:
            sub.ack(m.mid)
        acked = len(got)
    got = sub.messages.wait_exactly(6)
    assert [m.payload for m in got] == [b"%d" % i for i in range(6)]
    assert not any(m.dup for m in got)


@pytest.mark.robustmqd_only  # mosquitto 2.0.11 sends 2 more PUBLISHes per PUBACK (3 in flight)
def test_receive_maximum_window_slides_one_by_one(mqtt_broker, mqtt):
    topic = uid("rm") + "/t"
    raw = Raw(mqtt_broker, V5)
    try:
        raw.connect(props_=[(P_RECEIVE_MAX, 2)])
        raw.send(subscribe_packet(V5, 1, [(topic, 1)]))
        assert raw.expect(SUBACK).body[-1] == 1
        pub = mqtt.connect(V5)
        for i in range(6):
            pub.publish(topic, b"%d" % i, qos=1)
        inflight, delivered = [], []
        while len(delivered) < 6:
            try:
                while True:
                    p = raw.read(QUIET)
                    assert p.type == PUBLISH, p
                    inflight.append(p)
                    delivered.append(p.publish()[2])
                    assert len(inflight) <= 2, f"{len(inflight)} unacknowledged PUBLISHes in flight"
            except TimeoutError:
                pass
            assert inflight, f"nothing in flight after {delivered}"
            raw.send(ack_packet(PUBACK, inflight.pop(0).pid))
        assert delivered == [b"%d" % i for i in range(6)]
    finally:
        raw.close()


# --------------------------------------------------------------------------
# Shared subscriptions
# --------------------------------------------------------------------------

def test_shared_subscription_splits_messages_among_members(mqtt):
    base = uid("share")
    members = [mqtt.subscriber(V5, f"$share/g1/{base}/#", 1) for _ in range(3)]
    other_group = mqtt.subscriber(V5, f"$share/g2/{base}/#", 1)
    plain = mqtt.subscriber(V5, f"{base}/#", 1)
    pub = mqtt.connect(V5)
    sent = [b"m%02d" % i for i in range(30)]
    for i, p in enumerate(sent):
        pub.publish(f"{base}/{i % 3}", p, qos=1)
    assert [m.payload for m in plain.messages.wait_exactly(30, quiet=0)] == sent
    assert [m.payload for m in other_group.messages.wait_exactly(30, quiet=0)] == sent
    deadline = time.monotonic() + 5
    while sum(len(m.messages) for m in members) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    per_member = [[m.payload for m in c.messages.snapshot()] for c in members]
    counts = Counter(p for got in per_member for p in got)
    assert sorted(counts) == sent, f"missing: {sorted(set(sent) - set(counts))}"
    assert set(counts.values()) == {1}, f"delivered more than once: {[p for p, n in counts.items() if n > 1]}"
    # Our contract: messages are split among the members, not all sent to one of them.
    assert all(per_member), f"a member got nothing: {[len(g) for g in per_member]}"
    # Each member sees its share of a topic in order.
    for got in per_member:
        for t in range(3):
            seq = [p for p in got if int(p[1:]) % 3 == t]
            assert seq == sorted(seq)


def test_shared_subscription_member_leaving(mqtt):
    base = uid("share")
    a = mqtt.subscriber(V5, f"$share/g/{base}/t", 1)
    b = mqtt.subscriber(V5, f"$share/g/{base}/t", 1)
    b.disconnect()
    pub = mqtt.connect(V5)
    for i in range(10):
        pub.publish(f"{base}/t", b"%d" % i, qos=1)
    assert [m.payload for m in a.messages.wait_exactly(10)] == [b"%d" % i for i in range(10)]


def test_shared_subscription_unsubscribe(mqtt):
    base = uid("share")
    a = mqtt.subscriber(V5, f"$share/g/{base}/t", 1)
    b = mqtt.subscriber(V5, f"$share/g/{base}/t", 1)
    assert b.unsubscribe(f"$share/g/{base}/t") == [0]
    pub = mqtt.connect(V5)
    for i in range(6):
        pub.publish(f"{base}/t", b"%d" % i, qos=1)
    assert len(a.messages.wait_exactly(6)) == 6
    assert b.messages.snapshot() == []


@pytest.mark.robustmqd_only  # mosquitto 2.0.11 sends retained messages to shared subscriptions
def test_shared_subscription_gets_no_retained_messages(mqtt):
    """Retained messages are not sent when a shared subscription is made (MQTT 5, 4.8.2)."""
    topic = uid("share") + "/t"
    pub = mqtt.connect(V5)
    pub.publish(topic, b"retained", qos=1, retain=True)
    member = mqtt.subscriber(V5, f"$share/g/{topic}", 1)
    pub.publish(topic, b"sentinel", qos=1)
    member.messages.wait_topic(topic, b"sentinel")
    assert [m.payload for m in member.messages.snapshot()] == [b"sentinel"]


# --------------------------------------------------------------------------
# Enhanced authentication
# --------------------------------------------------------------------------

def test_unknown_authentication_method_is_refused(mqtt_broker, mqtt):
    c = mqtt.new(V5)
    ack = c.connect(expect=None, AuthenticationMethod="NO-SUCH-METHOD", AuthenticationData=b"\x01")
    assert ack.reason == 0x8C, f"CONNACK {ack.reason_name} ({ack.reason:#x}), expected Bad authentication method"
    c.wait_closed_by_server()
    raw = Raw(mqtt_broker, V5)
    try:
        ack = raw.connect(expect_reason=0x8C, props_=[(P_AUTH_METHOD, "SCRAM-SHA-999")])
        assert raw.read_until_closed() == []
    finally:
        raw.close()


def test_connack_properties(mqtt_broker):
    """What the server announces is consistent: every value in range, nothing duplicated."""
    raw = Raw(mqtt_broker, V5)
    try:
        ack = raw.connect()
        for pid, values in ack.props.items():
            if pid != 0x26:  # user properties may repeat
                assert len(values) == 1, f"property {pid:#x} sent {len(values)} times"
        if 0x24 in ack.props:  # Maximum QoS
            assert ack.props[0x24][0] in (0, 1)
        if 0x21 in ack.props:  # Receive Maximum
            assert ack.props[0x21][0] > 0
        if 0x27 in ack.props:  # Maximum Packet Size
            assert ack.props[0x27][0] > 0
    finally:
        raw.close()
