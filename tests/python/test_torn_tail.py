"""Torn tails: the newest journal segment ends in garbage or in half a batch,
as after a crash mid-write. On restart the daemon must keep every complete
record, drop the broken tail, and append new records right after the last
good one."""

from __future__ import annotations

import pytest

from support import (assert_messages_match, create_topic, producer, read_batches,
                     read_partition, sample_records, segment_files, unique, watermarks)

PER_BATCH = 5


def produce_batches(bootstrap: str, topic: str, recs, codec: str = "lz4") -> None:
    """Produce recs in flushed chunks so the log holds several separate batches."""
    p = producer(bootstrap, linger_ms=1000, compression_type=codec)
    for i in range(0, len(recs), PER_BATCH):
        for r in recs[i:i + PER_BATCH]:
            p.produce(topic, value=r.value, key=r.key, headers=r.headers or None,
                      timestamp=r.timestamp, partition=0)
        assert p.flush(20) == 0


def stop(daemon, how: str) -> None:
    if how == "sigterm":
        daemon.terminate()
    else:
        daemon.kill9()


def newest_segment(daemon, topic: str):
    segs = segment_files(daemon.data_dir, topic, 0)
    assert segs, "no .log segments on disk"
    batches, trailing = read_batches(segs[-1])
    assert trailing == 0, f"{segs[-1].name} already had {trailing} stray bytes before the test touched it"
    assert batches, f"newest segment {segs[-1].name} holds no batch (of {[s.name for s in segs]})"
    return segs[-1], batches


def assert_appends_continue_at(daemon, topic: str, next_offset: int) -> None:
    extra = sample_records(2, base_ts=None)
    p = producer(daemon.bootstrap)
    offsets = []
    for r in extra:
        p.produce(topic, value=r.value, key=r.key, headers=r.headers or None, timestamp=r.timestamp,
                  partition=0, on_delivery=lambda err, msg: offsets.append(err or msg.offset()))
    assert p.flush(20) == 0
    assert offsets == [next_offset, next_offset + 1], f"new records got offsets {offsets}"
    tail = read_partition(daemon.bootstrap, topic, start=next_offset)
    assert_messages_match(tail, extra, first_offset=next_offset)


GARBAGE = {
    "random_bytes": bytes((i * 97 + 13) % 256 for i in range(37)),
    # What a preallocated or zero-filled page looks like after a crash.
    "zero_page": b"\x00" * 4096,
    # A plausible batch header (next base offset, length 400) with no body.
    "header_only": b"\x00" * 7 + b"\x14" + b"\x00\x00\x01\x90" + b"\x00\x00\x00\x00\x02" + b"\x11" * 20,
}


@pytest.mark.parametrize("how", ["sigterm", "kill9"])
@pytest.mark.parametrize("garbage", list(GARBAGE))
def test_garbage_after_last_batch_is_discarded(robustmq, garbage, how):
    """Bytes appended after the last complete batch are dropped: all 20 records
    read back intact and the next record gets offset 20."""
    topic = unique("torn-garbage")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(20)
    produce_batches(robustmq.bootstrap, topic, recs)
    stop(robustmq, how)

    seg, _ = newest_segment(robustmq, topic)
    with open(seg, "ab") as f:
        f.write(GARBAGE[garbage])
    robustmq.start()

    assert_messages_match(read_partition(robustmq.bootstrap, topic), recs)
    assert watermarks(robustmq.bootstrap, topic) == (0, 20)
    assert_appends_continue_at(robustmq, topic, 20)


@pytest.mark.parametrize("how", ["sigterm", "kill9"])
def test_last_batch_cut_in_half_is_dropped(robustmq, how):
    """The segment is truncated in the middle of its last batch: the records of
    the complete batches read back intact, the partial batch is gone, and new
    records continue at its base offset (no hole, no duplicate offsets)."""
    topic = unique("torn-cut")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(20)
    produce_batches(robustmq.bootstrap, topic, recs)
    stop(robustmq, how)

    seg, batches = newest_segment(robustmq, topic)
    last = batches[-1]
    assert last.base_offset > 0, "need at least one complete batch before the cut"
    with open(seg, "r+b") as f:
        f.truncate(last.position + last.size // 2)
    robustmq.start()

    keep = last.base_offset
    assert_messages_match(read_partition(robustmq.bootstrap, topic), recs[:keep])
    assert watermarks(robustmq.bootstrap, topic) == (0, keep)
    assert_appends_continue_at(robustmq, topic, keep)


def test_corrupted_last_batch_after_crash_is_not_served(robustmq):
    """After kill -9, a bit flip inside the last batch (CRC mismatch) must not be
    served to consumers: recovery drops that batch and keeps the ones before."""
    topic = unique("torn-crc")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(20)
    produce_batches(robustmq.bootstrap, topic, recs)
    robustmq.kill9()

    seg, batches = newest_segment(robustmq, topic)
    last = batches[-1]
    with open(seg, "r+b") as f:
        f.seek(last.position + last.size - 3)
        b = f.read(1)
        f.seek(last.position + last.size - 3)
        f.write(bytes([b[0] ^ 0x5A]))
    robustmq.start()

    keep = last.base_offset
    assert_messages_match(read_partition(robustmq.bootstrap, topic), recs[:keep])
    assert_appends_continue_at(robustmq, topic, keep)


def test_cut_tail_with_multiple_segments(daemon_factory):
    """With small segments the log spans several files; cutting the newest one
    mid-batch loses only that batch, older segments are untouched."""
    d = daemon_factory(config_text="[journal]\nsegment_bytes = 16384\n")
    topic = unique("torn-multi")
    create_topic(d.bootstrap, topic)
    recs = sample_records(150)
    produce_batches(d.bootstrap, topic, recs, codec="none")
    d.terminate()

    segs = segment_files(d.data_dir, topic, 0)
    assert len(segs) >= 2, f"expected several segments with segment_bytes=16384, got {[s.name for s in segs]}"
    seg, batches = newest_segment(d, topic)
    last = batches[-1]
    with open(seg, "r+b") as f:
        f.truncate(last.position + 20)
    d.start()

    keep = last.base_offset
    assert_messages_match(read_partition(d.bootstrap, topic), recs[:keep])
    assert_appends_continue_at(d, topic, keep)
