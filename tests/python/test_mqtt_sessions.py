"""MQTT sessions and connection lifetime: session takeover, persistent sessions (3.1.1 clean
session 0, MQTT 5 clean start 0 with a session expiry interval), queued QoS 1/2 messages,
session expiry, QoS 2 exactly once when a connection breaks mid-handshake, Will messages
(abnormal close, normal DISCONNECT, Will Delay Interval, keep alive timeout).

Generic: these run against robustmqd, or against mosquitto with ROBUSTMQ_MQTT_PEER=mosquitto.
Timer features (will delay, keep alive, session expiry) wait for their timers, nothing else
sleeps.
"""

from __future__ import annotations

import time

import pytest
from paho.mqtt.packettypes import PacketTypes

from mqtt_support import (BOTH_VERSIONS, CONNACK, DISCONNECT, P_SESSION_EXPIRY, PUBCOMP, PUBLISH, PUBREC,
                          PUBREL, SUBACK, T, V311, V5, MqttClient, Raw, ack_packet, connect_packet, props,
                          publish_packet, subscribe_packet, uid)
from support import wait_until

pytestmark = pytest.mark.timeout(60)


def only_the_sentinel_arrives(pub, client) -> None:
    """Subscribe `client` to a fresh topic and publish one sentinel there: it must be the only
    message `client` gets, so nothing of a discarded session was queued for it."""
    other = uid("other") + "/t"
    assert client.subscribe(other, 1) == [1]
    pub.publish(other, b"sentinel", qos=1)
    assert [m.payload for m in client.messages.wait_exactly(1)] == [b"sentinel"]


def persistent(mqtt, version, client_id, expect_present=None, expiry=300, **kw) -> MqttClient:
    """Connect with a session that outlives the connection (3.1.1 clean session 0; MQTT 5
    clean start 0 and a session expiry interval)."""
    c = mqtt.new(version, client_id=client_id, clean=False, **kw)
    ack = c.connect(SessionExpiryInterval=expiry) if version == V5 else c.connect()
    if expect_present is not None:
        assert ack.session_present is expect_present, f"session present = {ack.session_present}"
    return c


# --------------------------------------------------------------------------
# Takeover
# --------------------------------------------------------------------------

@BOTH_VERSIONS
def test_session_takeover_disconnects_the_first_connection(mqtt, version):
    cid = uid("dup")
    first = mqtt.connect(version, client_id=cid)
    second = mqtt.connect(version, client_id=cid)
    first.wait_closed_by_server()
    assert second.connected
    # The surviving connection works.
    topic = uid("takeover") + "/t"
    assert second.subscribe(topic, 1) == [1]
    second.publish(topic, b"ok", qos=1)
    assert [m.payload for m in second.messages.wait_exactly(1)] == [b"ok"]


@pytest.mark.robustmqd_only  # mosquitto 2.0.11 closes the first connection without a DISCONNECT
def test_v5_session_takeover_sends_disconnect_0x8e(mqtt_broker):
    cid = uid("dup")
    first = Raw(mqtt_broker, V5)
    second = Raw(mqtt_broker, V5)
    try:
        first.connect(client_id=cid)
        second.connect(client_id=cid)
        got = first.read_until_closed()
        assert [(p.type, p.reason) for p in got] == [(DISCONNECT, 0x8E)], got
    finally:
        first.close()
        second.close()


@BOTH_VERSIONS
def test_takeover_keeps_a_persistent_session(mqtt, version):
    cid = uid("dup")
    topic = uid("takeover") + "/t"
    first = persistent(mqtt, version, cid, expect_present=False)
    assert first.subscribe(topic, 1) == [1]
    second = persistent(mqtt, version, cid, expect_present=True)
    first.wait_closed_by_server()
    mqtt.connect(version).publish(topic, b"to-second", qos=1)
    assert [m.payload for m in second.messages.wait_exactly(1)] == [b"to-second"]


# --------------------------------------------------------------------------
# Persistent sessions
# --------------------------------------------------------------------------

