"""Kafka transactions with confluent-kafka (librdkafka): a transactional producer commits and
aborts, read_committed consumers see only committed records (and read_uncommitted ones see
everything), the last stable offset holds back at an open transaction, a zombie producer is
fenced, a transaction left open by a killed daemon or producer is aborted, a timed-out one is
aborted by the coordinator, and consume-transform-produce with send_offsets_to_transaction
gives exactly-once output."""

from __future__ import annotations

import time

import pytest
from confluent_kafka import KafkaError, KafkaException, Producer, TopicPartition

from support import consumer, create_topic, poll_messages, unique, wait_until

pytestmark = pytest.mark.timeout(120)
T = 20


def txn_producer(bootstrap: str, tid: str, **conf) -> Producer:
    base = {"bootstrap.servers": bootstrap, "transactional.id": tid, "linger.ms": 5,
            "socket.timeout.ms": 10000, "transaction.timeout.ms": 30000}
    base.update(conf)
    p = Producer(base)
    p.init_transactions(T)
    return p


def values(bootstrap: str, topic: str, partitions: int = 1, isolation: str = "read_committed",
           expect: int | None = None, settle: float = 1.5) -> list[bytes]:
    """Every value a fresh consumer with `isolation` reads from the start of `topic`: `expect`
    of them, or (None) all it gets until `settle` seconds pass without one."""
    c = consumer(bootstrap, **{"isolation.level": isolation})
    try:
        c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        out: list[bytes] = []
        quiet_since = time.monotonic()
        deadline = time.monotonic() + T
        while time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is None:
                if expect is None and time.monotonic() - quiet_since > settle:
                    break
                if expect is not None and len(out) >= expect and time.monotonic() - quiet_since > 0.5:
                    break
                continue
            assert not m.error(), m.error()
            out.append(m.value())
            quiet_since = time.monotonic()
        return out
    finally:
        c.close()


def committed_high(bootstrap: str, topic: str, partition: int = 0) -> int:
    """The high end a read_committed consumer sees (ListOffsets at READ_COMMITTED: the LSO)."""
    c = consumer(bootstrap, **{"isolation.level": "read_committed"})
    try:
        return c.get_watermark_offsets(TopicPartition(topic, partition), timeout=10, cached=False)[1]
    finally:
        c.close()


def uncommitted_high(bootstrap: str, topic: str, partition: int = 0) -> int:
    c = consumer(bootstrap, **{"isolation.level": "read_uncommitted"})
    try:
        return c.get_watermark_offsets(TopicPartition(topic, partition), timeout=10, cached=False)[1]
    finally:
        c.close()


def test_commit_and_abort_are_what_read_committed_consumers_see(robustmq):
    b = robustmq.bootstrap
    topic = unique("txn")
    create_topic(b, topic, partitions=2)
    p = txn_producer(b, unique("tid"))
    p.begin_transaction()
    for i in range(6):
        p.produce(topic, value=f"a{i}".encode(), partition=i % 2)
    p.commit_transaction(T)

    p.begin_transaction()
    for i in range(4):
        p.produce(topic, value=f"x{i}".encode(), partition=i % 2)
    p.flush(T)
    # Open: read_committed consumers stop at the transaction's first offset.
    assert committed_high(b, topic, 0) == 4  # three records and a commit marker
    assert uncommitted_high(b, topic, 0) == 6
    p.abort_transaction(T)

    p.begin_transaction()
    for i in range(4):
        p.produce(topic, value=f"b{i}".encode(), partition=i % 2)
    p.commit_transaction(T)

    got = values(b, topic, partitions=2, expect=10)
    assert sorted(got) == sorted([f"a{i}".encode() for i in range(6)] + [f"b{i}".encode() for i in range(4)])
    everything = values(b, topic, partitions=2, isolation="read_uncommitted", expect=14)
    assert sorted(everything) == sorted(got + [f"x{i}".encode() for i in range(4)])
    # Three markers per partition: the log end is past them, and nothing is unstable.
    assert committed_high(b, topic, 0) == uncommitted_high(b, topic, 0) == 3 + 1 + 2 + 1 + 2 + 1


