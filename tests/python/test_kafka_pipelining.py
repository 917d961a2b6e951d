"""Responses on one Kafka connection go out in request order, each as soon as it and every
earlier one are ready: an answer queued behind a long-polling Fetch leaves when that Fetch is
answered, not when a later Fetch is."""

from __future__ import annotations

import socket
import struct
import time

from confluent_kafka import TopicPartition

from support import consumer, create_topic, producer, unique

WAIT_MS = 1000


def request(api_key: int, version: int, correlation_id: int, body: bytes) -> bytes:
    header = struct.pack(">hhih", api_key, version, correlation_id, len(b"pipe")) + b"pipe"
    return struct.pack(">i", len(header) + len(body)) + header + body


def string(s: str) -> bytes:
    return struct.pack(">h", len(s)) + s.encode()


def fetch_v4(topic: str, offset: int) -> bytes:
    """Fetch v4 of one partition, min_bytes 1, waiting up to WAIT_MS."""
    return (struct.pack(">iiiib", -1, WAIT_MS, 1, 1 << 20, 0) + struct.pack(">i", 1) + string(topic)
            + struct.pack(">i", 1) + struct.pack(">iqi", 0, offset, 1 << 20))


def list_offsets_v1(topic: str) -> bytes:
    """ListOffsets v1: the latest offset of partition 0."""
    return struct.pack(">i", -1) + struct.pack(">i", 1) + string(topic) + struct.pack(">i", 1) + struct.pack(">iq", 0, -1)


def read_responses(sock: socket.socket, count: int, started: float) -> list[tuple[int, float]]:
    """(correlation id, seconds since `started`) of the next `count` responses."""
    out, buf = [], b""
    sock.settimeout(10)
    while len(out) < count:
        while len(buf) >= 8 and len(buf) - 4 >= struct.unpack(">i", buf[:4])[0]:
            size = struct.unpack(">i", buf[:4])[0]
            out.append((struct.unpack(">i", buf[4:8])[0], time.monotonic() - started))
            buf = buf[4 + size:]
        if len(out) >= count:
            break
        data = sock.recv(65536)
        assert data, f"connection closed after {out}"
        buf += data
    return out


def test_an_answer_behind_a_long_poll_leaves_with_it_not_with_the_next_one(robustmq):
    """Fetch (waits 1 s), ListOffsets 50 ms later, then another Fetch (waits 1 s more): the
    ListOffsets answer comes right after the first Fetch's, a second before the second's."""
    topic = unique("pipe")
    create_topic(robustmq.bootstrap, topic)
    host, port = robustmq.bootstrap.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        started = time.monotonic()
        s.sendall(request(1, 4, 1, fetch_v4(topic, 0)))
        time.sleep(0.05)
        s.sendall(request(2, 1, 2, list_offsets_v1(topic)) + request(1, 4, 3, fetch_v4(topic, 0)))
        got = read_responses(s, 3, started)
    assert [c for c, _ in got] == [1, 2, 3], f"responses out of request order: {got}"
    (_, first), (_, listed), (_, second) = got
    assert first >= WAIT_MS / 1000 * 0.9, f"the first Fetch did not wait: {got}"
    assert listed - first < 0.5, f"ListOffsets was held back behind the second Fetch: {got}"
    assert second - listed > 0.5, f"the second Fetch did not wait: {got}"


def test_watermarks_and_offsets_for_times_answer_while_a_consumer_fetches(robustmq):
    """confluent-kafka's watermark and timestamp lookups with 1 s timeouts, from a consumer
    whose fetcher long-polls an idle partition on the same connection."""
    topic = unique("pipe")
    create_topic(robustmq.bootstrap, topic)
    p = producer(robustmq.bootstrap, linger_ms=0)
    for i in range(5):
        p.produce(topic, value=f"v{i}".encode(), partition=0, timestamp=1_700_000_000_000 + i)
    assert p.flush(20) == 0
    c = consumer(robustmq.bootstrap, **{"fetch.wait.max.ms": 500})
    try:
        c.assign([TopicPartition(topic, 0, 0)])
        seen = 0
        deadline = time.monotonic() + 20
        while seen < 5 and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                seen += 1
        assert seen == 5
        # librdkafka's fetcher now long-polls the idle partition on the leader's connection,
        # the one these lookups use too.
        time.sleep(1.0)
        for _ in range(5):
            assert c.get_watermark_offsets(TopicPartition(topic, 0), timeout=1.0) == (0, 5)
            found = c.offsets_for_times([TopicPartition(topic, 0, 1_700_000_000_003)], timeout=1.0)
            assert found[0].offset == 3, found
    finally:
        c.close()
