"""Produce/consume round trips through robustmqd with real clients, for every
compression codec: what comes back must be byte-identical to what went in."""

from __future__ import annotations

import time

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KpTopicPartition
from kafka import codec as kp_codec

from support import (CODEC_ID, CODECS, Rec, assert_messages_match, create_topic, norm_headers,
                     produce_records, read_batches, read_partition, sample_records,
                     segment_files, unique)

N = 40

KP_HAS_CODEC = {
    "none": lambda: True,
    "gzip": kp_codec.has_gzip,
    "snappy": kp_codec.has_snappy,
    "lz4": kp_codec.has_lz4,
    "zstd": kp_codec.has_zstd,
}


def kp_skip_if_unsupported(codec: str) -> None:
    if not KP_HAS_CODEC[codec]():
        pytest.skip(f"kafka-python cannot use {codec}: its codec library is not importable")


def check_segments(data_dir, topic: str, codec: str, n: int) -> None:
    """On disk: valid RecordBatch v2 with correct CRCs, contiguous offsets 0..n-1,
    and the batches are stored with the producer's compression codec."""
    batches = []
    for seg in segment_files(data_dir, topic, 0):
        b, trailing = read_batches(seg)
        assert trailing == 0, f"{seg.name}: {trailing} trailing bytes after the last complete batch"
        batches += b
    assert batches, "no record batches on disk"
    assert all(b.magic == 2 for b in batches), "stored batch is not magic v2"
    assert all(b.crc_ok for b in batches), "stored batch CRC32C mismatch"
    expected = 0
    for b in batches:
        assert b.base_offset == expected, f"batch base offset {b.base_offset}, expected {expected}"
        assert b.record_count == b.last_offset_delta + 1
        expected = b.next_offset
    assert expected == n
    codecs = {b.codec for b in batches}
    want = CODEC_ID[codec]
    if want == 0:
        assert codecs == {0}, f"uncompressed produce stored with codecs {codecs}"
    else:
        assert want in codecs and codecs <= {0, want}, \
            f"{codec} produce stored with codec ids {codecs}, expected {want}"


# ---------------------------------------------------------------- kafka-python

def kp_produce(bootstrap: str, topic: str, recs: list[Rec], codec: str) -> list[int]:
    p = KafkaProducer(bootstrap_servers=[bootstrap], acks="all", linger_ms=5,
                      compression_type=None if codec == "none" else codec,
                      request_timeout_ms=15000, max_block_ms=20000)
    try:
        futs = [p.send(topic, value=r.value, key=r.key, headers=r.headers or None,
                       partition=0, timestamp_ms=r.timestamp) for r in recs]
        p.flush(timeout=30)
        return [f.get(timeout=30).offset for f in futs]
    finally:
        p.close(timeout=10)


def kp_consume(bootstrap: str, topic: str, n: int, timeout: float = 30.0):
    c = KafkaConsumer(bootstrap_servers=[bootstrap], group_id=None, enable_auto_commit=False,
                      auto_offset_reset="earliest", check_crcs=True, request_timeout_ms=15000)
    try:
        tp = KpTopicPartition(topic, 0)
        c.assign([tp])
        c.seek_to_beginning(tp)
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            assert time.monotonic() < deadline, f"kafka-python got {len(out)}/{n} records in {timeout}s"
            for recs in c.poll(timeout_ms=500).values():
                out.extend(recs)
        return out
    finally:
        c.close()


def kp_assert_match(got, recs: list[Rec]) -> None:
    assert len(got) == len(recs)
    for i, (m, r) in enumerate(zip(got, recs)):
        where = f"record #{i} (offset {m.offset})"
        assert m.offset == i, f"{where}: expected offset {i}"
        assert m.key == r.key, f"{where}: key {m.key!r} != {r.key!r}"
        assert m.value == r.value, f"{where}: value differs"
        assert norm_headers(m.headers) == r.headers, f"{where}: headers {m.headers!r}"
        assert (m.timestamp_type, m.timestamp) == (0, r.timestamp), \
            f"{where}: timestamp {(m.timestamp_type, m.timestamp)} != create-time {r.timestamp}"


# ---------------------------------------------------------------------- tests

@pytest.mark.parametrize("codec", CODECS)
def test_confluent_roundtrip_is_byte_exact(robustmq, codec):
    """confluent-kafka: keys, values, binary headers and producer timestamps come
    back identical at offsets 0..n-1, and the batch is stored with the codec used."""
    topic = unique(f"rt-ck-{codec}")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(N)
    offsets = produce_records(robustmq.bootstrap, topic, recs, compression_type=codec)
    assert offsets == list(range(N)), f"delivery report offsets {offsets}"
    assert_messages_match(read_partition(robustmq.bootstrap, topic, count=N), recs)
    check_segments(robustmq.data_dir, topic, codec, N)


@pytest.mark.parametrize("codec", CODECS)
def test_kafka_python_roundtrip_is_byte_exact(robustmq, codec):
    """kafka-python (idempotent by default): the same byte-exact round trip."""
    kp_skip_if_unsupported(codec)
    topic = unique(f"rt-kp-{codec}")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(N)
    assert kp_produce(robustmq.bootstrap, topic, recs, codec) == list(range(N))
    kp_assert_match(kp_consume(robustmq.bootstrap, topic, N), recs)
    check_segments(robustmq.data_dir, topic, codec, N)


@pytest.mark.parametrize("codec", CODECS)
def test_kafka_python_produce_confluent_consume(robustmq, codec):
    """Cross-client: batches written by kafka-python decode identically in librdkafka."""
    kp_skip_if_unsupported(codec)
    topic = unique(f"x-kp2ck-{codec}")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(N)
    assert kp_produce(robustmq.bootstrap, topic, recs, codec) == list(range(N))
    assert_messages_match(read_partition(robustmq.bootstrap, topic, count=N), recs)


def test_confluent_produce_kafka_python_consume(robustmq):
    """Cross-client the other way: librdkafka lz4 batches read by kafka-python."""
    kp_skip_if_unsupported("lz4")
    topic = unique("x-ck2kp")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(N)
    produce_records(robustmq.bootstrap, topic, recs, compression_type="lz4")
    kp_assert_match(kp_consume(robustmq.bootstrap, topic, N), recs)


def test_auto_create_topic_on_produce(robustmq):
    """With auto_create_topics on (default), producing to an unknown topic creates it."""
    topic = unique("auto")
    recs = sample_records(3)
    assert produce_records(robustmq.bootstrap, topic, recs) == [0, 1, 2]
    assert_messages_match(read_partition(robustmq.bootstrap, topic, count=3), recs)
