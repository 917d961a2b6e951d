"""Hostile input that once took the whole daemon down or made it allocate without bound
(issue: hostile input and resource bounds). Each case runs against a spawned robustmqd and
then checks that it still serves a bystander, that its RSS stayed under a ceiling, and that
data stored before is intact.

- MQTT filters and topics of 65,000 levels (once a stack overflow in the subscription trie).
- Kafka record batches that decompress far past `max.message.bytes` (a gzip bomb) or claim
  2^30 headers in a few bytes, produced with raw Produce requests (no client library builds
  such batches) to a compacted topic and to the MQTT log topic.
- Partition directories that meta does not list: start-up refuses instead of deleting them.
"""

from __future__ import annotations

import os
import socket
import struct
import time
import zlib
from pathlib import Path

import pytest

from conftest import DaemonStartError
from mqtt_support import V5, V311, MqttBroker, MqttClient, roundtrip_ok, uid
from support import create_topic, crc32c, read_partition, unique

pytestmark = pytest.mark.timeout(120)

# Kafka error codes.
CORRUPT_MESSAGE, MESSAGE_TOO_LARGE = 2, 10
# Well above an idle debug robustmqd (~30-60 MB), well below what each attack cost before.
RSS_CEILING_MB = 250


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):  # the peak, so a spike that came and went still counts
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def roundtrip(broker: MqttBroker, version: int = V5) -> None:
    roundtrip_ok(broker, version)


# ------------------------------------------------------------------ MQTT topic depth

@pytest.mark.parametrize("version", [V5, V311], ids=["v5", "v311"])
def test_a_filter_of_65000_levels_is_refused_and_publishing_to_it_is_harmless(daemon_factory, version):
    d = daemon_factory()
    broker = MqttBroker.of_daemon(d)
    deep = "/" * 65_000
    s = MqttClient(broker, version, clean=False)
    s.connect(**({"SessionExpiryInterval": 3600} if version == V5 else {}))
    assert s.subscribe(deep, 1) == [0x8F if version == V5 else 0x80]
    # The 128-level limit itself is accepted, and matches.
    at_limit = "/".join(["l"] * 128)
    assert s.subscribe(at_limit, 1) == [1]
    s.close()

    pub = MqttClient(broker, V5)
    pub.connect()
    pub.publish(at_limit, b"deepest", qos=1)
    # A PUBLISH to a topic deeper than the limit closes that connection with 0x90.
    pub.c.publish(deep, b"x", qos=0)
    gone = pub.wait_closed_by_server()
    assert gone.reason == 0x90, gone

    back = MqttClient(broker, version, client_id=s.client_id, clean=False)
    back.connect(**({"SessionExpiryInterval": 3600} if version == V5 else {}))
    back.messages.wait_topic(at_limit, b"deepest")
    back.close()
    assert d.alive(), "robustmqd died"
    # The persistent session survives a restart and the daemon still serves everyone.
    d.terminate()
    d.start()
    roundtrip(broker, version)


def test_a_deep_topic_written_through_kafka_reaches_only_hash_subscribers(daemon_factory):
    from support import producer
    d = daemon_factory()
    broker = MqttBroker.of_daemon(d)
    all_ = MqttClient(broker, V5)
    all_.connect()
    all_.subscribe("#", 1)
    p = producer(d.bootstrap, linger_ms=0)
    deep = "a" + "/" * 65_000
    p.produce("mqtt", key=deep.encode(), value=b"through kafka")
    p.produce("mqtt", key=b"plain/topic", value=b"after")
    assert p.flush(20) == 0
    got = all_.messages.wait_topic("plain/topic", b"after")
    assert got is not None
    assert [m.payload for m in all_.messages.snapshot()] == [b"through kafka", b"after"]
    all_.close()
    assert d.alive()
    roundtrip(broker)


# ------------------------------------------------------------------ Kafka record batches

def varint(n: int) -> bytes:
    z = (n << 1) ^ (n >> 63)
    out = bytearray()
    while z >= 0x80:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


def kbytes(b: bytes | None) -> bytes:
    return varint(-1) if b is None else varint(len(b)) + b


def batch(records_section: bytes, count: int, attributes: int) -> bytes:
    """A RecordBatch v2 around already encoded (maybe compressed) records."""
    after_crc = struct.pack(">hiqqqhii", attributes, count - 1, 1000, 1000, -1, -1, -1, count) + records_section
    body = struct.pack(">iB", -1, 2) + struct.pack(">I", crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(body)) + body


def gzip_bomb(key: bytes, value_size: int) -> bytes:
    """One keyed record whose value is `value_size` zero bytes, gzip-compressed in a stream
    (the value is never held in memory)."""
    # attributes, timestamp delta, offset delta, key, value length; then value; then 0 headers.
    head = b"\x00" + varint(0) + varint(0) + kbytes(key) + varint(value_size)
    body_len = len(head) + value_size + 1
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [z.compress(varint(body_len) + head)]
    chunk = bytes(1 << 20)
    left = value_size
    while left:
        n = min(left, len(chunk))
        out.append(z.compress(chunk[:n]))
        left -= n
    out.append(z.compress(varint(0)))
    out.append(z.flush())
    return batch(b"".join(out), 1, 1)


