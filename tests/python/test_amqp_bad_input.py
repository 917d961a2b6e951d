"""Bad AMQP 0-9-1 input on raw sockets, the protocol spoken by hand: frames larger than the
negotiated frame-max, a wrong frame-end octet, an unknown frame type, undecodable method
arguments, field tables nested too deeply (in queue.declare arguments and in a content
header's headers), content without basic.publish, a body longer than its header announced,
methods on a channel never opened, a heartbeat on a channel other than 0, a method where the
content header belongs, a second channel.open, a client that stops after the protocol
header, and one that never answers the server's connection.close with close-ok.

Each connection error must be a connection.close (class 10, method 50) with the spec's reply
code (501 FRAME_ERROR, 502 SYNTAX_ERROR, 504 CHANNEL_ERROR, 505 UNEXPECTED_FRAME) and then the
end of the connection (we answer close-ok, as a client should). A message over the size limit
and an ack of an unknown delivery tag are channel errors (channel.close 406): the connection
stays usable. Every test ends by proving the server unharmed: robustmqd still runs, a new pika
connection works, and a persistent message confirmed into a durable queue before the bad
input is still there. Also: a 50 KB body split over 4096-byte frames (a frame-max the client
asked for) arrives intact, and nesting up to the server's bound (32 tables) is accepted.

Generic where RabbitMQ agrees (ROBUSTMQ_AMQP_PEER=rabbitmq); robustmqd_only where RabbitMQ
3.10 differs: it has no nesting bound, it tolerates frames up to 8 bytes over frame-max, it
ignores a body longer than its header announced, and its message size limit is its own
setting. From RabbitMQ a 501 is accepted for undecodable arguments and a 505 for a heartbeat
on a channel other than 0, where robustmqd must answer as the spec says (502, 501).
"""

from __future__ import annotations

import os
import socket
import struct
import time
import warnings
from dataclasses import dataclass

import pika
import pytest

from amqp_support import (AMQP_091_HEADER, T, AmqpBroker, get_one, message_count, uid,
                          wait_channel_closed)

pytestmark = pytest.mark.timeout(60)

with warnings.catch_warnings():
    # Not registered in conftest; `-m "not slow"` deselects it all the same.
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    SLOW = pytest.mark.slow

ROBUSTMQD_ONLY = pytest.mark.robustmqd_only

FRAME_METHOD, FRAME_HEADER, FRAME_BODY, FRAME_HEARTBEAT = 1, 2, 3, 8
FRAME_END = 0xCE

PRECONDITION_FAILED = 406
FRAME_ERROR, SYNTAX_ERROR, CHANNEL_ERROR, UNEXPECTED_FRAME = 501, 502, 504, 505

CONNECTION_CLOSE, CONNECTION_CLOSE_OK = (10, 50), (10, 51)
CHANNEL_OPEN, CHANNEL_OPEN_OK, CHANNEL_CLOSE, CHANNEL_CLOSE_OK = (20, 10), (20, 11), (20, 40), (20, 41)
QUEUE_DECLARE, QUEUE_DECLARE_OK = (50, 10), (50, 11)
BASIC_QOS, BASIC_PUBLISH, BASIC_GET, BASIC_GET_OK, BASIC_GET_EMPTY = (60, 10), (60, 40), (60, 70), (60, 71), (60, 72)
CONFIRM_SELECT, CONFIRM_SELECT_OK, BASIC_ACK = (85, 10), (85, 11), (60, 80)

HEADERS_FLAG = 0x2000


# --------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------

def shortstr(s: str | bytes) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return bytes([len(b)]) + b


