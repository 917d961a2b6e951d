"""Simulated power loss and failing fsyncs, through robustmqd's storage fault-injection seam
(ROBUSTMQD_FAULT_INJECTION=1; docs/operations.md).

`kill -9` keeps the page cache, so the kill -9 tests cannot catch a missing fsync. Here SIGUSR1
cuts every journal file back to what was fsynced (and drops names never fsynced into their
directory), then aborts, as a machine losing power would; SIGUSR2 makes every fsync fail. With
real clients (confluent-kafka acks=all, paho QoS 1) streaming, every acknowledged message must be
there after the restart, at its acknowledged offset, and nothing may be acknowledged once fsyncs
fail. An acks=1 stream in the same run shows the cut is real: its records, never fsynced, are lost.
"""

from __future__ import annotations

import signal
import time

import pytest
from confluent_kafka import KafkaError

from mqtt_support import AckedPublisher
from support import DeliveryLog, create_topic, producer, read_partition, unique, wait_until

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(180)]

FAULTS = {"ROBUSTMQD_FAULT_INJECTION": "1"}
PARTITIONS = 2
ACKS_BEFORE_CUT = 300


def power_loss(d) -> str:
    """SIGUSR1: the daemon cuts its files back to what was fsynced and aborts."""
    d.proc.send_signal(signal.SIGUSR1)
    rc = d.proc.wait(30)
    out = d.last_run_output()
    assert rc == -signal.SIGABRT, f"expected an abort, got exit {rc}\n{d.log_tail()}"
    assert "simulated power loss" in out, d.log_tail()
    return out


def restart_without_faults(d) -> None:
    d.extra_env = {}
    d.start()


def partition_log(bootstrap: str, topic: str) -> dict[tuple[int, int], bytes]:
    at = {}
    for part in range(PARTITIONS):
        for m in read_partition(bootstrap, topic, partition=part, timeout=60):
            at[(part, m.offset())] = m.value()
    return at


def mqtt_log(bootstrap: str, prefix: str) -> list[bytes]:
    return [m.value() for m in read_partition(bootstrap, "mqtt", timeout=60)
            if (m.key() or b"").startswith(prefix.encode())]


def test_acknowledged_kafka_and_mqtt_messages_survive_a_power_loss(daemon_factory):
    d = daemon_factory(env=FAULTS)
    assert "storage fault injection is on" in d.last_run_output()
    durable_topic, loose_topic = unique("pl-all"), unique("pl-one")
    for t in (durable_topic, loose_topic):
        create_topic(d.bootstrap, t, partitions=PARTITIONS)
    mqtt_base = unique("pl/mqtt")

    durable = DeliveryLog()
    p_all = producer(d.bootstrap, acks="all", linger_ms=1, enable_idempotence=False,
                     message_timeout_ms=5000, retries=0)
    loose = DeliveryLog()
    p_one = producer(d.bootstrap, acks=1, linger_ms=1, enable_idempotence=False,
                     message_timeout_ms=5000, retries=0)
    m = AckedPublisher(d.mqtt_port)

    # acks=1 records are written but never fsynced (no acks=all wait covers that topic).
    for i in range(200):
        p_one.produce(loose_topic, value=b"one-%05d" % i, partition=i % PARTITIONS, on_delivery=loose)
    assert p_one.flush(30) == 0 and len(loose.ok) == 200, loose.errors[:3]

    deadline = time.monotonic() + 60
    i = 0
    while len(durable.ok) < ACKS_BEFORE_CUT or m.count() < ACKS_BEFORE_CUT:
        assert time.monotonic() < deadline, f"{len(durable.ok)} Kafka / {m.count()} MQTT acks in 60 s"
        try:
            p_all.produce(durable_topic, value=b"all-%06d" % i, partition=i % PARTITIONS,
                          on_delivery=durable)
        except BufferError:
            p_all.poll(0.05)
            continue
        m.publish(f"{mqtt_base}/{i % 5}", b"q1-%06d" % i)
        i += 1
        p_all.poll(0)
        if i % 50 == 0:
            time.sleep(0.005)
    # Cut while requests are in flight.
    out = power_loss(d)
    p_all.flush(10)
    mqtt_acked = m.stop()
    kafka_acked = list(durable.ok)
    # Whether requests were in flight at the cut varies; the acks=1 check below shows the cut
    # itself is real.

    restart_without_faults(d)
    at = partition_log(d.bootstrap, durable_topic)
    lost = [(part, off, v) for part, off, v in kafka_acked if at.get((part, off)) != v]
    assert not lost, f"{len(lost)} acks=all records lost, e.g. {lost[:5]}\n{out[-2000:]}"
    stored = set(mqtt_log(d.bootstrap, mqtt_base))
    lost_q1 = [p for p in mqtt_acked if p not in stored]
    assert not lost_q1, f"{len(lost_q1)} PUBACKed QoS 1 messages lost, e.g. {lost_q1[:5]}"
    # The cut was real: acks=1 records that only the page cache held are gone.
    kept_loose = partition_log(d.bootstrap, loose_topic)
    assert len(kept_loose) < len(loose.ok), "the simulated power loss dropped nothing"


def test_after_a_failed_fsync_nothing_is_acknowledged_and_acknowledged_data_survives(daemon_factory):
    d = daemon_factory(env=FAULTS)
    topic = unique("pl-fsync")
    create_topic(d.bootstrap, topic, partitions=1)
    before = DeliveryLog()
    p = producer(d.bootstrap, acks="all", linger_ms=1, enable_idempotence=False,
                 message_timeout_ms=5000, retries=0)
    for i in range(50):
        p.produce(topic, value=b"ok-%03d" % i, partition=0, on_delivery=before)
    assert p.flush(30) == 0 and len(before.ok) == 50, before.errors[:3]

    d.proc.send_signal(signal.SIGUSR2)
    wait_until(lambda: "every fsync fails" in d.last_run_output(), 10, "the fault to be armed")
    after = DeliveryLog()
    for i in range(20):
        p.produce(topic, value=b"late-%03d" % i, partition=0, on_delivery=after)
    p.flush(30)
    assert not after.ok, f"{len(after.ok)} records acknowledged after fsyncs began to fail"
    codes = {e.code() for e, _ in after.errors}
    assert codes == {KafkaError.KAFKA_STORAGE_ERROR}, codes
    out = d.last_run_output()
    assert "partition offline until restart" in out, d.log_tail()

    # MQTT 5 QoS 1 to a topic whose partition is offline is refused (PUBACK 0x80 or a
    # DISCONNECT 0x80), never acknowledged.
    m = AckedPublisher(d.mqtt_port)
    m.publish(unique("pl/offline"), b"never")
    time.sleep(1.0)
    acked_mqtt = m.stop()
    assert acked_mqtt == [], "an MQTT publish was acknowledged with fsyncs failing"

    power_loss(d)
    restart_without_faults(d)
    values = [msg.value() for msg in read_partition(d.bootstrap, topic, timeout=60)]
    assert values[:50] == [b"ok-%03d" % i for i in range(50)]
    assert all(v.startswith(b"late-") for v in values[50:])
    # A restart recovers the partition: it takes writes again.
    again = DeliveryLog()
    p2 = producer(d.bootstrap, acks="all", enable_idempotence=False)
    p2.produce(topic, value=b"again", partition=0, on_delivery=again)
    assert p2.flush(30) == 0 and len(again.ok) == 1, again.errors