def zstd_bomb(key: bytes, value_size: int) -> bytes:
    """As `gzip_bomb`, compressed with zstd (Kafka attributes codec 4) in a stream."""
    import zstandard
    head = b"\x00" + varint(0) + varint(0) + kbytes(key) + varint(value_size)
    z = zstandard.ZstdCompressor(level=19).compressobj()
    out = [z.compress(varint(len(head) + value_size + 1) + head)]
    chunk = bytes(1 << 20)
    for _ in range(value_size // len(chunk)):
        out.append(z.compress(chunk))
    out.append(z.compress(bytes(value_size % len(chunk)) + varint(0)))
    out.append(z.flush())
    return batch(b"".join(out), 1, 4)


def header_count_lie(key: bytes) -> bytes:
    """One gzip-compressed record that claims 2^30 headers and holds none."""
    rec = b"\x00" + varint(0) + varint(0) + kbytes(key) + kbytes(b"v") + varint(1 << 30)
    return batch(_gzip(varint(len(rec)) + rec), 1, 1)


def _gzip(data: bytes) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    return z.compress(data) + z.flush()


def produce_raw(bootstrap: str, topic: str, records: bytes, partition: int = 0) -> int:
    """A Produce v3 request (acks=-1) with one partition's records; returns its error code."""
    t = topic.encode()
    body = (struct.pack(">hhi", -1, -1, 30_000) + struct.pack(">i", 1) + struct.pack(">h", len(t)) + t
            + struct.pack(">i", 1) + struct.pack(">ii", partition, len(records)) + records)
    client = b"hostile"
    req = struct.pack(">hhih", 0, 3, 77, len(client)) + client + body
    host, port = bootstrap.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(struct.pack(">i", len(req)) + req)
        size = struct.unpack(">i", _recv(s, 4))[0]
        resp = _recv(s, size)
    # correlation id, topics[1]: name, partitions[1]: index, error code, ...
    (corr,) = struct.unpack_from(">i", resp, 0)
    assert corr == 77
    name_len = struct.unpack_from(">h", resp, 8)[0]
    at = 10 + name_len + 4 + 4
    return struct.unpack_from(">h", resp, at)[0]


def _recv(s: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(min(n - len(buf), 1 << 20))
        assert chunk, "connection closed"
        buf += chunk
    return bytes(buf)


@pytest.fixture(scope="module")
def bombs():
    bomb = gzip_bomb(b"k", 512 << 20)
    assert len(bomb) < 1 << 20, f"the bomb is {len(bomb)} bytes: it must fit max.message.bytes"
    zbomb = zstd_bomb(b"k", 512 << 20)
    assert len(zbomb) < 1 << 20, f"the zstd bomb is {len(zbomb)} bytes"
    return {"gzip_bomb_512MiB": (bomb, MESSAGE_TOO_LARGE), "zstd_bomb_512MiB": (zbomb, MESSAGE_TOO_LARGE),
            "2^30_headers": (header_count_lie(b"k"), CORRUPT_MESSAGE)}


@pytest.mark.parametrize("kind", ["gzip_bomb_512MiB", "zstd_bomb_512MiB", "2^30_headers"])
@pytest.mark.parametrize("target", ["compacted", "mqtt_log"])
def test_records_that_lie_about_their_size_are_refused_within_the_memory_ceiling(daemon_factory, bombs, kind, target):
    d = daemon_factory()
    broker = MqttBroker.of_daemon(d)
    if target == "compacted":
        topic = unique("compacted")
        create_topic(d.bootstrap, topic, config={"cleanup.policy": "compact"})
    else:
        topic = "mqtt"
        # The log topic exists once MQTT has stored something; a `#` subscriber sees the rest.
        roundtrip(broker)
    before = read_partition(d.bootstrap, topic)
    watcher = MqttClient(broker, V5)
    watcher.connect()
    watcher.subscribe("#", 1)
    data, want = bombs[kind]
    assert produce_raw(d.bootstrap, topic, data) == want
    assert d.alive(), "robustmqd died"
    peak = rss_mb(d.proc.pid)
    assert peak < RSS_CEILING_MB, f"peak RSS {peak:.0f} MB"
    assert len(read_partition(d.bootstrap, topic)) == len(before), "the refused batch was stored"
    roundtrip(broker)
    watcher.close()


# ------------------------------------------------------------------ start-up and meta

def test_partitions_meta_does_not_list_are_kept_and_start_up_refuses(daemon_factory):
    from support import producer, partition_dir
    d = daemon_factory()
    topic = unique("kept")
    create_topic(d.bootstrap, topic)
    p = producer(d.bootstrap, linger_ms=0)
    p.produce(topic, value=b"precious", partition=0)
    assert p.flush(20) == 0
    d.terminate()
    # Meta is lost (say a restore from an old backup without this topic).
    import shutil
    shutil.rmtree(d.data_dir / "meta")
    with pytest.raises(DaemonStartError) as e:
        d.start(timeout=30)
    assert "--delete-unknown-partitions" in str(e.value)
    assert partition_dir(d.data_dir, topic, 0).is_dir(), "start-up deleted the data"
    # Told explicitly, it deletes them and starts.
    d.extra_args.append("--delete-unknown-partitions")
    d.start()
    assert not partition_dir(d.data_dir, topic, 0).exists()


def test_a_deleted_topic_leaves_nothing_behind_after_a_restart(daemon_factory):
    from confluent_kafka.admin import AdminClient
    from support import partition_dir
    d = daemon_factory()
    topic = unique("gone")
    create_topic(d.bootstrap, topic, partitions=2)
    adm = AdminClient({"bootstrap.servers": d.bootstrap})
    adm.delete_topics([topic])[topic].result(20)
    d.terminate()
    d.start()
    for p in range(2):
        assert not partition_dir(d.data_dir, topic, p).exists()


# ------------------------------------------------------------------ limits on what clients grow

def _create_error(adm, topic: str, partitions: int, config: dict | None = None):
    from confluent_kafka.admin import NewTopic
    fut = adm.create_topics([NewTopic(topic, partitions, 1, config=config or {})])[topic]
    try:
        fut.result(20)
        return None
    except Exception as e:  # KafkaException carrying the KafkaError
        return e.args[0].code()


def test_partition_counts_and_tiny_segments_past_the_limits_are_refused(daemon_factory):
    from confluent_kafka import KafkaError
    from confluent_kafka.admin import AdminClient, NewPartitions
    d = daemon_factory(env={"ROBUSTMQ_JOURNAL__MAX_PARTITIONS": "12"})
    adm = AdminClient({"bootstrap.servers": d.bootstrap})
    assert _create_error(adm, unique("huge"), 10_000) == KafkaError.INVALID_PARTITIONS
    assert _create_error(adm, unique("tiny"), 1, {"segment.bytes": "14"}) == KafkaError.INVALID_CONFIG
    first = unique("first")
    assert _create_error(adm, first, 8) is None
    # 8 + 5 would pass journal.max_partitions = 12, by creation or by growth.
    assert _create_error(adm, unique("second"), 5) == KafkaError.INVALID_PARTITIONS
    grow = adm.create_partitions([NewPartitions(first, 13)])[first]
    with pytest.raises(Exception) as e:
        grow.result(20)
    assert e.value.args[0].code() == KafkaError.INVALID_PARTITIONS
    assert _create_error(adm, unique("fits"), 4) is None
    d.terminate()
    d.start()
    assert len(adm.list_topics(timeout=10).topics[first].partitions) == 8


def test_many_sealed_segments_fit_a_low_open_file_limit(daemon_factory):
    """8 partitions of ~100 one-batch segments each (1,600 files) in a daemon whose open-file
    limit is 256 and cannot be raised: before, every segment held two descriptors for life, so
    the rolls failed with EMFILE and took the partitions offline; now sealed segments share a
    cache of `journal.max_open_files` (32 here), and a restart under the same limit reads all."""
    from support import DeliveryLog, producer, read_partition
    d = daemon_factory(env={"ROBUSTMQ_JOURNAL__MIN_SEGMENT_BYTES": "1024",
                            "ROBUSTMQ_JOURNAL__MAX_OPEN_FILES": "32"}, nofile=256)
    topic, parts, per = unique("segments"), 8, 100
    create_topic(d.bootstrap, topic, parts, {"segment.bytes": "1024"})
    log = DeliveryLog()
    p = producer(d.bootstrap, linger_ms=0, batch_size=1000)
    for i in range(parts * per):
        p.produce(topic, value=b"%06d" % i + bytes(700), partition=i % parts, on_delivery=log)
        p.poll(0)
    assert p.flush(60) == 0
    assert not log.errors, log.errors[:3]
    fds = len(os.listdir(f"/proc/{d.proc.pid}/fd"))
    assert fds < 200, f"{fds} descriptors open"
    d.terminate()
    d.start()
    for part in range(parts):
        assert len(read_partition(d.bootstrap, topic, part, timeout=60)) == per
    fds = len(os.listdir(f"/proc/{d.proc.pid}/fd"))
    assert fds < 200, f"{fds} descriptors open after reading everything"
    segments = sum(1 for f in d.data_dir.rglob("*.log") if topic in str(f.parent))
    assert segments > parts * per // 2, f"only {segments} segments"


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_idle_and_trickling_kafka_connections_are_closed(daemon_factory):
    d = daemon_factory(env={"ROBUSTMQ_KAFKA__CONNECTIONS_MAX_IDLE_MS": "500"})
    host, port = d.bootstrap.split(":")
    idle = socket.create_connection((host, int(port)))
    # Slowloris: a frame header and then one byte at a time, slower than the idle limit.
    trickle = socket.create_connection((host, int(port)))
    trickle.sendall(struct.pack(">i", 100) + b"\x00")
    assert _closed_within(idle, 5), "an idle connection stayed open"
    assert _closed_within(trickle, 5), "a trickling connection stayed open"
    # A byte every 200 ms, faster than the 500 ms limit, still never completes a request.
    import time
    steady = socket.create_connection((host, int(port)))
    steady.sendall(struct.pack(">i", 100))
    closed = False
    for _ in range(25):
        try:
            steady.sendall(b"\x00")
        except OSError:
            closed = True
            break
        if _closed_within(steady, 0.2):
            closed = True
            break
    assert closed, "a request trickled a byte at a time held its connection for 5 s"
    # A connection that keeps talking stays.
    busy = socket.create_connection((host, int(port)))
    api_versions = struct.pack(">hhih", 18, 0, 1, -1)
    for _ in range(6):
        busy.sendall(struct.pack(">i", len(api_versions)) + api_versions)
        size = struct.unpack(">i", _recv(busy, 4))[0]
        _recv(busy, size)
        import time
        time.sleep(0.25)
    busy.close()
    assert "idle (connections_max_idle_ms)" in d.log_text()


# ------------------------------------------------------------------ MQTT state a client can grow

def test_sessions_past_max_sessions_are_refused_with_quota_exceeded(daemon_factory):
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_SESSIONS": "3"})
    broker = MqttBroker.of_daemon(d)
    held = []
    for i in range(3):
        c = MqttClient(broker, V5, clean=False)
        c.connect(SessionExpiryInterval=3600)
        held.append(c)
    assert MqttClient(broker, V5).connect(expect=None).reason == 0x97
    # Return code 3, server unavailable (paho reports it as its MQTT 5 twin 0x88).
    assert MqttClient(broker, V311).connect(expect=None).reason in (3, 0x88)
    # An existing session can still be resumed, and freeing one makes room.
    held[0].close()
    again = MqttClient(broker, V5, client_id=held[0].client_id, clean=False)
    assert again.connect(SessionExpiryInterval=0).session_present
    again.close()  # expiry 0: the session ends with this connection (once the server sees it)
    from support import wait_until

    def newcomer_accepted() -> bool:
        c = MqttClient(broker, V5)
        ok = c.connect(expect=None).reason == 0
        c.close()
        return ok
    wait_until(newcomer_accepted, 10, "a new session once one was freed")
    for c in held[1:]:
        c.close()
    assert d.alive()


def test_retained_messages_past_the_limit_are_refused_or_not_retained(daemon_factory):
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_RETAINED_MESSAGES": "2"})
    broker = MqttBroker.of_daemon(d)
    base = uid("ret")
    pub = MqttClient(broker, V5)
    pub.connect()
    assert pub.publish(f"{base}/1", b"a", qos=1, retain=True) == 0
    assert pub.publish(f"{base}/2", b"b", qos=1, retain=True) == 0
    # A third topic: MQTT 5 QoS 1 is told 0x97 Quota exceeded; replacing one still works.
    assert pub.publish(f"{base}/3", b"c", qos=1, retain=True, expect_ok=False) == 0x97
    assert pub.publish(f"{base}/1", b"a2", qos=1, retain=True) == 0
    pub.close()
    # 3.1.1 cannot be told: its message is delivered live but not retained.
    live = MqttClient(broker, V5)
    live.connect()
    live.subscribe(f"{base}/4", 1)
    old = MqttClient(broker, V311)
    old.connect()
    old.publish(f"{base}/4", b"d", qos=1, retain=True)
    live.messages.wait_topic(f"{base}/4", b"d")
    live.close()
    old.close()
    # Records written through Kafka with mqtt.retain=1 are bound by the same limit.
    from support import producer
    kp = producer(d.bootstrap, linger_ms=0)
    kp.produce("mqtt", key=f"{base}/5".encode(), value=b"e", headers=[("mqtt.retain", b"1")])
    assert kp.flush(20) == 0
    late = MqttClient(broker, V5)
    late.connect()
    late.subscribe(f"{base}/#", 1)
    got = sorted((m.topic, m.payload) for m in late.messages.wait_exactly(2))
    assert got == [(f"{base}/1", b"a2"), (f"{base}/2", b"b")]
    late.close()


def test_one_client_cannot_take_every_retained_slot_or_subscribe_without_end(daemon_factory):
    """Per client: a client id owns at most `mqtt.max_retained_per_client` retained messages
    (a new topic or another client's counts; its own replacements do not), and a session holds
    at most `mqtt.max_subscriptions_per_session` filters (SUBACK 0x97, 3.x 0x80). A restart
    keeps the ownership count."""
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_RETAINED_PER_CLIENT": "2",
                            "ROBUSTMQ_MQTT__MAX_SUBSCRIPTIONS_PER_SESSION": "3"})
    broker = MqttBroker.of_daemon(d)
    base = uid("own")
    a = MqttClient(broker, V5, client_id=uid("a"))
    a.connect()
    b = MqttClient(broker, V5, client_id=uid("b"))
    b.connect()
    assert a.publish(f"{base}/1", b"a1", qos=1, retain=True) == 0
    assert a.publish(f"{base}/2", b"a2", qos=1, retain=True) == 0
    assert a.publish(f"{base}/3", b"a3", qos=1, retain=True, expect_ok=False) == 0x97
    assert a.publish(f"{base}/1", b"a1'", qos=1, retain=True) == 0, "its own replacement"
    assert b.publish(f"{base}/3", b"b3", qos=1, retain=True) == 0, "another client has room"
    assert b.publish(f"{base}/1", b"b1", qos=1, retain=True) == 0, "taking over a's topic"
    assert b.publish(f"{base}/4", b"b4", qos=1, retain=True, expect_ok=False) == 0x97
    assert a.publish(f"{base}/4", b"a4", qos=1, retain=True) == 0, "a owns only /2 now"
    a.close()
    b.close()
    d.terminate()
    d.start()
    again = MqttClient(broker, V5, client_id=a.client_id)
    again.connect()
    assert again.publish(f"{base}/5", b"a5", qos=1, retain=True, expect_ok=False) == 0x97
    again.close()

    sub = MqttClient(broker, V5)
    sub.connect()
    assert sub.subscribe([(f"{base}/s{i}", 1) for i in range(3)]) == [1, 1, 1]
    assert sub.subscribe(f"{base}/s3", 1) == [0x97]
    assert sub.subscribe(f"{base}/s0", 0) == [0], "replacing an existing filter"
    sub.unsubscribe(f"{base}/s1")
    assert sub.subscribe(f"{base}/s3", 1) == [1]
    sub.close()
    old = MqttClient(broker, V311)
    old.connect()
    assert old.subscribe([(f"{base}/o{i}", 1) for i in range(4)]) == [1, 1, 1, 0x80]
    old.close()