def longstr(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


EMPTY_TABLE = longstr(b"")


def frame(ftype: int, channel: int, payload: bytes, end: int = FRAME_END) -> bytes:
    return struct.pack(">BHI", ftype, channel, len(payload)) + payload + bytes([end])


def method(channel: int, cm: tuple[int, int], args: bytes = b"") -> bytes:
    return frame(FRAME_METHOD, channel, struct.pack(">HH", *cm) + args)


def content_header(channel: int, body_size: int, flags: int = 0, props: bytes = b"") -> bytes:
    return frame(FRAME_HEADER, channel, struct.pack(">HHQH", 60, 0, body_size, flags) + props)


def bodies(channel: int, body: bytes, frame_max: int) -> bytes:
    """Body frames for `body`, each at most frame_max bytes in all."""
    step = frame_max - 8
    return b"".join(frame(FRAME_BODY, channel, body[i:i + step]) for i in range(0, len(body), step))


def nested_table(depth: int) -> bytes:
    """`depth` field tables (counting the outermost), each the only value of its parent."""
    inner = b""
    for _ in range(depth - 1):
        inner = shortstr("k") + b"F" + longstr(inner)
    return longstr(inner)


def queue_declare(queue: str, durable: bool = False, arguments: bytes = EMPTY_TABLE) -> bytes:
    return struct.pack(">H", 0) + shortstr(queue) + bytes([2 if durable else 0]) + arguments


def basic_publish(routing_key: str, exchange: str = "") -> bytes:
    return struct.pack(">H", 0) + shortstr(exchange) + shortstr(routing_key) + b"\x00"


def basic_get(queue: str) -> bytes:
    return struct.pack(">H", 0) + shortstr(queue) + b"\x01"  # no-ack


# --------------------------------------------------------------------------
# A client on a bare socket
# --------------------------------------------------------------------------

class ServerClosed(AssertionError):
    pass


@dataclass
class Frame:
    type: int
    channel: int
    payload: bytes

    @property
    def method(self) -> tuple[int, int] | None:
        if self.type != FRAME_METHOD:
            return None
        return struct.unpack(">HH", self.payload[:4])

    @property
    def args(self) -> bytes:
        return self.payload[4:]

    def __repr__(self) -> str:
        what = f"method {self.method}" if self.type == FRAME_METHOD else f"type {self.type}"
        return f"<frame {what} channel {self.channel} payload {self.payload[:64]!r}>"


def parse_close(args: bytes) -> tuple[int, str, int, int]:
    """connection.close or channel.close: reply code and text, failing class and method."""
    code, n = struct.unpack(">HB", args[:3])
    text = args[3:3 + n].decode("utf-8", "replace")
    cls, mid = struct.unpack(">HH", args[3 + n:7 + n])
    return code, text, cls, mid


class Raw:
    """One AMQP connection on a socket, driven frame by frame."""

    def __init__(self, broker: AmqpBroker):
        self.sock = socket.create_connection((broker.host, broker.port), timeout=T)
        self.buf = b""
        self.frame_max = 0
        self.channel_max = 0

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self, n: int, deadline: float) -> None:
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for a frame from the server (have {self.buf!r})")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                raise ServerClosed(f"the server closed the connection (unparsed: {self.buf!r})")
            self.buf += chunk

    def read_frame(self, timeout: float = T) -> Frame:
        deadline = time.monotonic() + timeout
        self._fill(7, deadline)
        ftype, channel, size = struct.unpack(">BHI", self.buf[:7])
        self._fill(7 + size + 1, deadline)
        payload, end = self.buf[7:7 + size], self.buf[7 + size]
        assert end == FRAME_END, f"server sent frame-end {end:#x}"
        if self.frame_max:
            assert 8 + size <= self.frame_max, f"server sent a frame of {8 + size} bytes, frame-max {self.frame_max}"
        self.buf = self.buf[8 + size:]
        return Frame(ftype, channel, payload)

    def read(self, timeout: float = T) -> Frame:
        """The next frame that is not a heartbeat on channel 0."""
        while True:
            f = self.read_frame(timeout)
            if not (f.type == FRAME_HEARTBEAT and f.channel == 0):
                return f

    def expect(self, channel: int, cm: tuple[int, int], timeout: float = T) -> bytes:
        """The next frame must be method `cm` on `channel`; returns its arguments."""
        f = self.read(timeout)
        if f.method == CONNECTION_CLOSE and cm != CONNECTION_CLOSE:
            raise AssertionError(f"expected {cm} on channel {channel}, the server closed the "
                                 f"connection: {parse_close(f.args)}")
        assert (f.channel, f.method) == (channel, cm), f"expected {cm} on channel {channel}, got {f}"
        return f.args

    # --- the conversation ---------------------------------------------------
    def handshake(self, frame_max: int = 0) -> "Raw":
        """Protocol header to open-ok, PLAIN guest/guest, vhost "/", heartbeats off;
        frame_max 0 takes the server's."""
        self.send(AMQP_091_HEADER)
        self.expect(0, (10, 10))  # connection.start
        self.send(method(0, (10, 11), EMPTY_TABLE + shortstr("PLAIN")
                         + longstr(b"\x00guest\x00guest") + shortstr("en_US")))
        channel_max, server_frame_max, _hb = struct.unpack(">HIH", self.expect(0, (10, 30))[:8])
        self.frame_max = min(frame_max, server_frame_max) if frame_max else server_frame_max
        self.channel_max = channel_max
        self.send(method(0, (10, 31), struct.pack(">HIH", channel_max, self.frame_max, 0)))
        self.send(method(0, (10, 40), shortstr("/") + shortstr("") + b"\x00"))
        self.expect(0, (10, 41))
        return self

    def open_channel(self, ch: int) -> None:
        self.send(method(ch, CHANNEL_OPEN, shortstr("")))
        self.expect(ch, CHANNEL_OPEN_OK)

    def declare(self, ch: int, queue: str, durable: bool = False,
                arguments: bytes = EMPTY_TABLE) -> None:
        self.send(method(ch, QUEUE_DECLARE, queue_declare(queue, durable, arguments)))
        self.expect(ch, QUEUE_DECLARE_OK)

    def publish(self, ch: int, queue: str, body: bytes, flags: int = 0, props: bytes = b"") -> None:
        self.send(method(ch, BASIC_PUBLISH, basic_publish(queue))
                  + content_header(ch, len(body), flags, props)
                  + bodies(ch, body, self.frame_max))

    def get(self, ch: int, queue: str, timeout: float = T) -> tuple[bytes, bytes]:
        """basic.get (no-ack) until a message is there: its property bytes and body."""
        deadline = time.monotonic() + timeout
        while True:
            self.send(method(ch, BASIC_GET, basic_get(queue)))
            f = self.read()
            if f.method == BASIC_GET_OK and f.channel == ch:
                break
            assert (f.channel, f.method) == (ch, BASIC_GET_EMPTY), f"expected get-ok/empty, got {f}"
            assert time.monotonic() < deadline, f"no message in {queue!r} within {timeout}s"
            time.sleep(0.02)
        h = self.read()
        assert (h.type, h.channel) == (FRAME_HEADER, ch), f"expected a content header, got {h}"
        _cls, _weight, size = struct.unpack(">HHQ", h.payload[:12])
        body = b""
        while len(body) < size:
            b = self.read()
            assert (b.type, b.channel) == (FRAME_BODY, ch), f"expected a body frame, got {b}"
            body += b.payload
        assert len(body) == size, f"header announced {size} bytes, got {len(body)}"
        return h.payload[12:], body

    def expect_connection_close(self, code: int | set[int], timeout: float = T) -> tuple[int, str, int, int]:
        """The server's next frame is connection.close with `code` (or one of them); we answer
        close-ok as a client should, and the server must then end the connection."""
        codes = {code} if isinstance(code, int) else code
        try:
            f = self.read(timeout)
        except ServerClosed as e:
            raise AssertionError(f"expected connection.close {sorted(codes)}; {e}") from None
        assert (f.channel, f.method) == (0, CONNECTION_CLOSE), \
            f"expected connection.close {sorted(codes)}, got {f}"
        close = parse_close(f.args)
        assert close[0] in codes, f"connection.close {close}, expected reply code {sorted(codes)}"
        try:
            self.send(method(0, CONNECTION_CLOSE_OK))
        except OSError:
            pass  # it may have gone already
        rest = self.expect_closed(timeout)
        assert rest == b"", f"server sent {rest!r} after connection.close"
        return close

    def expect_channel_close(self, ch: int, code: int, timeout: float = T) -> tuple[int, str, int, int]:
        """The server closes channel `ch` with `code`; we answer close-ok."""
        args = self.expect(ch, CHANNEL_CLOSE, timeout)
        close = parse_close(args)
        assert close[0] == code, f"channel.close {close}, expected reply code {code}"
        self.send(method(ch, CHANNEL_CLOSE_OK))
        return close

    def expect_closed(self, timeout: float = T) -> bytes:
        """Wait for the server to end the connection (EOF or reset); returns what it sent
        first (bytes not yet read as frames included)."""
        got, self.buf = self.buf, b""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"server kept the connection open for {timeout}s; sent {got!r}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return got
            if not chunk:
                return got
            got += chunk

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw(amqp_broker):
    conns: list[Raw] = []

    def make(frame_max: int = 0, channel: int | None = 1) -> Raw:
        r = Raw(amqp_broker)
        conns.append(r)
        r.handshake(frame_max)
        if channel is not None:
            r.open_channel(channel)
        return r

    yield make
    for r in conns:
        r.close()


