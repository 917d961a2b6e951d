"""MQTT state in robustmqd survives restarts: after a graceful restart (SIGTERM) and after
`kill -9`, a persistent session keeps its subscriptions, every message PUBACKed/PUBCOMPed to
the publisher before the stop reaches the offline subscriber exactly once, unacknowledged
deliveries are sent again, QoS 2 handshakes interrupted by the stop complete exactly once,
and retained messages (and their clearing) persist.

robustmqd-only: needs the daemon's restart and crash (Daemon.restart, Daemon.kill9).
"""

from __future__ import annotations

import pytest

from mqtt_support import (BOTH_VERSIONS, P_SESSION_EXPIRY, PUBCOMP, PUBREC, PUBREL, V5, MqttBroker,
                          MqttClient, Raw, ack_packet, publish_packet, uid)
from support import read_partition

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(120)]

STOPS = pytest.mark.parametrize("stop", ["graceful", "kill9"])


def stop_and_start(daemon, stop: str) -> None:
    if stop == "graceful":
        daemon.restart()
    else:
        daemon.kill9()
        daemon.start()


def persistent(broker, version, cid, **kw) -> MqttClient:
    c = MqttClient(broker, version, client_id=cid, clean=False, **kw)
    if version == V5:
        c.connect(SessionExpiryInterval=3600)
    else:
        c.connect()
    return c


@pytest.fixture
def broker(mqtt_broker) -> MqttBroker:
    assert mqtt_broker.is_robustmqd, "robustmqd-only test"
    return mqtt_broker


@STOPS
@BOTH_VERSIONS
def test_offline_session_gets_acknowledged_messages_after_restart(broker, version, stop):
    base = uid("dur")
    cid = uid("durable")
    s = persistent(broker, version, cid)
    assert s.subscribe([(f"{base}/+", 1), (f"{base}/q2/x", 2)]) == [1, 2]
    s.disconnect()
    pub = MqttClient(broker, version)
    pub.connect()
    q1 = [b"q1-%d" % i for i in range(5)]
    q2 = [b"q2-%d" % i for i in range(3)]
    for p in q1:
        assert pub.publish(f"{base}/a", p, qos=1) in (0, 0x10)
    for p in q2:
        assert pub.publish(f"{base}/q2/x", p, qos=2) in (0, 0x10)
    pub.close()
    stop_and_start(broker.daemon, stop)
    back = persistent(broker, version, cid)
    try:
        assert back.connack.session_present, "the session did not survive the restart"
        got = back.messages.wait_exactly(len(q1) + len(q2))
        assert [m.payload for m in got if m.topic == f"{base}/a"] == q1
        assert [m.payload for m in got if m.topic == f"{base}/q2/x"] == q2
        assert {m.qos for m in got if m.topic == f"{base}/q2/x"} == {2}
        # The subscriptions are still there.
        back.messages.clear()
        live = MqttClient(broker, version)
        live.connect()
        live.publish(f"{base}/b", b"after-restart", qos=1)
        live.close()
        assert [m.payload for m in back.messages.wait_exactly(1)] == [b"after-restart"]
    finally:
        back.close()
    # The Kafka view has every acknowledged message too.
    keys = [(m.key(), m.value()) for m in read_partition(broker.daemon.bootstrap, "mqtt")
            if (m.key() or b"").startswith(base.encode())]
    for p in q1:
        assert (f"{base}/a".encode(), p) in keys
    for p in q2:
        assert keys.count((f"{base}/q2/x".encode(), p)) == 1


@STOPS
def test_unacknowledged_delivery_is_resent_after_restart(broker, stop):
    topic = uid("dur") + "/t"
    cid = uid("unacked")
    s = persistent(broker, V5, cid, manual_ack=True)
    assert s.subscribe(topic, 1) == [1]
    pub = MqttClient(broker, V5)
    pub.connect()
    pub.publish(topic, b"not-acked", qos=1)
    pub.close()
    [m] = s.messages.wait_for(1)
    assert m.payload == b"not-acked"
    s.drop()
    stop_and_start(broker.daemon, stop)
    back = persistent(broker, V5, cid)
    try:
        assert back.connack.session_present
        got = back.messages.wait_exactly(1)
        assert [(m.payload, m.qos) for m in got] == [(b"not-acked", 1)]
    finally:
        back.close()


