"""Durability: whatever robustmqd acknowledged with acks=all is still there,
at the acknowledged offset, after the daemon is killed with SIGKILL mid-stream
and restarted; and the idempotent producer keeps exactly-once-per-partition
semantics across restarts."""

from __future__ import annotations

import time
from collections import defaultdict

import pytest

from support import DeliveryLog, create_topic, producer, read_partition, unique

PARTITIONS = 3
KILL_AFTER_ACKS = 300
PRODUCE_AFTER_KILL = 200
STREAM_TIMEOUT_S = 60


def stream_and_crash(daemon, p, topic: str, dl: DeliveryLog) -> list[bytes]:
    """Produce continuously; once KILL_AFTER_ACKS acks arrived, SIGKILL the daemon
    while requests are in flight, produce some more into the local queue, then
    restart the daemon and flush. Returns the values in produce order."""
    sent: list[bytes] = []
    killed_at = acked_at_kill = None
    deadline = time.monotonic() + STREAM_TIMEOUT_S
    i = 0
    while killed_at is None or i < killed_at + PRODUCE_AFTER_KILL:
        assert time.monotonic() < deadline, f"only {len(dl.ok)} acks after {STREAM_TIMEOUT_S}s"
        value = b"rec-%06d" % i
        try:
            p.produce(topic, value=value, key=b"key-%d" % (i % 17), on_delivery=dl)
        except BufferError:
            p.poll(0.05)
            continue
        sent.append(value)
        i += 1
        p.poll(0)
        if killed_at is None and len(dl.ok) >= KILL_AFTER_ACKS:
            daemon.kill9()
            killed_at = i
            acked_at_kill = len(dl.ok)
    assert acked_at_kill < killed_at, "no unacknowledged records at the crash; nothing was tested"
    daemon.start()
    left = p.flush(60)
    assert left == 0, f"{left} messages undelivered 60s after restart"
    return sent


def read_all(bootstrap: str, topic: str) -> dict[int, list[tuple[int, bytes]]]:
    logs = {}
    for part in range(PARTITIONS):
        msgs = read_partition(bootstrap, topic, partition=part, timeout=60)
        offsets = [m.offset() for m in msgs]
        assert offsets == list(range(len(msgs))), f"partition {part}: offsets not contiguous from 0"
        logs[part] = [(m.offset(), m.value()) for m in msgs]
    return logs


def test_acked_records_survive_kill9_mid_stream(robustmq):
    """acks=all, non-idempotent, one request in flight: after kill -9 and restart,
    every acknowledged record sits at its acknowledged offset, nothing foreign
    appears, and per partition the records are in produce order."""
    topic = unique("dur")
    create_topic(robustmq.bootstrap, topic, partitions=PARTITIONS)
    dl = DeliveryLog()
    p = producer(robustmq.bootstrap, acks="all", linger_ms=1, enable_idempotence=False,
                 max_in_flight_requests_per_connection=1, message_timeout_ms=60000,
                 retry_backoff_ms=100, reconnect_backoff_ms=50, reconnect_backoff_max_ms=500)
    sent = stream_and_crash(robustmq, p, topic, dl)
    assert not dl.errors, f"delivery errors after restart: {dl.errors[:5]}"

    logs = read_all(robustmq.bootstrap, topic)
    at = {(part, off): v for part, log in logs.items() for off, v in log}
    missing = [(part, off, v) for part, off, v in dl.ok if at.get((part, off)) != v]
    assert not missing, f"{len(missing)} acknowledged records not at their offset, e.g. {missing[:5]}"

    sent_set = set(sent)
    foreign = [v for log in logs.values() for _, v in log if v not in sent_set]
    assert not foreign, f"records nobody produced: {foreign[:5]}"
    stored = {v for log in logs.values() for _, v in log}
    assert stored == sent_set, f"{len(sent_set - stored)} acknowledged values missing"

    order = {v: n for n, v in enumerate(sent)}
    for part, log in logs.items():
        firsts = []
        seen = set()
        for _, v in log:
            if v not in seen:
                seen.add(v)
                firsts.append(order[v])
        assert firsts == sorted(firsts), f"partition {part}: records out of produce order"


def idempotent_producer(bootstrap: str):
    return producer(bootstrap, enable_idempotence=True, acks="all", linger_ms=1,
                    message_timeout_ms=60000, retry_backoff_ms=100,
                    reconnect_backoff_ms=50, reconnect_backoff_max_ms=500)


def assert_exactly_once_in_order(logs, dl: DeliveryLog, sent: list[bytes]) -> None:
    """Each partition holds exactly the values acknowledged for it, once each, in produce order."""
    assert not dl.errors, f"delivery errors: {dl.errors[:5]}"
    assert len(dl.ok) == len(sent)
    order = {v: n for n, v in enumerate(sent)}
    expected = defaultdict(list)
    for part, off, v in sorted(dl.ok, key=lambda a: order[a[2]]):
        expected[part].append(v)
    for part in range(PARTITIONS):
        got = [v for _, v in logs[part]]
        dups = len(got) - len(set(got))
        assert dups == 0, f"partition {part}: {dups} duplicate records from an idempotent producer"
        assert got == expected[part], f"partition {part}: stored records differ from acknowledged ones"
    for part, off, v in dl.ok:
        assert logs[part][off][1] == v, f"ack said {v!r} at {part}/{off}"


def test_idempotent_producer_across_graceful_restart(robustmq):
    """enable.idempotence=true: one producer instance keeps producing across a
    SIGTERM restart with no errors, no duplicates and no gaps."""
    topic = unique("idem")
    create_topic(robustmq.bootstrap, topic, partitions=PARTITIONS)
    dl = DeliveryLog()
    p = idempotent_producer(robustmq.bootstrap)
    sent = []
    for phase in range(2):
        for i in range(100):
            v = b"p%d-%04d" % (phase, i)
            p.produce(topic, value=v, key=b"k%d" % (i % 7), on_delivery=dl)
            sent.append(v)
        assert p.flush(60) == 0
        if phase == 0:
            robustmq.restart()
    assert_exactly_once_in_order(read_all(robustmq.bootstrap, topic), dl, sent)


@pytest.mark.timeout(240)
def test_idempotent_producer_kill9_mid_stream_no_duplicates(robustmq):
    """enable.idempotence=true through kill -9 with requests in flight: retries of
    batches the daemon had already written are recognised as duplicates, so each
    partition holds every record exactly once in produce order."""
    topic = unique("idem-kill")
    create_topic(robustmq.bootstrap, topic, partitions=PARTITIONS)
    dl = DeliveryLog()
    p = idempotent_producer(robustmq.bootstrap)
    sent = stream_and_crash(robustmq, p, topic, dl)
    assert_exactly_once_in_order(read_all(robustmq.bootstrap, topic), dl, sent)