def test_a_311_persistent_session_expires_after_max_session_expiry(daemon_factory):
    import time
    d = daemon_factory(env={"ROBUSTMQ_MQTT__MAX_SESSION_EXPIRY": "1"})
    broker = MqttBroker.of_daemon(d)
    c = MqttClient(broker, V311, clean=False)
    c.connect()
    c.subscribe(uid("x") + "/t", 1)
    c.close()
    back = MqttClient(broker, V311, client_id=c.client_id, clean=False)
    assert back.connect().session_present, "resumed within the expiry"
    back.close()
    time.sleep(2.5)  # expiry 1 s, checked every second
    gone = MqttClient(broker, V311, client_id=c.client_id, clean=False)
    assert not gone.connect().session_present, "the session outlived mqtt.max_session_expiry"
    gone.close()


def test_a_resumed_session_cancels_its_delayed_will(daemon_factory):
    import time
    d = daemon_factory()
    broker = MqttBroker.of_daemon(d)
    topic = uid("will") + "/t"
    watcher = MqttClient(broker, V5)
    watcher.connect()
    watcher.subscribe(topic, 1)
    props = __import__("mqtt_support").props
    from paho.mqtt.packettypes import PacketTypes
    c = MqttClient(broker, V5, clean=False)
    c.connect(SessionExpiryInterval=60,
              will=dict(topic=topic, payload=b"gone", qos=1, retain=False,
                        properties=props(PacketTypes.WILLMESSAGE, WillDelayInterval=2)))
    c.drop()  # abnormal close: the will waits 2 s
    back = MqttClient(broker, V5, client_id=c.client_id, clean=False)
    back.connect(SessionExpiryInterval=60, clean_start=False)
    time.sleep(3)
    assert watcher.messages.snapshot() == [], "a will was sent although the session resumed"
    back.close()
    watcher.close()