def test_a_zombie_producer_is_fenced(robustmq):
    b = robustmq.bootstrap
    topic = unique("txn-fence")
    create_topic(b, topic)
    tid = unique("tid")
    zombie = txn_producer(b, tid)
    zombie.begin_transaction()
    zombie.produce(topic, value=b"zombie")
    zombie.flush(T)
    # A new instance with the same transactional id fences the old one and aborts its work.
    fresh = txn_producer(b, tid)
    with pytest.raises(KafkaException) as e:
        zombie.produce(topic, value=b"zombie-2")
        zombie.commit_transaction(T)
    err = e.value.args[0]
    assert err.fatal() or err.code() in (KafkaError._FENCED, KafkaError.PRODUCER_FENCED,
                                         KafkaError.INVALID_PRODUCER_EPOCH), err
    fresh.begin_transaction()
    fresh.produce(topic, value=b"fresh")
    fresh.commit_transaction(T)
    assert values(b, topic, expect=1) == [b"fresh"]


def test_transactions_left_open_by_a_killed_daemon_are_aborted_and_commits_kept(daemon_factory):
    d = daemon_factory()
    topic = unique("txn-kill")
    create_topic(d.bootstrap, topic)
    tid = unique("tid")
    p = txn_producer(d.bootstrap, tid)
    p.begin_transaction()
    for i in range(5):
        p.produce(topic, value=f"c{i}".encode())
    p.commit_transaction(T)
    p.begin_transaction()
    for i in range(5):
        p.produce(topic, value=f"open{i}".encode())
    p.flush(T)
    d.kill9()
    d.start()
    # The coordinator's state came back: the open transaction still holds the stable offset.
    assert committed_high(d.bootstrap, topic) == 6
    # A new producer for the id aborts what the old one left open.
    p2 = txn_producer(d.bootstrap, tid)
    p2.begin_transaction()
    p2.produce(topic, value=b"after")
    p2.commit_transaction(T)
    assert values(d.bootstrap, topic, expect=6) == [f"c{i}".encode() for i in range(5)] + [b"after"]


def test_the_coordinator_aborts_a_transaction_past_its_timeout(daemon_factory):
    d = daemon_factory(config_text="[broker.transactions]\nabort_check_interval_ms = 200\n")
    topic = unique("txn-timeout")
    create_topic(d.bootstrap, topic)
    p = txn_producer(d.bootstrap, unique("tid"),
                     **{"transaction.timeout.ms": 1500, "socket.timeout.ms": 1500})
    p.begin_transaction()
    p.produce(topic, value=b"late")
    p.flush(T)
    assert committed_high(d.bootstrap, topic) == 0
    # Aborted by the coordinator: the abort marker moves the stable offset past the record.
    wait_until(lambda: committed_high(d.bootstrap, topic) == 2, T, "the timed-out transaction aborted")
    with pytest.raises(KafkaException):
        p.commit_transaction(T)
    assert values(d.bootstrap, topic) == []
    assert "transaction timed out" in d.log_text()


def test_consume_transform_produce_is_exactly_once(robustmq):
    b = robustmq.bootstrap
    src, dst = unique("txn-in"), unique("txn-out")
    create_topic(b, src)
    create_topic(b, dst)
    plain = Producer({"bootstrap.servers": b, "acks": "all"})
    for i in range(30):
        plain.produce(src, value=str(i).encode())
    assert plain.flush(T) == 0
    group = unique("eos")
    p = txn_producer(b, unique("tid"))

    def run(batch: int, abort_first: bool) -> int:
        c = consumer(b, group, **{"isolation.level": "read_committed"})
        c.subscribe([src])
        done = 0
        aborted = not abort_first
        try:
            while True:
                msgs = c.consume(batch, timeout=3)
                msgs = [m for m in msgs if not m.error()]
                if not msgs:
                    return done
                p.begin_transaction()
                for m in msgs:
                    p.produce(dst, value=b"out-" + m.value())
                p.send_offsets_to_transaction(c.position(c.assignment()),
                                              c.consumer_group_metadata(), T)
                if not aborted:
                    # The first batch is aborted: its output and its offsets vanish, and the
                    # consumer rewinds to the group's committed position to redo it.
                    p.abort_transaction(T)
                    aborted = True
                    committed = c.committed(c.assignment(), timeout=T)
                    for tp in committed:
                        c.seek(TopicPartition(tp.topic, tp.partition,
                                              tp.offset if tp.offset >= 0 else 0))
                    continue
                p.commit_transaction(T)
                done += len(msgs)
        finally:
            c.close()

    assert run(7, abort_first=True) == 30
    out = values(b, dst, expect=30)
    assert sorted(out) == sorted(b"out-" + str(i).encode() for i in range(30))
    c = consumer(b, group)
    try:
        (tp,) = c.committed([TopicPartition(src, 0)], timeout=T)
        assert tp.offset == 30
    finally:
        c.close()
    # A restart of the pipeline finds nothing left to do.
    assert run(7, abort_first=False) == 0


