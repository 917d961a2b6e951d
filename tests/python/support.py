"""Shared helpers for the end-to-end tests: Kafka client wrappers, bounded
waiting, and a reader for the daemon's on-disk journal segments."""

from __future__ import annotations

import os
import re
import struct
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka import (OFFSET_BEGINNING, TIMESTAMP_CREATE_TIME, Consumer, KafkaError,
                             KafkaException, Producer, TopicPartition)
from confluent_kafka.admin import AdminClient, NewTopic

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
CODEC_ID = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def now_ms() -> int:
    return int(time.time() * 1000)


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Poll predicate() until it returns a truthy value; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - remembered for the failure message
            last_exc = e
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_exc!r})" if last_exc else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}{detail}")
        time.sleep(interval)


# --------------------------------------------------------------------------
# Test records
# --------------------------------------------------------------------------

@dataclass
class Rec:
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    timestamp: int = 0


def sample_records(n: int, base_ts: int | None = None) -> list[Rec]:
    """Records that exercise null keys/values, binary (non-UTF-8) bytes,
    empty and repeated headers, and explicit, distinct producer timestamps.
    Values are compressible so every codec really compresses the batch."""
    base_ts = base_ts if base_ts is not None else now_ms() - 3_600_000
    out = []
    for i in range(n):
        key = None if i == 3 else b"k\x00\xff\xfe-" + i.to_bytes(4, "big")
        if i == 5:
            value = None
        elif i == 7:
            value = b""
        else:
            value = (b"v-%05d|" % i) + bytes([i % 256, 0x80, 0xC3, 0x28, 0x00, 0xFF]) + b"abcabc" * (20 + i % 50)
        headers: list[tuple[str, bytes]] = []
        if i % 4 != 2:
            headers = [
                ("bin", b"\xff\xfe\x00\x80" + i.to_bytes(2, "big")),
                ("utf8", "h\u00e9ader-\u2603".encode()),
                ("dup", b"first"),
                ("dup", b"second"),
                ("empty", b""),
            ]
        out.append(Rec(key, value, headers, base_ts + i * 1000 + 7))
    return out


def norm_headers(h) -> list[tuple[str, bytes]]:
    return [(k, v) for k, v in (h or [])]


# --------------------------------------------------------------------------
# confluent-kafka helpers
# --------------------------------------------------------------------------

def admin(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})


def topic_ready(adm: AdminClient, topic: str, partitions: int) -> bool:
    md = adm.list_topics(topic=topic, timeout=5)
    t = md.topics.get(topic)
    if t is None or t.error is not None or len(t.partitions) != partitions:
        return False
    return all(p.leader >= 0 and p.error is None for p in t.partitions.values())


def create_topic(bootstrap: str, topic: str, partitions: int = 1, config: dict | None = None,
                 timeout: float = 20.0) -> None:
    """Create a topic via CreateTopics and wait until metadata shows every partition led."""
    adm = admin(bootstrap)
    futs = adm.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1,
                                       config=config or {})], request_timeout=timeout)
    futs[topic].result(timeout=timeout)
    wait_until(lambda: topic_ready(adm, topic, partitions), timeout,
               f"topic {topic} with {partitions} led partitions in metadata")


def producer(bootstrap: str, **conf) -> Producer:
    base = {"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "all",
            "message.timeout.ms": 30000, "socket.timeout.ms": 10000}
    base.update({k.replace("_", "."): v for k, v in conf.items()})
    return Producer(base)


class DeliveryLog:
    """Collects confluent-kafka delivery reports."""

    def __init__(self):
        self.ok: list[tuple[int, int, bytes | None]] = []  # (partition, offset, value)
        self.errors: list[tuple[KafkaError, bytes | None]] = []

    def __call__(self, err, msg):
        if err is not None:
            self.errors.append((err, msg.value()))
        else:
            self.ok.append((msg.partition(), msg.offset(), msg.value()))


def produce_records(bootstrap: str, topic: str, recs: list[Rec], partition: int = 0,
                    timeout: float = 30.0, **conf) -> list[int]:
    """Produce recs with confluent-kafka; all must be acknowledged. Returns offsets in order."""
    p = producer(bootstrap, **conf)
    offsets: dict[int, int] = {}
    errors = []

    def cb(i):
        def _cb(err, msg):
            if err is not None:
                errors.append((i, err))
            else:
                offsets[i] = msg.offset()
        return _cb

    for i, r in enumerate(recs):
        p.produce(topic, value=r.value, key=r.key, headers=r.headers or None,
                  timestamp=r.timestamp, partition=partition, on_delivery=cb(i))
        p.poll(0)
    left = p.flush(timeout)
    assert left == 0, f"{left} messages still undelivered after {timeout}s"
    assert not errors, f"delivery errors: {errors[:5]}"
    return [offsets[i] for i in range(len(recs))]


def consumer(bootstrap: str, group: str | None = None, **conf) -> Consumer:
    base = {"bootstrap.servers": bootstrap, "group.id": group or unique("reader"),
            "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "socket.timeout.ms": 10000, "check.crcs": True}
    base.update(conf)
    return Consumer(base)


def watermarks(bootstrap: str, topic: str, partition: int = 0, timeout: float = 10.0) -> tuple[int, int]:
    c = consumer(bootstrap)
    try:
        return c.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout)
    finally:
        c.close()


def poll_messages(c, n: int, timeout: float = 30.0):
    """Poll consumer c until it has delivered n messages; fail after timeout seconds."""
    out = []
    deadline = time.monotonic() + timeout
    while len(out) < n:
        assert time.monotonic() < deadline, f"got {len(out)}/{n} messages within {timeout}s"
        m = c.poll(0.2)
        if m is None:
            continue
        assert not m.error(), m.error()
        out.append(m)
    return out