def test_http_slowloris_is_cut_off_and_probes_still_answer(daemon_factory):
    d = daemon_factory()
    port = d.http_port
    # Headers that never end: closed after the 10 s header timeout, not held forever.
    slow = socket.create_connection(("127.0.0.1", port))
    slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    assert d.http_get("/healthz")[0] == 200, "a probe waited behind the slow client"
    assert _closed_within(slow, 20), "a request with unfinished headers held its connection"
    assert d.http_get("/readyz")[0] == 200


H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
H2_EMPTY_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def _h2_settings_answered(port: int) -> socket.socket:
    """An HTTP/2 connection to the admin listener that got the server's SETTINGS frame."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(H2_PREFACE + H2_EMPTY_SETTINGS)
    head = _recv(s, 9)
    assert head[3] == 0x04, f"expected a SETTINGS frame, got frame type {head[3]}"
    return s


def _eof_within(sock: socket.socket, seconds: float) -> bool:
    """Reads (and drops) what the server sends until it closes; false if it has not within
    `seconds`."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        pass
    return False


def test_silent_admin_and_mqtt_connections_are_closed(daemon_factory):
    """Slowloris on the admin (gRPC) and MQTT listeners: a connection that sends nothing, or
    stalls inside its first packet, is closed after the connect timeout, and an admin
    connection that goes quiet after its handshake after the idle timeout; the listeners keep
    serving others."""
    d = daemon_factory(env={"ROBUSTMQ_ADMIN__CONNECT_TIMEOUT_MS": "500",
                            "ROBUSTMQ_ADMIN__CONNECTIONS_MAX_IDLE_MS": "1500",
                            "ROBUSTMQ_MQTT__CONNECT_TIMEOUT_MS": "500"})
    silent = [socket.create_connection(("127.0.0.1", port))
              for port in (d.admin_port, d.mqtt_port, d.ws_port)]
    partial = socket.create_connection(("127.0.0.1", d.mqtt_port))
    partial.sendall(b"\x10\x20\x00\x04MQ")  # a CONNECT that never finishes
    quiet_admin = _h2_settings_answered(d.admin_port)
    for s, what in zip(silent + [partial], ["admin", "mqtt", "mqtt websocket", "mqtt partial"]):
        assert _eof_within(s, 5), f"a silent {what} connection stayed open"
    assert _eof_within(quiet_admin, 6), "an idle admin connection stayed open"
    _h2_settings_answered(d.admin_port).close()
    roundtrip(MqttBroker.of_daemon(d))
    for s in silent + [partial, quiet_admin]:
        s.close()