@BOTH_VERSIONS
def test_persistent_session_keeps_subscriptions_and_queues_messages(mqtt, version):
    cid = uid("persist")
    base = uid("queued")
    s = persistent(mqtt, version, cid, expect_present=False)
    assert s.subscribe([(f"{base}/q1", 1), (f"{base}/q2", 2), (f"{base}/q0", 0)]) == [1, 2, 0]
    s.disconnect()
    pub = mqtt.connect(version)
    sent = []
    for i in range(5):
        for t, q in (("q1", 1), ("q2", 2)):
            pub.publish(f"{base}/{t}", b"%s-%d" % (t.encode(), i), qos=q)
            sent.append((f"{base}/{t}", b"%s-%d" % (t.encode(), i), q))
    s2 = persistent(mqtt, version, cid, expect_present=True)
    got = s2.messages.wait_for(len(sent))
    # QoS 0 messages for an offline client may be dropped or kept: ignore them.
    got = [(m.topic, m.payload, m.qos) for m in got if m.qos > 0]
    for t in (f"{base}/q1", f"{base}/q2"):
        assert [g for g in got if g[0] == t] == [x for x in sent if x[0] == t], f"{t} in order"
    # The subscriptions are still there: a new message arrives without subscribing again.
    s2.messages.clear()
    pub.publish(f"{base}/q1", b"live", qos=1)
    assert [m.payload for m in s2.messages.wait_exactly(1)] == [b"live"]


@BOTH_VERSIONS
def test_queued_messages_are_not_delivered_twice(mqtt, version):
    cid = uid("persist")
    topic = uid("once") + "/t"
    s = persistent(mqtt, version, cid)
    assert s.subscribe(topic, 1) == [1]
    s.disconnect()
    pub = mqtt.connect(version)
    for i in range(3):
        pub.publish(topic, b"%d" % i, qos=1)
    s2 = persistent(mqtt, version, cid, expect_present=True)
    assert [m.payload for m in s2.messages.wait_exactly(3)] == [b"0", b"1", b"2"]
    s2.disconnect()
    s3 = persistent(mqtt, version, cid, expect_present=True)
    pub.publish(topic, b"3", qos=1)
    assert [m.payload for m in s3.messages.wait_exactly(1)] == [b"3"], \
        "messages acknowledged in the previous connection were sent again"


def test_v311_clean_session_discards_the_stored_session(mqtt):
    cid = uid("clean")
    topic = uid("gone") + "/t"
    s = persistent(mqtt, V311, cid, expect_present=False)
    assert s.subscribe(topic, 1) == [1]
    s.disconnect()
    clean = mqtt.connect(V311, client_id=cid, clean=True)
    assert clean.connack.session_present is False, "clean session must not resume the session"
    clean.disconnect()
    mqtt.connect(V311).publish(topic, b"nobody", qos=1)
    again = persistent(mqtt, V311, cid, expect_present=False)
    only_the_sentinel_arrives(mqtt.connect(V311), again)


def test_v5_clean_start_discards_the_stored_session(mqtt):
    cid = uid("clean")
    topic = uid("gone") + "/t"
    s = persistent(mqtt, V5, cid, expect_present=False)
    assert s.subscribe(topic, 1) == [1]
    s.disconnect()
    clean = mqtt.new(V5, client_id=cid, clean=True)
    assert clean.connect(SessionExpiryInterval=300).session_present is False
    pub = mqtt.connect(V5)
    pub.publish(topic, b"x", qos=1)
    only_the_sentinel_arrives(pub, clean)


def test_v5_session_expiry_zero_ends_the_session_on_disconnect(mqtt):
    cid = uid("noexp")
    topic = uid("gone") + "/t"
    s = persistent(mqtt, V5, cid, expiry=0, expect_present=False)
    assert s.subscribe(topic, 1) == [1]
    s.disconnect()
    mqtt.connect(V5).publish(topic, b"lost", qos=1)
    s2 = persistent(mqtt, V5, cid, expiry=0, expect_present=False)
    s2.messages.wait_exactly(0, quiet=0.5)


def test_v5_session_expires_after_its_interval(mqtt):
    cid = uid("exp")
    topic = uid("gone") + "/t"
    s = persistent(mqtt, V5, cid, expiry=1, expect_present=False)
    assert s.subscribe(topic, 1) == [1]
    s.disconnect()
    time.sleep(2.2)  # the 1 s session expiry interval, with margin
    s2 = persistent(mqtt, V5, cid, expiry=60, expect_present=False)
    pub = mqtt.connect(V5)
    pub.publish(topic, b"after-expiry", qos=1)
    s2.messages.wait_exactly(0, quiet=0.5)