@STOPS
@BOTH_VERSIONS
def test_retained_messages_survive(broker, version, stop):
    base = uid("dur")
    pub = MqttClient(broker, version)
    pub.connect()
    pub.publish(f"{base}/kept", b"\x00kept\xff", qos=1, retain=True)
    pub.publish(f"{base}/replaced", b"old", qos=1, retain=True)
    pub.publish(f"{base}/replaced", b"new", qos=1, retain=True)
    pub.publish(f"{base}/cleared", b"gone", qos=1, retain=True)
    pub.publish(f"{base}/cleared", b"", qos=1, retain=True)
    pub.close()
    stop_and_start(broker.daemon, stop)
    sub = MqttClient(broker, version)
    try:
        sub.connect()
        assert sub.subscribe(f"{base}/#", 1) == [1]
        got = sub.messages.wait_exactly(2)
        assert sorted((m.topic, m.payload, m.retain) for m in got) == [
            (f"{base}/kept", b"\x00kept\xff", True), (f"{base}/replaced", b"new", True)]
    finally:
        sub.close()


@STOPS
def test_retained_properties_survive(broker, stop):
    topic = uid("dur") + "/props"
    pub = MqttClient(broker, V5)
    pub.connect()
    pub.publish(topic, b"{}", qos=1, retain=True, ContentType="application/json",
                UserProperty=[("a", "1"), ("b", "2")], MessageExpiryInterval=3600)
    pub.close()
    stop_and_start(broker.daemon, stop)
    sub = MqttClient(broker, V5)
    try:
        sub.connect()
        assert sub.subscribe(topic, 1) == [1]
        [m] = sub.messages.wait_exactly(1)
        assert m.p("ContentType") == "application/json"
        assert m.user_props == [("a", "1"), ("b", "2")]
        assert 0 < m.p("MessageExpiryInterval") <= 3600
    finally:
        sub.close()


@STOPS
@BOTH_VERSIONS
def test_qos2_publish_interrupted_by_restart_is_delivered_once(broker, version, stop):
    """PUBREC received, then the broker stops: the client resends the PUBLISH (DUP) with the
    same packet id on the resumed session and completes the handshake. One delivery."""
    topic = uid("dur") + "/q2"
    cid_sub = uid("q2sub")
    s = persistent(broker, version, cid_sub)
    assert s.subscribe(topic, 2) == [2]
    s.disconnect()
    cid = uid("q2pub")
    props = [(P_SESSION_EXPIRY, 3600)] if version == V5 else None
    raw = Raw(broker, version)
    try:
        raw.connect(client_id=cid, clean=False, props_=props)
        raw.send(publish_packet(version, topic, b"once", qos=2, pid=9))
        assert raw.expect(PUBREC).pid == 9
    finally:
        raw.close()
    stop_and_start(broker.daemon, stop)
    raw = Raw(broker, version)
    try:
        assert raw.connect(client_id=cid, clean=False, props_=props).session_present
        raw.send(publish_packet(version, topic, b"once", qos=2, pid=9, dup=True))
        assert raw.expect(PUBREC).pid == 9
        raw.send(ack_packet(PUBREL, 9))
        assert raw.expect(PUBCOMP).pid == 9
    finally:
        raw.close()
    back = persistent(broker, version, cid_sub)
    try:
        got = back.messages.wait_exactly(1, quiet=0.5)
        assert [(m.payload, m.qos) for m in got] == [(b"once", 2)]
    finally:
        back.close()


@STOPS
def test_expired_session_stays_gone_after_restart(broker, stop):
    """A session with expiry 0 ends at DISCONNECT; a restart does not bring it back."""
    cid = uid("short")
    c = MqttClient(broker, V5, client_id=cid, clean=False)
    c.connect()  # Session Expiry Interval 0
    assert c.subscribe(uid("t") + "/x", 1) == [1]
    c.disconnect()
    stop_and_start(broker.daemon, stop)
    again = MqttClient(broker, V5, client_id=cid, clean=False)
    try:
        assert again.connect().session_present is False
    finally:
        again.close()