def test_a_fetch_asking_for_2_gib_gets_at_most_fetch_max_bytes(daemon_factory):
    from support import producer
    d = daemon_factory(env={"ROBUSTMQ_KAFKA__FETCH_MAX_BYTES": str(1 << 20)})
    topic = unique("fetchcap")
    create_topic(d.bootstrap, topic)
    p = producer(d.bootstrap, linger_ms=0)
    for i in range(20):  # 20 batches of 100 KB
        p.produce(topic, value=bytes([i]) * 100_000, partition=0)
        assert p.flush(20) == 0
    t = topic.encode()
    big = 0x7FFFFFFF
    # Fetch v4: replica -1, max_wait 0, min_bytes 0, max_bytes 2 GiB, read_uncommitted, one
    # partition from offset 0 with partition_max_bytes 2 GiB.
    body = (struct.pack(">iiiib", -1, 0, 0, big, 0) + struct.pack(">ih", 1, len(t)) + t
            + struct.pack(">iiqi", 1, 0, 0, big))
    client = b"hostile"
    req = struct.pack(">hhih", 1, 4, 78, len(client)) + client + body
    host, port = d.bootstrap.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(struct.pack(">i", len(req)) + req)
        size = struct.unpack(">i", _recv(s, 4))[0]
        resp = _recv(s, size)
    # correlation, throttle, topics[1]: name, partitions[1]: index, error, hw, lso, aborted, records
    at = 4 + 4 + 4
    name_len = struct.unpack_from(">h", resp, at)[0]
    at += 2 + name_len + 4
    _index, error, hw, _lso, _aborted = struct.unpack_from(">ihqqi", resp, at)
    at += 4 + 2 + 8 + 8 + 4
    (records_len,) = struct.unpack_from(">i", resp, at)
    assert error == 0 and hw == 20
    assert 0 < records_len <= (1 << 20), f"{records_len} record bytes in one Fetch response"