# --------------------------------------------------------------------------
# The server unharmed
# --------------------------------------------------------------------------

class Survivor:
    """A persistent message confirmed into a durable queue before the bad input. `check`:
    the server still runs, a new connection works, and the message is still in its queue."""

    def __init__(self, broker: AmqpBroker):
        self.broker = broker
        self.queue = uid("survivor")
        self.body = b"confirmed before the bad input: " + self.queue.encode()
        conn = broker.connect()
        try:
            ch = conn.channel()
            ch.confirm_delivery()
            ch.queue_declare(self.queue, durable=True)
            ch.basic_publish("", self.queue, self.body, pika.BasicProperties(delivery_mode=2))
        finally:
            conn.close()

    def check(self) -> None:
        if self.broker.daemon is not None:
            assert self.broker.daemon.alive(), "robustmqd died"
        conn = self.broker.connect()
        try:
            ch = conn.channel()
            assert message_count(ch, self.queue) == 1, "the durable queue lost its message"
            _m, props, body = get_one(ch, self.queue)
            assert (body, props.delivery_mode) == (self.body, 2)
            q = ch.queue_declare("", exclusive=True).method.queue
            ch.basic_publish("", q, b"after")
            assert get_one(ch, q)[2] == b"after"
            ch.queue_delete(self.queue)
        finally:
            conn.close()


