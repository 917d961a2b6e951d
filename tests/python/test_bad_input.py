"""Hostile or broken input: malformed Kafka frames must cost only the offending
connection, never other clients, stored data or the daemon itself; and a
second daemon must refuse to share a data directory."""

from __future__ import annotations

import socket
import struct
import subprocess
import time

import pytest

from support import assert_messages_match, create_topic, producer, read_partition, sample_records, unique

CLOSE_TIMEOUT_S = 15


def frame(body: bytes) -> bytes:
    return struct.pack(">i", len(body)) + body


BAD_INPUTS = {
    # "GET " read as a length prefix is ~1.1 GB, far above any frame limit.
    "http_request": (b"GET / HTTP/1.1\r\nHost: robustmq\r\n\r\n", False),
    "oversized_length_prefix": (struct.pack(">i", 0x7FFFFFF0) + b"\x00" * 32, False),
    "negative_length_prefix": (struct.pack(">i", -7) + b"\x00" * 16, False),
    "garbage_body": (frame(b"\xde\xad\xbe\xef" * 16), False),
    "unknown_api_key": (frame(struct.pack(">hhih", 0x7ABC, 0, 1, -1)), False),
    # ApiVersions v3 whose client_id claims 1000 bytes but the frame has 3.
    "malformed_header": (frame(struct.pack(">hhih", 18, 3, 7, 1000) + b"abc"), False),
    # Metadata v0 whose topic array claims 2^31-1 entries in a 4-byte body: the decoder
    # reserves capacity from that count (kafka-protocol 0.18), so the daemon must survive a
    # reservation of hundreds of GiB and close only this connection.
    "huge_array_count": (frame(struct.pack(">hhih", 3, 0, 9, -1) + struct.pack(">i", 0x7FFFFFFF)), False),
    # Produce v3 with the same trick one level down, after a valid topic name.
    "huge_nested_array_count": (
        frame(struct.pack(">hhih", 0, 3, 10, -1) + struct.pack(">hhii", -1, 1, 1000, 1)
              + struct.pack(">h", 1) + b"t" + struct.pack(">i", 0x7FFFFFFF)),
        False,
    ),
    # A frame announcing 100 bytes, 10 sent, then the client half-closes.
    "truncated_frame": (struct.pack(">i", 100) + b"\x00\x12\x00\x03" + b"\x00" * 6, True),
}


def assert_server_closes(sock: socket.socket, timeout: float = CLOSE_TIMEOUT_S) -> None:
    """Read until EOF or reset; fail if the server keeps the connection open."""
    deadline = time.monotonic() + timeout
    received = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"server kept the connection open for {timeout}s "
                        f"(received {received} bytes)")
        sock.settimeout(left)
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return
        except socket.timeout:
            continue
        if not data:
            return
        received += len(data)


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_frame_closes_only_that_connection(robustmq, name):
    """The bad connection is closed; a producer connected the whole time keeps
    working, earlier data is intact, and the daemon stays healthy."""
    payload, half_close = BAD_INPUTS[name]
    topic = unique("bad")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(2)
    p = producer(robustmq.bootstrap, linger_ms=0)
    p.produce(topic, value=recs[0].value, key=recs[0].key, headers=recs[0].headers,
              timestamp=recs[0].timestamp, partition=0)
    assert p.flush(20) == 0

    with socket.create_connection(("127.0.0.1", robustmq.kafka_port), timeout=5) as s:
        try:
            s.sendall(payload)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except (ConnectionResetError, BrokenPipeError):
            pass  # closed even before we finished writing: fine
        assert_server_closes(s)

    assert robustmq.alive(), "daemon died on bad input"
    assert robustmq.http_get("/healthz")[0] == 200
    errors = []
    p.produce(topic, value=recs[1].value, key=recs[1].key, headers=recs[1].headers,
              timestamp=recs[1].timestamp, partition=0,
              on_delivery=lambda err, msg: err and errors.append(err))
    assert p.flush(20) == 0 and not errors, f"producer broken after bad input: {errors}"
    assert_messages_match(read_partition(robustmq.bootstrap, topic), recs)