def _first_consumer_error(consumer, polls: int = 100):
    """The code of the first error a subscribed consumer reports within `polls` 0.1 s polls."""
    for _ in range(polls):
        m = consumer.poll(0.1)
        if m is not None and m.error():
            return m.error().code()
    return None


def test_a_group_past_group_max_size_and_oversized_offset_metadata_are_refused(daemon_factory):
    """JoinGroup past `broker.group_max_size` gets GROUP_MAX_SIZE_REACHED (confluent-kafka
    reports it to the third consumer), and OffsetCommit metadata past
    `broker.offset_metadata_max_bytes` gets OFFSET_METADATA_TOO_LARGE for that partition only."""
    from confluent_kafka import Consumer, KafkaError, TopicPartition

    d = daemon_factory(env={"ROBUSTMQ_BROKER__GROUP_MAX_SIZE": "2",
                            "ROBUSTMQ_BROKER__OFFSET_METADATA_MAX_BYTES": "100"})
    topic = unique("grp")
    create_topic(d.bootstrap, topic, partitions=2)
    group = unique("g")
    conf = {"bootstrap.servers": d.bootstrap, "group.id": group, "session.timeout.ms": 6000,
            "enable.auto.commit": False}
    consumers = [Consumer(conf) for _ in range(3)]
    try:
        for c in consumers[:2]:
            c.subscribe([topic])
        for _ in range(20):  # let the first two join
            for c in consumers[:2]:
                c.poll(0.1)
        third = consumers[2]
        third.subscribe([topic])
        assert _first_consumer_error(third) == KafkaError.GROUP_MAX_SIZE_REACHED
    finally:
        for c in consumers:
            c.close()

    c = Consumer({"bootstrap.servers": d.bootstrap, "group.id": unique("meta")})
    try:
        result = c.commit(offsets=[TopicPartition(topic, 0, 5, metadata="m" * 101),
                                   TopicPartition(topic, 1, 7, metadata="m" * 40)],
                          asynchronous=False)
        errs = {tp.partition: (tp.error.code() if tp.error else None) for tp in result}
    except Exception as e:  # confluent-kafka raises when any partition failed
        errs = {"raised": e.args[0].code()}
    assert errs.get(0, errs.get("raised")) == KafkaError.OFFSET_METADATA_TOO_LARGE, errs
    committed = {tp.partition: tp.offset for tp in
                 c.committed([TopicPartition(topic, 0), TopicPartition(topic, 1)], timeout=10)}
    assert committed[1] == 7 and committed[0] < 0, committed
    c.close()


