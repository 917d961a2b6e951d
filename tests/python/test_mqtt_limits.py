"""Server-side limits set in `[mqtt]`: Server Keep Alive when `max_keep_alive` caps the
client's, and a subscriber that falls more than `max_queued_messages` behind (its session
switches to reading the log, losing and repeating nothing, QoS 0 included). robustmqd only: these are our keys."""

from __future__ import annotations

import time

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from mqtt_support import V5, V311, MqttBroker, MqttClient, peer, uid

pytestmark = pytest.mark.skipif(peer() is not None, reason="robustmqd-only: [mqtt] config keys")


def test_max_keep_alive_is_sent_as_server_keep_alive_to_v5_only(daemon_factory):
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_KEEP_ALIVE": "5"})
    broker = MqttBroker.of_daemon(d)
    v5 = MqttClient(broker, V5)
    v3 = MqttClient(broker, V311)
    try:
        assert v5.connect(keepalive=60).p("ServerKeepAlive") == 5
        assert MqttClient(broker, V5).connect(keepalive=3).p("ServerKeepAlive") is None
        # 3.x cannot be told, so it keeps what it asked for (and stays connected).
        v3.connect(keepalive=60)
        assert v3.connected
    finally:
        v5.close()
        v3.close()


def test_a_subscriber_far_behind_gets_every_message_once_in_order(daemon_factory):
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_QUEUED_MESSAGES": "10"})
    broker = MqttBroker.of_daemon(d)
    topic = uid("behind") + "/t"
    # The subscriber holds its one in-flight message (Receive Maximum 1, no PUBACK) while 300
    # are published, so the 10-message queue overflows and the rest must come from the log.
    sub = MqttClient(broker, V5, clean=False, manual_ack=True)
    pub = MqttClient(broker, V5)
    try:
        sub.connect(ReceiveMaximum=1, SessionExpiryInterval=300)
        assert sub.subscribe(topic, 1) == [1]
        pub.connect()
        want = [b"%03d" % i for i in range(300)]
        for p in want:
            pub.publish(topic, p, qos=1)
        assert [m.payload for m in sub.messages.wait_exactly(1, quiet=0.3)] == want[:1]
        acked = 0
        while acked < len(want):
            got = sub.messages.wait_for(acked + 1, timeout=30)
            for m in got[acked:]:
                sub.ack(m.mid)
            acked = len(got)
        got = sub.messages.wait_exactly(len(want))
        assert [m.payload for m in got] == want
        assert not any(m.dup for m in got)
    finally:
        sub.close()
        pub.close()


def test_a_qos0_clean_session_subscriber_that_stops_reading_loses_nothing(daemon_factory):
    """QoS 0 to a clean session: while the subscriber does not read, the server's socket buffer
    and its 10-message queue fill up; the rest comes from the log once it reads again."""
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_QUEUED_MESSAGES": "10"})
    broker = MqttBroker.of_daemon(d)
    topic = uid("stalled") + "/t"
    got: list[bytes] = []
    state = {"connected": False, "subscribed": False}
    # A bare paho client whose network loop this test drives: no loop call, no read.
    sub = paho.Client(CallbackAPIVersion.VERSION2, client_id=uid("s"), protocol=V311, clean_session=True)
    sub.on_connect = lambda *_: state.update(connected=True)
    sub.on_subscribe = lambda *_: state.update(subscribed=True)
    sub.on_message = lambda _c, _u, m: got.append(m.payload)

    def loop_until(pred, timeout: float):
        end = time.monotonic() + timeout
        while not pred() and time.monotonic() < end:
            sub.loop(timeout=0.05)
        return pred()

    pub = MqttClient(broker, V5)
    try:
        sub.connect(broker.host, broker.port, keepalive=60)
        assert loop_until(lambda: state["connected"], 5)
        sub.subscribe(topic, 0)
        assert loop_until(lambda: state["subscribed"], 5)
        pub.connect()
        # 300 x 32 KiB = 9.6 MB, far more than loopback socket buffers hold.
        want = [b"%05d" % i + b"x" * (32 * 1024 - 5) for i in range(300)]
        for p in want:
            pub.publish(topic, p, qos=0)
        # Acknowledged after everything before it on this connection was stored and routed.
        pub.publish(topic, b"end", qos=1)
        assert loop_until(lambda: len(got) >= len(want) + 1, 30), f"{len(got)} of {len(want) + 1}"
        loop_until(lambda: False, 0.3)
        assert [p[:5] for p in got[:-1]] == [p[:5] for p in want]
        assert got[:-1] == want and got[-1] == b"end"
    finally:
        sub.disconnect()
        pub.close()