@pytest.fixture
def survivor(amqp_broker) -> Survivor:
    return Survivor(amqp_broker)


def syntax_error(broker: AmqpBroker) -> int | set[int]:
    """502 SYNTAX_ERROR for arguments that cannot be decoded (RabbitMQ 3.10 says 501)."""
    return SYNTAX_ERROR if broker.is_robustmqd else {FRAME_ERROR, SYNTAX_ERROR}


# --------------------------------------------------------------------------
# Framing: connection.close 501 FRAME_ERROR
# --------------------------------------------------------------------------

@pytest.mark.parametrize("asked,excess", [
    # RabbitMQ tolerates 8 bytes over frame-max; robustmqd does not.
    pytest.param(4096, 1, marks=ROBUSTMQD_ONLY, id="negotiated-4096-plus-1"),
    pytest.param(4096, 65536, id="negotiated-4096-plus-64k"),
    pytest.param(0, 65536, id="server-frame-max-plus-64k"),
])
def test_frame_larger_than_frame_max(raw, survivor, asked, excess):
    r = raw(asked)
    size = r.frame_max + excess - 8  # the whole frame is frame_max + excess bytes
    # The envelope says how large the frame is; the server must refuse it from that, without
    # waiting for (or buffering) the payload, which is never sent.
    r.send(struct.pack(">BHI", FRAME_BODY, 1, size) + b"\x00" * 64)
    r.expect_connection_close(FRAME_ERROR)
    survivor.check()


def test_frame_end_octet_not_0xce(raw, survivor):
    r = raw()
    r.send(frame(FRAME_METHOD, 1, struct.pack(">HH", *BASIC_QOS) + struct.pack(">IHB", 0, 1, 0), end=0x00))
    r.expect_connection_close(FRAME_ERROR)
    survivor.check()


def test_unknown_frame_type(raw, survivor):
    r = raw()
    r.send(frame(9, 1, b""))
    r.expect_connection_close(FRAME_ERROR)
    survivor.check()