def _uvarint(buf: bytes, at: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = buf[at]
        at += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, at
        shift += 7


def _compact_str(buf: bytes, at: int) -> tuple[str, int]:
    n, at = _uvarint(buf, at)
    return buf[at:at + n - 1].decode(), at + n - 1


def _flexible_request(sock, api_key: int, version: int, body: bytes) -> bytes:
    """Sends a request with a v2 header (flexible) and returns the body after the v1 response
    header."""
    import struct
    header = struct.pack(">hhih", api_key, version, 7, 1) + b"t" + b"\x00"
    frame = header + body
    sock.sendall(struct.pack(">i", len(frame)) + frame)
    from test_bad_input import read_response
    resp = read_response(sock)
    (corr,) = struct.unpack(">i", resp[:4])
    assert corr == 7
    _, at = _uvarint(resp, 4)  # header tagged fields
    return resp[at:]


def test_list_and_describe_transactions(robustmq):
    """ListTransactions and DescribeTransactions (KIP-664), as kafka-transactions.sh uses them."""
    import socket
    import struct
    b = robustmq.bootstrap
    topic = unique("txn-list")
    create_topic(b, topic, partitions=2)
    tid = unique("tid")
    p = txn_producer(b, tid)
    p.begin_transaction()
    p.produce(topic, value=b"v", partition=1)
    p.flush(T)
    with socket.create_connection(("127.0.0.1", robustmq.kafka_port), timeout=5) as s:
        # ListTransactions v0: no state filter, no producer filter.
        body = _flexible_request(s, 66, 0, b"\x01\x01\x00")
        _throttle, error = struct.unpack(">ih", body[:6])
        assert error == 0
        _, at = _uvarint(body, 6)  # unknown state filters
        n, at = _uvarint(body, at)
        listed = {}
        for _ in range(n - 1):
            name, at = _compact_str(body, at)
            (pid,) = struct.unpack(">q", body[at:at + 8])
            state, at = _compact_str(body, at + 8)
            _, at = _uvarint(body, at)
            listed[name] = (pid, state)
        assert listed[tid][1] == "Ongoing", listed
        # DescribeTransactions v0 for it and for an unknown id.
        ids = [tid, "no-such-id"]
        req = bytes([len(ids) + 1]) + b"".join(bytes([len(i) + 1]) + i.encode() for i in ids) + b"\x00"
        body = _flexible_request(s, 65, 0, req)
        n, at = _uvarint(body, 4)
        states = []
        for _ in range(n - 1):
            (error,) = struct.unpack(">h", body[at:at + 2])
            name, at = _compact_str(body, at + 2)
            state, at = _compact_str(body, at)
            timeout, start, pid, epoch = struct.unpack(">iqqh", body[at:at + 22])
            at += 22
            topics = []
            tn, at = _uvarint(body, at)
            for _ in range(tn - 1):
                tname, at = _compact_str(body, at)
                pn, at = _uvarint(body, at)
                parts = list(struct.unpack(f">{pn - 1}i", body[at:at + 4 * (pn - 1)]))
                at += 4 * (pn - 1)
                _, at = _uvarint(body, at)
                topics.append((tname, parts))
            _, at = _uvarint(body, at)
            states.append((error, name, state, timeout, start > 0, pid, topics))
    assert states[0] == (0, tid, "Ongoing", 30000, True, listed[tid][0], [(topic, [1])])
    assert states[1][0] == 105  # TRANSACTIONAL_ID_NOT_FOUND
    p.abort_transaction(T)