def test_v5_session_within_its_interval_is_resumed(mqtt):
    cid = uid("exp")
    s = persistent(mqtt, V5, cid, expiry=30, expect_present=False)
    s.disconnect()
    persistent(mqtt, V5, cid, expiry=30, expect_present=True)


def test_v5_disconnect_can_shorten_session_expiry(mqtt):
    """DISCONNECT with Session Expiry Interval 0 ends a session that had a longer interval."""
    cid = uid("exp")
    s = persistent(mqtt, V5, cid, expiry=300, expect_present=False)
    s.disconnect(SessionExpiryInterval=0)
    persistent(mqtt, V5, cid, expiry=300, expect_present=False)


@BOTH_VERSIONS
def test_unacknowledged_qos1_is_redelivered_on_reconnect(mqtt, version):
    cid = uid("redeliver")
    topic = uid("unacked") + "/t"
    s = persistent(mqtt, version, cid, manual_ack=True)
    assert s.subscribe(topic, 1) == [1]
    mqtt.connect(version).publish(topic, b"ack-me", qos=1)
    [m] = s.messages.wait_for(1)
    assert m.payload == b"ack-me"
    s.drop()  # never acknowledged
    s2 = persistent(mqtt, version, cid, expect_present=True)
    [m] = s2.messages.wait_exactly(1)
    assert (m.topic, m.payload, m.qos) == (topic, b"ack-me", 1)
    assert m.dup, "a resent PUBLISH must have DUP set ([MQTT-3.3.1-1])"


# --------------------------------------------------------------------------
# QoS 2 exactly once across a broken connection (raw packets)
# --------------------------------------------------------------------------

@BOTH_VERSIONS
def test_qos2_publisher_resend_after_pubrec_is_not_delivered_twice(mqtt_broker, mqtt, version):
    topic = uid("exactly-once") + "/in"
    sub = mqtt.subscriber(version, topic, 2)
    cid = uid("q2pub")
    props = [(P_SESSION_EXPIRY, 300)]
    raw = Raw(mqtt_broker, version)
    raw.connect(client_id=cid, clean=False, props_=props if version == V5 else None)
    raw.send(publish_packet(version, topic, b"exactly-once", qos=2, pid=42))
    assert raw.expect(PUBREC).pid == 42
    raw.close()  # connection lost before PUBREL
    raw = Raw(mqtt_broker, version)
    try:
        assert raw.connect(client_id=cid, clean=False,
                           props_=props if version == V5 else None).session_present
        # Resend the PUBLISH with DUP as a client that missed the PUBREC would, then finish.
        raw.send(publish_packet(version, topic, b"exactly-once", qos=2, pid=42, dup=True))
        assert raw.expect(PUBREC).pid == 42
        raw.send(ack_packet(PUBREL, 42))
        comp = raw.expect(PUBCOMP)
        assert comp.pid == 42 and comp.reason == 0
    finally:
        raw.close()
    got = sub.messages.wait_exactly(1, quiet=0.3)
    assert [(m.payload, m.qos) for m in got] == [(b"exactly-once", 2)]


@BOTH_VERSIONS
def test_qos2_receiver_gets_pubrel_not_publish_after_reconnect(mqtt_broker, mqtt, version):
    topic = uid("exactly-once") + "/out"
    cid = uid("q2sub")
    props = [(P_SESSION_EXPIRY, 300)] if version == V5 else None
    raw = Raw(mqtt_broker, version)
    raw.connect(client_id=cid, clean=False, props_=props)
    raw.send(subscribe_packet(version, 1, [(topic, 2)]))
    assert raw.expect(SUBACK).body[-1] == 2
    mqtt.connect(version).publish(topic, b"q2", qos=2)
    p = raw.expect(PUBLISH)
    topic_got, pid, payload, _ = p.publish()
    assert (topic_got, payload, (p.flags >> 1) & 3) == (topic, b"q2", 2)
    raw.send(ack_packet(PUBREC, pid))
    raw.close()  # connection lost before the server's PUBREL arrived (or was answered)
    raw = Raw(mqtt_broker, version)
    try:
        assert raw.connect(client_id=cid, clean=False, props_=props).session_present
        rel = raw.expect(PUBREL)
        assert rel.pid == pid and rel.flags == 2
        raw.send(ack_packet(PUBCOMP, pid))
        # Nothing else: in particular not the PUBLISH again. A new message comes through.
        mqtt.connect(version).publish(topic, b"next", qos=2)
        nxt = raw.expect(PUBLISH)
        assert nxt.publish()[2] == b"next", f"got {nxt.publish()} instead of the next message"
    finally:
        raw.close()