def test_heartbeat_on_a_channel_other_than_0(raw, survivor, amqp_broker):
    """Spec 4.2.7: 501 (RabbitMQ 3.10 says 505 UNEXPECTED_FRAME)."""
    r = raw()
    r.send(frame(FRAME_HEARTBEAT, 1, b""))
    r.expect_connection_close(FRAME_ERROR if amqp_broker.is_robustmqd else {FRAME_ERROR, UNEXPECTED_FRAME})
    survivor.check()


@ROBUSTMQD_ONLY  # RabbitMQ 3.10 does not notice: it sends nothing and keeps the connection
def test_body_longer_than_its_header_announced(raw, survivor):
    r = raw()
    q = uid("q")
    r.declare(1, q)
    r.send(method(1, BASIC_PUBLISH, basic_publish(q)) + content_header(1, 3)
           + frame(FRAME_BODY, 1, b"12345"))
    r.expect_connection_close(FRAME_ERROR)
    survivor.check()


# --------------------------------------------------------------------------
# Arguments: connection.close 502 SYNTAX_ERROR
# --------------------------------------------------------------------------

def test_truncated_queue_declare(raw, survivor, amqp_broker):
    r = raw()
    # reserved short, then a queue name of 5 bytes of which 2 are there, and nothing else.
    r.send(method(1, QUEUE_DECLARE, b"\x00\x00\x05ab"))
    r.expect_connection_close(syntax_error(amqp_broker))
    survivor.check()


@ROBUSTMQD_ONLY  # RabbitMQ has no bound: it declares the queue
@pytest.mark.parametrize("depth", [33, 100])
def test_queue_declare_arguments_nested_too_deep(raw, survivor, depth):
    r = raw()
    r.send(method(1, QUEUE_DECLARE, queue_declare(uid("deep"), arguments=nested_table(depth))))
    r.expect_connection_close(SYNTAX_ERROR)
    survivor.check()


@ROBUSTMQD_ONLY  # RabbitMQ has no bound: it takes the message
def test_content_header_headers_nested_too_deep(raw, survivor):
    r = raw()
    q = uid("deep")
    r.declare(1, q)
    r.send(method(1, BASIC_PUBLISH, basic_publish(q))
           + content_header(1, 1, HEADERS_FLAG, nested_table(100)) + frame(FRAME_BODY, 1, b"x"))
    r.expect_connection_close(SYNTAX_ERROR)
    survivor.check()


@pytest.mark.parametrize("depth", [30, 32])
def test_nesting_up_to_32_levels_is_accepted(raw, survivor, depth):
    """Queue arguments and message headers nested `depth` tables deep (a key without "x-",
    which servers accept and ignore), and the headers come back byte for byte."""
    r = raw()
    q = uid("nested")
    r.declare(1, q, arguments=nested_table(depth))
    props = nested_table(depth)
    r.publish(1, q, b"deep headers", HEADERS_FLAG, props)
    got_props, body = r.get(1, q)
    assert body == b"deep headers"
    assert struct.unpack(">H", got_props[:2])[0] == HEADERS_FLAG
    assert got_props[2:] == props
    survivor.check()


# --------------------------------------------------------------------------
# Channels and content: 504 CHANNEL_ERROR, 505 UNEXPECTED_FRAME
# --------------------------------------------------------------------------

def test_method_on_a_channel_never_opened(raw, survivor):
    r = raw()
    r.send(method(5, QUEUE_DECLARE, queue_declare(uid("q"))))
    r.expect_connection_close(CHANNEL_ERROR)
    survivor.check()


def test_second_channel_open_on_an_open_channel(raw, survivor):
    r = raw()
    r.send(method(1, CHANNEL_OPEN, shortstr("")))
    r.expect_connection_close(CHANNEL_ERROR)
    survivor.check()


def test_content_body_without_basic_publish(raw, survivor):
    r = raw()
    r.send(frame(FRAME_BODY, 1, b"stray body"))
    r.expect_connection_close(UNEXPECTED_FRAME)
    survivor.check()


def test_method_where_the_content_header_belongs(raw, survivor):
    r = raw()
    q = uid("q")
    r.declare(1, q)
    r.send(method(1, BASIC_PUBLISH, basic_publish(q)) + method(1, BASIC_QOS, struct.pack(">IHB", 0, 1, 0)))
    r.expect_connection_close(UNEXPECTED_FRAME)
    survivor.check()


