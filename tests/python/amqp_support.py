"""Helpers for the AMQP 0-9-1 end-to-end tests (pika 1.3, BlockingConnection).

* `AmqpBroker`: where the broker under test listens (robustmqd, or RabbitMQ as a reference
  peer when ROBUSTMQ_AMQP_PEER=rabbitmq), and `RabbitMQ`, which runs a private one.
* `Connections`: opens pika connections to a broker and closes them all at the end.
* Bounded waits (`pump_until`, `Deliveries`), draining a queue with basic.get, a
  publisher channel with confirms (its publishes have reached the queues when they
  return), `channel_error` for the expected channel close, and `raw_reply` for the
  protocol header exchange on a bare socket.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pika
import pytest
from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection
from pika.exceptions import ChannelClosedByBroker

from support import wait_until

T = 5.0  # seconds for any one step that should be immediate on loopback
QUIET = 0.2  # seconds of silence accepted as "no (more) deliveries are coming"

PEER_ENV = "ROBUSTMQ_AMQP_PEER"
RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
EPMD = Path("/usr/bin/epmd")

AMQP_091_HEADER = b"AMQP\x00\x00\x09\x01"


def peer() -> str | None:
    """The reference broker the generic AMQP tests run against instead of robustmqd."""
    return os.environ.get(PEER_ENV) or None


def uid(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# --------------------------------------------------------------------------
# Brokers
# --------------------------------------------------------------------------

@dataclass
class AmqpBroker:
    kind: str  # "robustmqd" or "rabbitmq"
    host: str
    port: int
    daemon: object | None = None  # conftest.Daemon when kind == "robustmqd"
    peer: "RabbitMQ | None" = None  # the RabbitMQ when kind == "rabbitmq"

    @property
    def is_robustmqd(self) -> bool:
        return self.kind == "robustmqd"

    def restart(self) -> None:
        """Graceful restart on the same port and data."""
        (self.daemon or self.peer).restart()

    def crash_and_start(self) -> None:
        """kill -9, then start again on the same port and data."""
        server = self.daemon or self.peer
        server.kill9()
        server.start()

    @classmethod
    def of_daemon(cls, d) -> "AmqpBroker":
        return cls("robustmqd", "127.0.0.1", d.amqp_port, d)

    def params(self, user: str = "guest", password: str = "guest", vhost: str = "/",
               **kw) -> pika.ConnectionParameters:
        kw.setdefault("socket_timeout", T)
        kw.setdefault("stack_timeout", 2 * T)
        kw.setdefault("blocked_connection_timeout", 2 * T)
        return pika.ConnectionParameters(self.host, self.port, vhost,
                                         pika.PlainCredentials(user, password),
                                         connection_attempts=1, **kw)

    def connect(self, **kw) -> BlockingConnection:
        return pika.BlockingConnection(self.params(**kw))


class RabbitMQ:
    """A private rabbitmq-server (Debian's 3.10) on loopback ports, with its own epmd, data
    and log directories and Erlang cookie; `stop` shuts it down and ends the epmd."""

    def __init__(self, workdir: Path, port: int, epmd_port: int, dist_port: int,
                 name: str = "rabbitmq"):
        self.name = name
        self.port = port
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "rabbit.conf").write_text(
            f"listeners.tcp.1 = 127.0.0.1:{port}\n"
            "loopback_users = none\n")
        self.log_path = workdir / "rabbitmq.out"
        self.node = "rabbit@localhost"
        self.env = {**os.environ,
                    "HOME": str(workdir),  # its .erlang.cookie
                    "RABBITMQ_CONFIG_FILE": str(workdir / "rabbit"),
                    "RABBITMQ_MNESIA_BASE": str(workdir / "mnesia"),
                    "RABBITMQ_LOG_BASE": str(workdir / "log"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(workdir / "enabled_plugins"),
                    "RABBITMQ_NODENAME": self.node,
                    "RABBITMQ_DIST_PORT": str(dist_port),
                    "ERL_EPMD_ADDRESS": "127.0.0.1",
                    "ERL_EPMD_PORT": str(epmd_port)}
        (workdir / "enabled_plugins").write_text("[].\n")
        self.epmd_port = epmd_port
        self.epmd: subprocess.Popen | None = None
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> "RabbitMQ":
        if not (RABBITMQ_BIN / "rabbitmq-server").exists():
            pytest.fail("rabbitmq-server not installed (apt-get install -y rabbitmq-server)",
                        pytrace=False)
        with open(self.log_path, "ab") as log:
            # Our own epmd in the foreground, so that it is ours to stop.
            if self.epmd is None or self.epmd.poll() is not None:
                self.epmd = subprocess.Popen([str(EPMD), "-port", str(self.epmd_port), "-address",
                                              "127.0.0.1"], env=self.env, stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT)
            self.proc = subprocess.Popen([str(RABBITMQ_BIN / "rabbitmq-server")], env=self.env,
                                         cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)

        def listening():
            assert self.proc.poll() is None, f"rabbitmq-server exited:\n{self.log_tail()}"
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        wait_until(listening, timeout, f"rabbitmq listening on port {self.port}", interval=0.1)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """rabbitmqctl stop (the node writes what it must and exits)."""
        if self.proc is not None and self.proc.poll() is None:
            subprocess.run([str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.node, "stop"],
                           env=self.env, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()

    def kill9(self) -> None:
        """SIGKILL the whole server (its process group), reap it, and wait until the port and
        the node name are free again (the Erlang VM is a child of the start script)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

        def gone():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return False
            except ConnectionRefusedError:
                pass
            names = subprocess.run([str(EPMD), "-port", str(self.epmd_port), "-names"],
                                   capture_output=True, text=True, timeout=10).stdout
            return "name rabbit " not in names
        wait_until(gone, 30, "the killed rabbitmq to release its port and node name")

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        if self.epmd is not None and self.epmd.poll() is None:
            self.epmd.kill()
            self.epmd.wait(10)

    def log_tail(self, chars: int = 20_000) -> str:
        texts = []
        for p in [self.log_path, *sorted((self.workdir / "log").glob("*.log"))]:
            with contextlib.suppress(FileNotFoundError):
                texts.append(f"== {p.name} ==\n" + p.read_text("utf-8", "replace"))
        text = "\n".join(texts)
        if len(text) > chars:
            text = "...[truncated]...\n" + text[-chars:]
        return f"--- {self.name} log ({self.workdir}) ---\n{text}"


# --------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------

class Connections:
    """pika connections to one broker; all closed at the end of the test."""

    def __init__(self, broker: AmqpBroker):
        self.broker = broker
        self.conns: list[BlockingConnection] = []

    def connect(self, **kw) -> BlockingConnection:
        c = self.broker.connect(**kw)
        self.conns.append(c)
        return c

    def channel(self, **kw) -> BlockingChannel:
        """A channel on a new connection."""
        return self.connect(**kw).channel()

    def publisher(self, **kw) -> BlockingChannel:
        """A channel in confirm mode: when basic_publish returns, the broker has routed
        the message (it is in its queues, or it was unroutable)."""
        ch = self.channel(**kw)
        ch.confirm_delivery()
        return ch

    def close_all(self) -> None:
        for c in self.conns:
            with contextlib.suppress(Exception):
                if c.is_open:
                    c.close()
        self.conns.clear()


def pump_until(conn: BlockingConnection, predicate, timeout: float = T, what: str = "condition"):
    """Process the connection's I/O until predicate() is truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        conn.process_data_events(time_limit=0.02)


def pump_quiet(conn: BlockingConnection, seconds: float = QUIET) -> None:
    """Process the connection's I/O for `seconds` (to see that nothing more arrives)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn.process_data_events(time_limit=max(0.0, min(0.05, deadline - time.monotonic())))


@dataclass
class Delivery:
    method: pika.spec.Basic.Deliver
    props: pika.BasicProperties
    body: bytes

    @property
    def tag(self) -> int:
        return self.method.delivery_tag

    @property
    def redelivered(self) -> bool:
        return self.method.redelivered


class Deliveries:
    """A basic.consume on `ch` whose deliveries are collected (not acked) in arrival order."""

    def __init__(self, ch: BlockingChannel, queue: str, auto_ack: bool = False, **kw):
        self.ch = ch
        self.got: list[Delivery] = []
        self.tag = ch.basic_consume(queue, self._on, auto_ack=auto_ack, **kw)

    def _on(self, _ch, method, props, body) -> None:
        self.got.append(Delivery(method, props, body))

    @property
    def bodies(self) -> list[bytes]:
        return [d.body for d in self.got]

    def wait(self, n: int, timeout: float = T) -> list[Delivery]:
        """Wait until at least n deliveries arrived; returns all of them."""
        conn = self.ch.connection
        pump_until(conn, lambda: len(self.got) >= n, timeout, f"{n} deliveries (have {len(self.got)})")
        return list(self.got)

    def wait_exactly(self, n: int, timeout: float = T, quiet: float = QUIET) -> list[Delivery]:
        """Wait for n deliveries, then `quiet` seconds more to see that no more arrive."""
        self.wait(n, timeout)
        pump_quiet(self.ch.connection, quiet)
        assert len(self.got) == n, f"expected {n} deliveries, got {len(self.got)}: {self.bodies}"
        return list(self.got)


def get_one(ch: BlockingChannel, queue: str, timeout: float = T, auto_ack: bool = True):
    """basic.get until a message is there: (method, properties, body)."""
    deadline = time.monotonic() + timeout
    while True:
        method, props, body = ch.basic_get(queue, auto_ack=auto_ack)
        if method is not None:
            return method, props, body
        if time.monotonic() >= deadline:
            raise AssertionError(f"no message in {queue!r} within {timeout}s")
        ch.connection.sleep(0.02)


def drain(ch: BlockingChannel, queue: str) -> list[bytes]:
    """Bodies of all messages now in the queue (basic.get with auto-ack until empty)."""
    out = []
    while True:
        method, _props, body = ch.basic_get(queue, auto_ack=True)
        if method is None:
            return out
        out.append(body)


def passive_error(conn, q: str) -> int | None:
    """Passive declare on a fresh channel: None if the queue is there, else the reply code."""
    ch = conn.channel()
    try:
        ch.queue_declare(q, passive=True)
    except ChannelClosedByBroker as e:
        return e.reply_code
    ch.close()
    return None


def message_count(ch: BlockingChannel, queue: str) -> int:
    return ch.queue_declare(queue, passive=True).method.message_count


@contextlib.contextmanager
def channel_error(code: int):
    """Expect the broker to close the channel with `code` (ChannelClosedByBroker)."""
    with pytest.raises(ChannelClosedByBroker) as e:
        yield e
    assert e.value.reply_code == code, f"channel closed with {e.value.reply_code} {e.value.reply_text!r}, expected {code}"


def wait_channel_closed(ch: BlockingChannel, code: int, timeout: float = T) -> ChannelClosedByBroker:
    """Wait until the broker closed `ch` (after an asynchronous method such as basic.publish)
    and check the reply code."""
    pump_until(ch.connection, lambda: ch.is_closed, timeout, "the broker to close the channel")
    reason = ch._closing_reason  # pika keeps the channel.close it got here
    assert isinstance(reason, ChannelClosedByBroker), f"channel closed by {reason!r}"
    assert reason.reply_code == code, f"channel closed with {reason.reply_code} {reason.reply_text!r}, expected {code}"
    return reason


def raw_reply(broker: AmqpBroker, data: bytes, timeout: float = T) -> bytes:
    """Send `data` on a bare socket; return all the server sent until it closed the
    connection (a reset after its reply counts as closed)."""
    with socket.create_connection((broker.host, broker.port), timeout=timeout) as s:
        s.sendall(data)
        got = b""
        deadline = time.monotonic() + timeout
        while True:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                return got
            except socket.timeout:
                raise AssertionError(f"server kept the connection open; sent {got!r}")
            if not chunk:
                return got
            got += chunk
