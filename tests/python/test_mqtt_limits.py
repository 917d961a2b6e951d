"""Server-side limits set in `[mqtt]`: Server Keep Alive when `max_keep_alive` caps the
client's, and a subscriber that falls more than `max_queued_messages` behind (its session
switches to reading the log, losing and repeating nothing). robustmqd only: these are our keys."""

from __future__ import annotations

import pytest

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
