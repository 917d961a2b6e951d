"""Metadata writes that fail, through robustmqd's fault-injection seam (ROBUSTMQD_FAULT_INJECTION=1,
SIGURG toggles failing meta writes; docs/operations.md). What meta did not store is never
acknowledged: a retained PUBLISH gets an error PUBACK (its retained state lives in meta, written
in the append tap after the log append), a new persistent session an error CONNACK, a
persistent session's SUBSCRIBE an error SUBACK, a Kafka OffsetCommit an error. Once writes work again everything does, and a restart shows the
retained message is the last acknowledged one.
"""

from __future__ import annotations

import signal

import pytest
from confluent_kafka import TopicPartition
from confluent_kafka import ConsumerGroupTopicPartitions

from mqtt_support import V5, MqttBroker, MqttClient, uid
from support import admin, consumer, create_topic, unique, wait_until

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(120)]

FAULTS = {"ROBUSTMQD_FAULT_INJECTION": "1"}
UNSPECIFIED = 0x80


def toggle_meta_faults(d, failing: bool) -> None:
    before = d.log_text().count(f"metadata writes fail: {str(failing).lower()}")
    d.proc.send_signal(signal.SIGURG)
    wait_until(lambda: d.log_text().count(f"metadata writes fail: {str(failing).lower()}") > before,
               10, f"meta faults {'on' if failing else 'off'}")


def retained_payloads(broker: MqttBroker, topic: str) -> list[bytes]:
    c = MqttClient(broker, V5)
    c.connect()
    c.subscribe(topic, qos=1)
    msgs = c.messages.wait_settled(0, timeout=5, quiet=1.0)
    c.disconnect()
    return [m.payload for m in msgs if m.retain]


def commit_error(bootstrap: str, group: str, topic: str, offset: int):
    """Commits through the admin API (OffsetCommit, generation -1); the per-partition error."""
    adm = admin(bootstrap)
    req = ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0, offset)])
    try:
        result = adm.alter_consumer_group_offsets([req], request_timeout=10)[group].result(15)
    except Exception as e:  # noqa: BLE001 - the request as a whole failed: that is an error too
        return e
    return result.topic_partitions[0].error


def test_meta_writes_that_fail_are_never_acknowledged(daemon_factory):
    d = daemon_factory(env=FAULTS)
    broker = MqttBroker.of_daemon(d)
    topic = uid("retain")
    kafka_topic = unique("commits")
    create_topic(d.bootstrap, kafka_topic)
    pub = MqttClient(broker, V5)
    pub.connect()
    live = MqttClient(broker, V5)
    live.connect()
    live.subscribe(topic, qos=1)
    assert pub.publish(topic, b"stored", qos=1, retain=True) == 0
    assert commit_error(d.bootstrap, "g", kafka_topic, 1) is None
    sess_id = uid("sess")
    first = MqttClient(broker, V5, client_id=sess_id, clean=False)
    first.connect(SessionExpiryInterval=300)
    first.disconnect()

    toggle_meta_faults(d, True)
    assert pub.publish(topic, b"unstored", qos=1, retain=True, expect_ok=False) == UNSPECIFIED
    # The log has it, so a live subscriber gets it; the retained message did not change.
    live.messages.wait_for(2, what="both publishes, live")
    assert retained_payloads(broker, topic) == [b"stored"]
    # A new persistent session meta cannot hold is refused (0x88 Server unavailable)...
    MqttClient(broker, V5, clean=False).connect(SessionExpiryInterval=300, expect=0x88)
    # ... and an existing one's SUBSCRIBE is refused.
    persistent = MqttClient(broker, V5, client_id=sess_id, clean=False)
    persistent.connect(SessionExpiryInterval=300)
    refused = uid("other")
    assert persistent.subscribe(refused, qos=1) == [UNSPECIFIED]
    # Refused means refused now too: nothing published to it reaches the session.
    assert pub.publish(refused, b"not for you", qos=1) == 0
    assert persistent.messages.wait_settled(0, timeout=3, quiet=1.0) == []
    persistent.disconnect()
    assert commit_error(d.bootstrap, "g", kafka_topic, 2) is not None

    toggle_meta_faults(d, False)
    assert pub.publish(topic, b"stored again", qos=1, retain=True) == 0
    assert commit_error(d.bootstrap, "g", kafka_topic, 3) is None
    pub.disconnect()
    live.disconnect()
    d.terminate()
    d.extra_env = {}
    d.start()
    assert retained_payloads(broker, topic) == [b"stored again"]
    c = consumer(d.bootstrap, group="g")
    assert [tp.offset for tp in c.committed([TopicPartition(kafka_topic, 0)], timeout=15)] == [3]
    c.close()