def test_groups_past_max_groups_are_refused_until_one_is_deleted(daemon_factory):
    """Random group ids cannot grow the coordinator without bound: past `broker.max_groups`
    an OffsetCommit or a JoinGroup for a new group gets GROUP_MAX_SIZE_REACHED, known groups
    go on, and the count survives a restart (groups that only committed offsets count)."""
    from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

    d = daemon_factory(env={"ROBUSTMQ_BROKER__MAX_GROUPS": "3"})
    topic = unique("groups")
    create_topic(d.bootstrap, topic)

    def commit(group: str, offset: int):
        c = Consumer({"bootstrap.servers": d.bootstrap, "group.id": group})
        try:
            c.commit(offsets=[TopicPartition(topic, 0, offset)], asynchronous=False)
            return None
        except KafkaException as e:
            return e.args[0].code()
        finally:
            c.close()

    names = [unique("g") for _ in range(5)]
    assert [commit(g, 1) for g in names[:3]] == [None] * 3
    assert commit(names[3], 1) == KafkaError.GROUP_MAX_SIZE_REACHED
    assert commit(names[0], 2) is None, "a known group still commits"
    joiner = Consumer({"bootstrap.servers": d.bootstrap, "group.id": names[4],
                       "session.timeout.ms": 6000})
    joiner.subscribe([topic])
    error = _first_consumer_error(joiner)
    joiner.close()
    assert error == KafkaError.GROUP_MAX_SIZE_REACHED
    assert "broker.max_groups reached" in d.log_text()
    d.terminate()
    d.start()
    assert commit(names[3], 1) == KafkaError.GROUP_MAX_SIZE_REACHED
    from support import admin
    adm = admin(d.bootstrap)  # kept: a collected client never resolves its futures
    adm.delete_consumer_groups([names[1]], request_timeout=20)[names[1]].result(timeout=30)
    assert commit(names[3], 1) is None


def test_connections_per_source_address_are_capped_on_kafka_and_mqtt(daemon_factory):
    """One address cannot hold more than `kafka.max_connections_per_ip` /
    `mqtt.max_connections_per_ip` connections: the next is accepted and closed at once (a log
    line says why); a slot frees when a connection closes."""
    d = daemon_factory(env={"ROBUSTMQ_KAFKA__MAX_CONNECTIONS_PER_IP": "3",
                            "ROBUSTMQ_MQTT__MAX_CONNECTIONS_PER_IP": "2"})
    api_versions = struct.pack(">hhih", 18, 0, 1, -1)

    def kafka_answers(s: socket.socket) -> bool:
        s.sendall(struct.pack(">i", len(api_versions)) + api_versions)
        size = struct.unpack(">i", _recv(s, 4))[0]
        return len(_recv(s, size)) == size

    host, port = d.bootstrap.split(":")
    held = [socket.create_connection((host, int(port))) for _ in range(3)]
    assert all(kafka_answers(s) for s in held)
    extra = socket.create_connection((host, int(port)))
    assert _closed_within(extra, 5), "a 4th Kafka connection from one address stayed open"
    held.pop().close()
    time.sleep(0.3)
    again = socket.create_connection((host, int(port)))
    assert kafka_answers(again)

    mqtt = [socket.create_connection(("127.0.0.1", d.mqtt_port)) for _ in range(2)]
    third = socket.create_connection(("127.0.0.1", d.mqtt_port))
    assert _closed_within(third, 5), "a 3rd MQTT connection from one address stayed open"
    for s in mqtt:
        s.close()
    time.sleep(0.3)
    roundtrip_ok(MqttBroker.of_daemon(d))
    log = d.log_text()
    assert "kafka connection refused: too many connections from this address" in log
    assert "mqtt connection refused: too many connections from this address" in log
    for s in held + [again]:
        s.close()


def test_pipelined_fetches_a_client_never_reads_stay_under_the_memory_ceiling(daemon_factory):
    """100 Fetches of ~8 MB each sent in one write by a client that never reads: the
    connection stops building responses once 16 MiB wait unwritten (responses it owes count,
    not only requests), so the daemon's RSS stays under the ceiling instead of holding 800 MB."""
    from support import producer
    d = daemon_factory()
    topic = unique("pipefetch")
    create_topic(d.bootstrap, topic)
    p = producer(d.bootstrap, linger_ms=0)
    for i in range(9):  # 9 batches of 900,000 bytes
        p.produce(topic, value=bytes([i]) * 900_000, partition=0)
        assert p.flush(20) == 0
    t = topic.encode()
    big = 0x7FFFFFFF
    client = b"pipeline"
    frames = b""
    for corr in range(100):
        body = (struct.pack(">iiiib", -1, 0, 0, big, 0) + struct.pack(">ih", 1, len(t)) + t
                + struct.pack(">iiqi", 1, 0, 0, big))
        req = struct.pack(">hhih", 1, 4, corr, len(client)) + client + body
        frames += struct.pack(">i", len(req)) + req
    host, port = d.bootstrap.split(":")
    s = socket.create_connection((host, int(port)), timeout=30)
    s.sendall(frames)
    time.sleep(4)  # the daemon builds what it will while we read nothing
    peak = rss_mb(d.proc.pid)
    assert peak < RSS_CEILING_MB, f"RSS peaked at {peak:.0f} MB with pipelined Fetches unread"
    # The connection still serves the requests, in order, once the client reads.
    for corr in range(5):
        size = struct.unpack(">i", _recv(s, 4))[0]
        resp = _recv(s, size)
        assert struct.unpack_from(">i", resp, 0)[0] == corr
    s.close()