# --------------------------------------------------------------------------
# Will messages
# --------------------------------------------------------------------------

def will(topic, payload=b"gone", qos=1, retain=False, properties=None) -> dict:
    return dict(topic=topic, payload=payload, qos=qos, retain=retain, properties=properties)


@BOTH_VERSIONS
@pytest.mark.parametrize("qos", [0, 1, 2])
def test_will_is_published_on_abnormal_close(mqtt, version, qos):
    topic = uid("will") + "/status"
    watcher = mqtt.subscriber(version, topic, 2)
    c = mqtt.connect(version, will=will(topic, b"\x00died\xff", qos=qos))
    c.drop()
    [m] = watcher.messages.wait_exactly(1)
    assert (m.topic, m.payload, m.qos, m.retain) == (topic, b"\x00died\xff", qos, False)


@BOTH_VERSIONS
def test_will_is_not_published_on_normal_disconnect(mqtt, version):
    topic = uid("will") + "/status"
    watcher = mqtt.subscriber(version, topic, 1)
    c = mqtt.connect(version, will=will(topic, b"died"))
    c.disconnect()
    # The sentinel goes through the same topic after the DISCONNECT was processed.
    mqtt.connect(version).publish(topic, b"sentinel", qos=1)
    watcher.messages.wait_topic(topic, b"sentinel")
    assert [m.payload for m in watcher.messages.wait_settled(1)] == [b"sentinel"]


@BOTH_VERSIONS
def test_retained_will(mqtt, version):
    topic = uid("will") + "/status"
    c = mqtt.connect(version, will=will(topic, b"offline", qos=1, retain=True))
    c.publish(topic, b"online", qos=1, retain=True)
    c.drop()

    def retained_now():
        fresh = mqtt.subscriber(version, topic, 1)
        m = fresh.messages.wait_for(1)[0]
        fresh.disconnect()
        return (m.payload, m.retain) == (b"offline", True)
    wait_until(retained_now, T, "the retained will to replace the retained 'online'", interval=0.1)


def test_v5_disconnect_with_will_message_reason_publishes_the_will(mqtt):
    topic = uid("will") + "/status"
    watcher = mqtt.subscriber(V5, topic, 1)
    c = mqtt.connect(V5, will=will(topic, b"on-purpose"))
    c.disconnect(reason=0x04)
    [m] = watcher.messages.wait_exactly(1)
    assert m.payload == b"on-purpose"


def test_v5_will_properties_are_forwarded(mqtt):
    topic = uid("will") + "/status"
    watcher = mqtt.subscriber(V5, topic, 1)
    wp = props(PacketTypes.WILLMESSAGE, ContentType="text/plain", ResponseTopic="reply/here",
               CorrelationData=b"\x01\x02", PayloadFormatIndicator=1,
               UserProperty=[("reason", "test"), ("reason", "again")])
    c = mqtt.connect(V5, will=will(topic, b"bye", properties=wp))
    c.drop()
    [m] = watcher.messages.wait_exactly(1)
    assert m.payload == b"bye"
    assert m.p("ContentType") == "text/plain"
    assert m.p("ResponseTopic") == "reply/here"
    assert m.p("CorrelationData") == b"\x01\x02"
    assert m.p("PayloadFormatIndicator") == 1
    assert m.user_props == [("reason", "test"), ("reason", "again")]


def test_v5_will_delay_interval(mqtt):
    topic = uid("will") + "/delayed"
    watcher = mqtt.subscriber(V5, topic, 1)
    c = mqtt.new(V5)
    c.connect(will=will(topic, b"late", properties=props(PacketTypes.WILLMESSAGE, WillDelayInterval=2)),
              SessionExpiryInterval=60)
    dropped = time.monotonic()
    c.drop()
    [m] = watcher.messages.wait_exactly(1, timeout=6)
    delay = m.at - dropped
    assert m.payload == b"late"
    assert 1.5 <= delay <= 4.5, f"will published {delay:.2f}s after the close, expected ~2s"


