"""cleanup.policy=compact: sealed segments keep only the latest record of each key, read back
by an unchanged Kafka client; records without a key are refused on a compacted topic."""

from __future__ import annotations

from confluent_kafka import KafkaError

from support import DeliveryLog, create_topic, producer, read_partition, unique, wait_until

KEYS = 8
PRODUCED = 400


def test_compacted_topic_keeps_latest_value_per_key(daemon_factory):
    # Tiny segments roll often; the operator lowers the 1 MiB floor for them.
    d = daemon_factory(env={"ROBUSTMQ_JOURNAL__RETENTION_CHECK_INTERVAL_MS": "200",
                            "ROBUSTMQ_JOURNAL__MIN_SEGMENT_BYTES": "1024"})
    topic = unique("compacted")
    create_topic(d.bootstrap, topic, config={"cleanup.policy": "compact", "segment.bytes": "1024"})
    p = producer(d.bootstrap, linger_ms=0)
    log = DeliveryLog()
    latest: dict[bytes, bytes] = {}
    # Rounds flushed one by one become separate batches, so segments roll between them.
    for i in range(PRODUCED):
        key = f"k{i % KEYS}".encode()
        value = f"v{i}".encode()
        latest[key] = value
        p.produce(topic, key=key, value=value, partition=0, on_delivery=log)
        if i % 20 == 19:
            assert p.flush(30) == 0
    assert p.flush(30) == 0
    assert not log.errors and len(log.ok) == PRODUCED

    def compacted() -> bool:
        return len(read_partition(d.bootstrap, topic)) < PRODUCED // 2

    wait_until(compacted, 30, "compaction to remove superseded records")
    msgs = read_partition(d.bootstrap, topic)
    offsets = [m.offset() for m in msgs]
    assert offsets == sorted(set(offsets)), "offsets stay unique and increasing, with gaps"
    final: dict[bytes, bytes] = {}
    for m in msgs:
        final[m.key()] = m.value()
    assert final == latest, "every key still reads as its latest value"
    # The latest record of each key sits at the offset it was acknowledged at.
    acked = {v: off for (_, off, v) in log.ok}
    for m in msgs:
        assert acked[m.value()] == m.offset()


def test_compacted_topic_refuses_records_without_key(robustmq):
    topic = unique("compacted")
    create_topic(robustmq.bootstrap, topic, config={"cleanup.policy": "compact"})
    p = producer(robustmq.bootstrap, linger_ms=0, message_timeout_ms=10000)
    log = DeliveryLog()
    p.produce(topic, value=b"no key", partition=0, on_delivery=log)
    assert p.flush(20) == 0
    assert len(log.errors) == 1
    assert log.errors[0][0].code() == KafkaError.INVALID_RECORD