def read_partition(bootstrap: str, topic: str, partition: int = 0, count: int | None = None,
                   timeout: float = 30.0, start=OFFSET_BEGINNING):
    """Read messages from `start`; stops after `count` messages, or (if None) at the
    high watermark observed when called. Fails on any consume error or timeout."""
    c = consumer(bootstrap)
    try:
        if count is None:
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            stop_offset = hi
            if hi <= lo:
                return []
        c.assign([TopicPartition(topic, partition, start)])
        out = []
        deadline = time.monotonic() + timeout
        while True:
            if count is not None and len(out) >= count:
                break
            if count is None and (out and out[-1].offset() >= stop_offset - 1):
                break
            if time.monotonic() > deadline:
                got = [m.offset() for m in out]
                raise AssertionError(
                    f"timed out reading {topic}[{partition}]: got {len(got)} messages "
                    f"(last offsets {got[-5:]}), wanted count={count} stop={None if count else stop_offset}")
            m = c.poll(0.2)
            if m is None:
                continue
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise KafkaException(m.error())
            out.append(m)
        return out
    finally:
        c.close()


def assert_messages_match(msgs, recs: list[Rec], first_offset: int = 0) -> None:
    """Byte-exact comparison of consumed confluent-kafka messages against recs."""
    assert len(msgs) == len(recs), f"got {len(msgs)} messages, expected {len(recs)}"
    for i, (m, r) in enumerate(zip(msgs, recs)):
        where = f"record #{i} (offset {m.offset()})"
        assert m.offset() == first_offset + i, f"{where}: expected offset {first_offset + i}"
        assert m.key() == r.key, f"{where}: key {m.key()!r} != {r.key!r}"
        assert m.value() == r.value, f"{where}: value differs ({m.value()!r:.80} vs {r.value!r:.80})"
        assert norm_headers(m.headers()) == r.headers, f"{where}: headers {m.headers()!r} != {r.headers!r}"
        ts_type, ts = m.timestamp()
        assert (ts_type, ts) == (TIMESTAMP_CREATE_TIME, r.timestamp), \
            f"{where}: timestamp {(ts_type, ts)} != create-time {r.timestamp}"


# --------------------------------------------------------------------------
# On-disk journal segments (Kafka RecordBatch v2)
# --------------------------------------------------------------------------

def _crc32c_table():
    poly = 0x82F63B78
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    t = _CRC_TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


BATCH_HEADER = struct.Struct(">qiibIhiqqqhii")  # 61 bytes
SEGMENT_NAME = re.compile(r"^(\d{20})\.log$")


@dataclass
class Batch:
    position: int
    base_offset: int
    size: int  # total bytes on disk including the 12-byte offset/length prefix
    magic: int
    crc: int
    attributes: int
    last_offset_delta: int
    base_timestamp: int
    max_timestamp: int
    producer_id: int
    record_count: int
    crc_ok: bool

    @property
    def codec(self) -> int:
        return self.attributes & 0x7

    @property
    def next_offset(self) -> int:
        return self.base_offset + self.last_offset_delta + 1


def partition_dir(data_dir: Path, topic: str, partition: int) -> Path:
    return Path(data_dir) / "journal" / f"{topic}-{partition}"


def segment_files(data_dir: Path, topic: str, partition: int) -> list[Path]:
    """The partition's .log segments sorted by base offset; checks the 20-digit naming."""
    d = partition_dir(data_dir, topic, partition)
    assert d.is_dir(), f"partition directory {d} missing; journal has: " \
        f"{sorted(p.name for p in (Path(data_dir) / 'journal').glob('*'))}"
    logs = sorted(p for p in d.iterdir() if p.suffix == ".log")
    for p in logs:
        assert SEGMENT_NAME.match(p.name), f"segment file name {p.name} is not <20 digits>.log"
    return logs


def read_batches(path: Path, check_crc: bool = True) -> tuple[list[Batch], int]:
    """Parse a segment file. Returns (complete batches, number of trailing bytes
    that do not form a complete batch)."""
    data = Path(path).read_bytes()
    pos = 0
    batches = []
    while pos + BATCH_HEADER.size <= len(data):
        (base, length, _epoch, magic, crc, attrs, lod, bts, mts, pid, _pepoch, _seq,
         count) = BATCH_HEADER.unpack_from(data, pos)
        total = 12 + length
        if length < BATCH_HEADER.size - 12 or pos + total > len(data):
            break
        ok = crc32c(data[pos + 21:pos + total]) == crc if check_crc else True
        batches.append(Batch(pos, base, total, magic, crc, attrs, lod, bts, mts, pid, count, ok))
        pos += total
    return batches, len(data) - pos


def segment_base_offset(path: Path) -> int:
    return int(SEGMENT_NAME.match(Path(path).name).group(1))


def daemon_env(extra: dict | None = None) -> dict:
    """Environment for a daemon: no inherited ROBUSTMQ_* settings, fast groups."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROBUSTMQ_")}
    # Storage fault injection only where a test asks for it.
    env.pop("ROBUSTMQD_FAULT_INJECTION", None)
    env.setdefault("RUST_BACKTRACE", "1")
    env.setdefault("RUST_LOG", "info")
    env["ROBUSTMQ_BROKER__GROUP_INITIAL_REBALANCE_DELAY_MS"] = "0"
    if extra:
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = str(v)
    return env