def test_v5_reconnect_within_will_delay_cancels_the_will(mqtt):
    topic = uid("will") + "/cancelled"
    watcher = mqtt.subscriber(V5, topic, 1)
    cid = uid("wd")
    c = mqtt.new(V5, client_id=cid, clean=False)
    c.connect(will=will(topic, b"should-not", properties=props(PacketTypes.WILLMESSAGE, WillDelayInterval=2)),
              SessionExpiryInterval=60)
    c.drop()
    back = persistent(mqtt, V5, cid, expiry=60, expect_present=True)
    time.sleep(2.7)  # past the will delay
    assert watcher.messages.snapshot() == [], "the will was published although the client came back"
    back.disconnect()


def test_v5_will_is_published_when_the_session_ends_before_the_delay(mqtt):
    """The will goes out at the earlier of will delay and session end ([MQTT-3.1.3-9])."""
    topic = uid("will") + "/session-end"
    watcher = mqtt.subscriber(V5, topic, 1)
    c = mqtt.new(V5)
    c.connect(will=will(topic, b"session-over", properties=props(PacketTypes.WILLMESSAGE, WillDelayInterval=60)),
              SessionExpiryInterval=1)
    dropped = time.monotonic()
    c.drop()
    [m] = watcher.messages.wait_exactly(1, timeout=6)
    assert m.payload == b"session-over"
    assert m.at - dropped <= 4.0, f"will after {m.at - dropped:.2f}s, the session expired after 1s"


def test_keep_alive_timeout_publishes_the_will(mqtt_broker, mqtt):
    """A client silent for 1.5 x its keep alive is disconnected ([MQTT-3.1.2-24]) and its
    will is published. One 3.1.1 and one MQTT 5 client, silent at the same time."""
    base = uid("keepalive")
    watcher = mqtt.subscriber(V5, f"{base}/#", 1)
    raws = {}
    try:
        for version in (V311, V5):
            raw = Raw(mqtt_broker, version)
            raws[version] = raw
            raw.connect(keepalive=1, will=(f"{base}/{version}", b"timed-out", 1, False),
                        will_props=[] if version == V5 else None)
        connected = time.monotonic()
        # mosquitto 2.0.11 checks keep alives only every ~5 s; robustmqd must be close to 1.5 s.
        bound = 4.0 if mqtt_broker.is_robustmqd else 8.0
        got = watcher.messages.wait_exactly(2, timeout=bound + 1)
        assert sorted((m.topic, m.payload) for m in got) == [
            (f"{base}/{V311}", b"timed-out"), (f"{base}/{V5}", b"timed-out")]
        for m in got:
            waited = m.at - connected
            assert 1.0 <= waited <= bound, f"{m.topic}: will after {waited:.2f}s of silence, expected ~1.5s"
        for raw in raws.values():
            closing = raw.read_until_closed(timeout=3)
            assert all(p.type == DISCONNECT for p in closing), f"unexpected packets before close: {closing}"
    finally:
        for raw in raws.values():
            raw.close()


def test_pings_keep_a_quiet_connection_alive(mqtt):
    base = uid("alive")
    watcher = mqtt.subscriber(V5, f"{base}/#", 1)
    clients = [mqtt.connect(v, keepalive=1, will=will(f"{base}/{v}", b"should-not")) for v in (V311, V5)]
    time.sleep(2.0)  # paho pings every second; more than 1.5 x keep alive passes
    for c in clients:
        assert c.connected, c.disconnected
    assert watcher.messages.snapshot() == []
    for c in clients:
        c.disconnect()


def test_v311_will_flag_validation_in_connect(mqtt_broker):
    """Will QoS 3 is malformed: the server closes the connection ([MQTT-3.1.2-14])."""
    raw = Raw(mqtt_broker, V311)
    try:
        pkt = bytearray(connect_packet(V311, client_id=uid("wq"), will=("w/t", b"x", 0, False)))
        pkt[9] |= 0x18  # will QoS bits = 3
        raw.send(bytes(pkt))
        got = raw.read_until_closed()
        assert all(p.type != CONNACK or p.reason != 0 for p in got), got
    finally:
        raw.close()