# --------------------------------------------------------------------------
# Channel errors: channel.close 406, the connection stays
# --------------------------------------------------------------------------

@ROBUSTMQD_ONLY  # amqp.max_message_bytes is our setting
def test_message_over_max_message_bytes_closes_only_its_channel(daemon_factory):
    broker = AmqpBroker.of_daemon(daemon_factory(env={"ROBUSTMQ_AMQP__MAX_MESSAGE_BYTES": "1000"}))
    survivor = Survivor(broker)
    r = Raw(broker).handshake(4096)
    try:
        r.open_channel(1)
        r.open_channel(2)
        q = uid("q")
        r.declare(2, q)
        # Two body frames follow the header the server refuses; it must drop them (the
        # channel is closing) and not mistake them for anything.
        r.publish(1, q, b"B" * 5000)
        code, text, cls, mid = r.expect_channel_close(1, PRECONDITION_FAILED)
        assert (cls, mid) == BASIC_PUBLISH, f"channel.close names {cls}.{mid}: {text}"
        # The other channel, and channel 1 opened again, still work; 1000 bytes is allowed.
        r.publish(2, q, b"on channel 2")
        assert r.get(2, q)[1] == b"on channel 2"
        r.open_channel(1)
        r.publish(1, q, b"A" * 1000)
        assert r.get(1, q)[1] == b"A" * 1000
    finally:
        r.close()
    survivor.check()


def test_ack_of_an_unknown_delivery_tag_closes_only_the_channel(amqp, survivor):
    conn = amqp.connect()
    ch = conn.channel()
    ch.basic_ack(12345)
    wait_channel_closed(ch, PRECONDITION_FAILED)
    assert conn.is_open
    ch2 = conn.channel()
    q = ch2.queue_declare("", exclusive=True).method.queue
    ch2.basic_publish("", q, b"same connection")
    assert get_one(ch2, q)[2] == b"same connection"
    survivor.check()


# --------------------------------------------------------------------------
# Large content at a small frame-max
# --------------------------------------------------------------------------

def test_50kb_body_over_4096_byte_frames_arrives_intact(raw, survivor):
    """Published in 13 body frames of at most 4096 bytes (the frame-max we asked for);
    basic.get returns it split within the same frame-max (Raw.read_frame checks)."""
    r = raw(4096)
    assert r.frame_max == 4096
    q = uid("big")
    r.declare(1, q)
    body = os.urandom(50 * 1024)
    r.send(method(1, CONFIRM_SELECT, b"\x00"))
    r.expect(1, CONFIRM_SELECT_OK)
    r.publish(1, q, body)
    tag = struct.unpack(">Q", r.expect(1, BASIC_ACK)[:8])[0]
    assert tag == 1
    _props, got = r.get(1, q)
    assert len(got) == len(body) and got == body
    survivor.check()


# --------------------------------------------------------------------------
# Handshake
# --------------------------------------------------------------------------

@SLOW
def test_client_silent_after_protocol_header_is_dropped(amqp_broker, survivor):
    """The handshake must complete within ~10 s (robustmqd's bound, RabbitMQ's
    handshake_timeout default); a client that never answers connection.start is dropped."""
    r = Raw(amqp_broker)
    try:
        r.send(AMQP_091_HEADER)
        r.expect(0, (10, 10))  # connection.start
        t0 = time.monotonic()
        r.expect_closed(15)
        assert time.monotonic() - t0 >= 1, "dropped at once instead of after a timeout"
    finally:
        r.close()
    survivor.check()


@ROBUSTMQD_ONLY  # RabbitMQ waits 30 s for close-ok; robustmqd means to wait 3 s
def test_client_that_never_sends_close_ok_is_dropped(raw, survivor):
    """After its connection.close the server waits for close-ok only so long; a client that
    ignores the close (here without heartbeats) must not keep the connection forever."""
    r = raw()
    r.send(method(5, QUEUE_DECLARE, queue_declare(uid("q"))))
    f = r.read()
    assert f.method == CONNECTION_CLOSE and parse_close(f.args)[0] == CHANNEL_ERROR, f
    rest = r.expect_closed(10)
    assert rest == b"", f"server sent {rest!r} after connection.close"
    survivor.check()
