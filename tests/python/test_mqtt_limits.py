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


class ManualSubscriber:
    """A paho client whose network loop the test drives: between `loop_until` calls it reads
    nothing, so the server's socket buffer and queue for it fill up."""

    def __init__(self, broker: MqttBroker, filter_: str):
        self.got: list[bytes] = []
        self.state = {"connected": False, "subscribed": False}
        self.c = paho.Client(CallbackAPIVersion.VERSION2, client_id=uid("s"), protocol=V311, clean_session=True)
        self.c.on_connect = lambda *_: self.state.update(connected=True)
        self.c.on_subscribe = lambda *_: self.state.update(subscribed=True)
        self.c.on_message = lambda _c, _u, m: self.got.append(m.payload)
        self.c.connect(broker.host, broker.port, keepalive=60)
        assert self.loop_until(lambda: self.state["connected"], 5)
        self.c.subscribe(filter_, 0)
        assert self.loop_until(lambda: self.state["subscribed"], 5)

    def loop_until(self, pred, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while not pred() and time.monotonic() < end:
            self.c.loop(timeout=0.05)
        return pred()

    def close(self) -> None:
        self.c.disconnect()


def big_payloads(n: int) -> list[bytes]:
    """n x 32 KiB: 300 of them are far more than loopback socket buffers hold."""
    return [b"%05d" % i + b"x" * (32 * 1024 - 5) for i in range(n)]


def test_a_qos0_clean_session_subscriber_that_stops_reading_loses_nothing(daemon_factory):
    """QoS 0 to a clean session: while the subscriber does not read, the server's socket buffer
    and its 10-message queue fill up; the rest comes from the log once it reads again."""
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_QUEUED_MESSAGES": "10"})
    broker = MqttBroker.of_daemon(d)
    topic = uid("stalled") + "/t"
    sub = ManualSubscriber(broker, topic)
    pub = MqttClient(broker, V5)
    try:
        pub.connect()
        want = big_payloads(300)
        for p in want:
            pub.publish(topic, p, qos=0)
        # Acknowledged after everything before it on this connection was stored and routed.
        pub.publish(topic, b"end", qos=1)
        got = sub.got
        assert sub.loop_until(lambda: len(got) >= len(want) + 1, 30), f"{len(got)} of {len(want) + 1}"
        sub.loop_until(lambda: False, 0.3)
        assert [p[:5] for p in got[:-1]] == [p[:5] for p in want]
        assert got[:-1] == want and got[-1] == b"end"
    finally:
        sub.close()
        pub.close()


def test_a_shared_group_member_with_a_full_queue_is_skipped(daemon_factory):
    """Shared subscriptions are not read back from the log (membership changes), so while one
    member's queue is full the group's messages go to the members with room, and none is lost."""
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_QUEUED_MESSAGES": "10"})
    broker = MqttBroker.of_daemon(d)
    topic = uid("shared") + "/t"
    fill = uid("fill") + "/t"
    stalled = ManualSubscriber(broker, f"$share/g/{topic}")
    stalled.c.subscribe(fill, 0)
    assert stalled.loop_until(lambda: False, 0.2) is False
    reading = MqttClient(broker, V311)
    pub = MqttClient(broker, V5)
    try:
        reading.connect()
        assert reading.subscribe(f"$share/g/{topic}", 1) == [1]
        pub.connect()
        # Fill the stalled member's socket buffers and queue through its plain subscription.
        for p in big_payloads(300):
            pub.publish(fill, p, qos=0)
        pub.publish(fill, b"filled", qos=1)
        want = [b"s%03d" % i for i in range(50)]
        for p in want:
            pub.publish(topic, p, qos=1)
        # The stalled member takes its turns until its socket and queue are full (how many
        # depends on the socket buffers); from then on the other member gets every message.
        got = [m.payload for m in reading.messages.wait_settled(len(want) // 2 + 1)]
        assert got[-10:] == want[-10:]
        # Once it reads again, the stalled member gets its own messages and the shared ones it
        # had queued: the group got every message once.
        stalled.loop_until(lambda: b"filled" in stalled.got, 30)
        stalled.loop_until(lambda: False, 0.5)
        shared = [p for p in stalled.got if p.startswith(b"s")]
        assert len(stalled.got) - len(shared) == 301
        assert sorted(got + shared) == want
    finally:
        stalled.close()
        reading.close()
        pub.close()