# ------------------------------------------------------------------ MQTT slow subscribers

def _mqtt_str(s: str) -> bytes:
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def _mqtt_packet(first: int, body: bytes) -> bytes:
    n, rl = len(body), b""
    while True:
        n, digit = divmod(n, 128)
        rl += bytes([digit | (0x80 if n else 0)])
        if not n:
            return bytes([first]) + rl + body


def _raw_subscriber(d, topic_filter: str, qos: int) -> socket.socket:
    """An MQTT 3.1.1 clean session with no keep alive and a small receive buffer, subscribed
    to `topic_filter`; returns once SUBACK has arrived (3.1.1: no Receive Maximum, so the
    server may keep up to 65,535 QoS 1 messages in flight towards it)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(30)
    s.connect(("127.0.0.1", d.mqtt_port))
    connect = _mqtt_str("MQTT") + bytes([4, 0x02]) + struct.pack(">H", 0) + _mqtt_str(uid("stall"))
    s.sendall(_mqtt_packet(0x10, connect))
    assert _recv(s, 4)[:2] == b"\x20\x02"
    s.sendall(_mqtt_packet(0x82, struct.pack(">H", 1) + _mqtt_str(topic_filter) + bytes([qos])))
    assert _recv(s, 5) == bytes([0x90, 3, 0, 1, qos])
    return s


def _read_publishes(s: socket.socket, want: int, ack: bool) -> list[tuple[int, bytes]]:
    """Reads PUBLISH packets until `want` have come, or (want=None) until the server sends
    nothing for the socket's timeout; returns (the index the payload starts with, the packet
    id) of each. Sends PUBACK for QoS 1 ones when `ack`."""
    got = []
    while want is None or len(got) < want:
        try:
            first = _recv(s, 1)[0]
        except (socket.timeout, TimeoutError):
            if want is None:
                return got
            raise
        n, shift = 0, 0
        while True:
            b = _recv(s, 1)[0]
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        body = _recv(s, n)
        if first >> 4 != 3:
            continue
        tlen = struct.unpack_from(">H", body, 0)[0]
        at, pid = 2 + tlen, b""
        if (first >> 1) & 3:
            pid = body[at:at + 2]
            at += 2
            if ack:
                s.sendall(b"\x40\x02" + pid)
        got.append((struct.unpack_from(">I", body, at)[0], pid))
    return got


@pytest.mark.parametrize("sub_qos", [0, 1], ids=["qos0_never_reads", "qos1_never_acks"])
def test_a_stalled_subscriber_of_large_messages_stays_under_the_memory_ceiling(daemon_factory, sub_qos):
    """300 messages of 1 MiB to a subscriber that stops reading (QoS 0) or reads but does not
    acknowledge (QoS 1, 3.x: no Receive Maximum). Before, its queue took all 300 MiB (up to
    `max_queued_messages` of any size); now it holds about `mqtt.max_queued_bytes` (16 MiB,
    queued plus unacknowledged) and the rest waits in the log. When it reads and acknowledges
    again it gets all 300, in order."""
    import threading
    d = daemon_factory()
    broker = MqttBroker.of_daemon(d)
    topic = uid("stall")
    sub = _raw_subscriber(d, topic, sub_qos)
    pub = MqttClient(broker, V311)
    pub.connect()
    n, size = 300, 1 << 20
    unacked: list[tuple[int, bytes]] = []
    if sub_qos == 1:
        # Read all the server sends, acknowledging nothing, until it stops sending.
        sub.settimeout(3)
        reader = threading.Thread(target=lambda: unacked.extend(_read_publishes(sub, None, False)))
        reader.start()
    for i in range(n):
        pub.publish(topic, struct.pack(">I", i) + bytes(size - 4), qos=1)
    if sub_qos == 1:
        reader.join(60)
        assert not reader.is_alive()
        assert 0 < len(unacked) < 100, f"{len(unacked)} MiB sent unacknowledged"
    else:
        time.sleep(2)  # let the daemon queue what it will
    peak = rss_mb(d.proc.pid)
    assert peak < RSS_CEILING_MB, f"RSS peaked at {peak:.0f} MB with a stalled subscriber"
    sub.settimeout(30)
    for _, pid in unacked:
        sub.sendall(b"\x40\x02" + pid)
    got = [i for i, _ in unacked] + [i for i, _ in _read_publishes(sub, n - len(unacked), True)]
    assert got == list(range(n))
    pub.disconnect()
    sub.close()
    roundtrip(broker)