def test_many_bad_connections_do_not_hurt_the_daemon(robustmq):
    """Fifty bad connections in a row, each closed by the server; then a normal
    round trip still works."""
    for i in range(50):
        payload, half_close = list(BAD_INPUTS.values())[i % len(BAD_INPUTS)]
        with socket.create_connection(("127.0.0.1", robustmq.kafka_port), timeout=5) as s:
            try:
                s.sendall(payload)
                if half_close:
                    s.shutdown(socket.SHUT_WR)
            except (ConnectionResetError, BrokenPipeError):
                pass
            assert_server_closes(s)
    assert robustmq.alive()
    topic = unique("after-bad")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(3)
    p = producer(robustmq.bootstrap)
    for r in recs:
        p.produce(topic, value=r.value, key=r.key, headers=r.headers or None,
                  timestamp=r.timestamp, partition=0)
    assert p.flush(20) == 0
    assert_messages_match(read_partition(robustmq.bootstrap, topic), recs)


def test_second_daemon_on_same_data_dir_refuses_to_start(daemon_factory):
    """A second robustmqd on an in-use data dir exits non-zero with an error that
    names the lock or the data dir, and the first daemon is unaffected."""
    first = daemon_factory("first")
    topic = unique("lock")
    create_topic(first.bootstrap, topic)
    recs = sample_records(2)
    p = producer(first.bootstrap)
    for r in recs:
        p.produce(topic, value=r.value, key=r.key, headers=r.headers or None,
                  timestamp=r.timestamp, partition=0)
    assert p.flush(20) == 0

    second = daemon_factory("second", start=False, data_dir=first.data_dir)
    proc = second.spawn()
    try:
        rc = proc.wait(30)
    except subprocess.TimeoutExpired:
        pytest.fail("second daemon on the same data dir was still running after 30s")
    assert rc != 0, "second daemon on the same data dir exited 0"
    log = second.last_run_output()
    assert "lock" in log.lower() or str(first.data_dir) in log, \
        f"error does not mention the lock or the data dir:\n{log}"

    assert first.alive()
    assert first.http_get("/readyz")[0] == 200
    assert_messages_match(read_partition(first.bootstrap, topic), recs)


def read_response(sock: socket.socket, timeout: float = 10.0) -> bytes:
    """One size-prefixed Kafka response, without its size."""
    sock.settimeout(timeout)
    buf = b""
    while len(buf) < 4:
        chunk = sock.recv(4 - len(buf))
        assert chunk, "connection closed before a response"
        buf += chunk
    (size,) = struct.unpack(">i", buf)
    body = b""
    while len(body) < size:
        chunk = sock.recv(size - len(body))
        assert chunk, "connection closed mid-response"
        body += chunk
    return body


def request(api_key: int, version: int, correlation_id: int, body: bytes) -> bytes:
    """A request with a v1 header (client id "t")."""
    return frame(struct.pack(">hhih", api_key, version, correlation_id, 1) + b"t" + body)


def test_unsupported_api_gets_unsupported_version_and_connection_stays(robustmq):
    """DescribeClientQuotas is not implemented: it is answered with UNSUPPORTED_VERSION (35)
    and the same connection keeps serving; an unimplemented API without a top-level error
    code (WriteTxnMarkers, the brokers' own API) closes only its connection."""
    with socket.create_connection(("127.0.0.1", robustmq.kafka_port), timeout=5) as s:
        # DescribeClientQuotas v0: no components, not strict.
        s.sendall(request(48, 0, 77, struct.pack(">i", 0) + b"\x00"))
        resp = read_response(s)
        correlation_id, _throttle, error_code = struct.unpack(">iih", resp[:10])
        assert (correlation_id, error_code) == (77, 35)
        s.sendall(request(18, 0, 78, b""))  # ApiVersions v0 on the same connection
        correlation_id, error_code = struct.unpack(">ih", read_response(s)[:6])
        assert (correlation_id, error_code) == (78, 0)
    with socket.create_connection(("127.0.0.1", robustmq.kafka_port), timeout=5) as s:
        # WriteTxnMarkers v0: no markers.
        s.sendall(request(27, 0, 79, struct.pack(">i", 0)))
        assert_server_closes(s)
    assert robustmq.alive()
