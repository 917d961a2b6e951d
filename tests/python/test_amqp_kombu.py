"""AMQP 0-9-1 with kombu (Celery's messaging library, on py-amqp) as the client: a SimpleQueue
put/get round trip with JSON serialization (and SimpleBuffer, its auto-delete no-ack variant);
a Producer publishing to a direct Exchange with routing keys (on a connection with py-amqp's
publisher confirms) and a Consumer of a Queue bound to it, receiving through
connection.drain_events(timeout=...) and acking; the declarations Celery's remote control
(kombu.pidbox) makes: a transient fanout exchange with non-durable auto-delete queues carrying
x-message-ttl and x-expires, and the Mailbox broadcast with replies on top of them (with an
inequivalent re-declaration refused with 406, as RabbitMQ does); maybe_declare's cache and
declaring the same entities again on the wire.

Generic: these run against robustmqd, or against RabbitMQ with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Consumer, Exchange, Producer, Queue
from kombu.common import maybe_declare
from kombu.pidbox import Mailbox

from amqp_support import T, uid

pytestmark = [pytest.mark.timeout(60)]


@pytest.fixture
def kombu_conn(amqp_broker):
    """Makes kombu connections to `amqp_broker` (connected); releases them at the end."""
    made = []

    def connect(**kw) -> Connection:
        kw.setdefault("connect_timeout", T)
        c = Connection(f"amqp://guest:guest@{amqp_broker.host}:{amqp_broker.port}//", **kw)
        made.append(c)
        c.connect()
        return c

    yield connect
    for c in made:
        with contextlib.suppress(Exception):
            c.release()


def drain_until(conn: Connection, predicate, timeout: float = T, what: str = "condition"):
    """conn.drain_events until predicate() is truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        with contextlib.suppress(socket.timeout):
            conn.drain_events(timeout=min(left, 0.2))


def test_simple_queue_json_round_trip(kombu_conn):
    conn = kombu_conn(transport_options={"confirm_publish": True})  # qsize right after put
    name = uid("kombu-simple")
    payloads = [{"id": 1, "tags": ["a", "b"], "nested": {"x": 1.5, "ok": True}, "none": None},
                {"id": 2, "text": "h\u00e9llo \u2603"}, [1, 2, 3], "just a string"]
    with conn.SimpleQueue(name, serializer="json") as sq:
        for p in payloads:
            sq.put(p, headers={"source": "kombu-test"})
        assert sq.qsize() == len(payloads)
        got = []
        for _ in payloads:
            msg = sq.get(block=True, timeout=T)
            assert msg.content_type == "application/json"
            assert msg.content_encoding == "utf-8"
            assert msg.headers == {"source": "kombu-test"}
            assert msg.delivery_info["routing_key"] == name
            assert msg.properties["delivery_mode"] == 2  # kombu's default: persistent
            got.append(msg.payload)
            msg.ack()
        assert got == payloads
        with pytest.raises(sq.Empty):
            sq.get(block=True, timeout=0.3)
        assert sq.qsize() == 0

    # An unacked message is delivered again (redelivered) when its channel closes.
    ch = conn.channel()
    with conn.SimpleQueue(name, serializer="json", channel=ch) as sq:
        sq.put({"id": 3})
        first = sq.get(block=True, timeout=T)
        assert (first.payload, first.delivery_info["redelivered"]) == ({"id": 3}, False)
    ch.close()
    with conn.SimpleQueue(name, serializer="json", channel=conn.channel()) as sq:
        again = sq.get(block=True, timeout=T)
        assert (again.payload, again.delivery_info["redelivered"]) == ({"id": 3}, True)
        again.ack()
        queue = sq.queue
    queue.delete()

    # SimpleBuffer: auto-delete, non-durable, no-ack.
    with conn.SimpleBuffer(uid("kombu-buffer"), serializer="json") as buf:
        buf.put({"transient": True})
        msg = buf.get(block=True, timeout=T)
        assert msg.payload == {"transient": True}
        assert buf.qsize() == 0  # no-ack: gone from the queue once delivered


def test_producer_to_direct_exchange_and_consumer_with_drain_events(kombu_conn):
    # py-amqp's confirm_publish: every basic.publish waits for the broker's basic.ack.
    conn = kombu_conn(transport_options={"confirm_publish": True})
    exchange = Exchange(uid("kombu-direct"), "direct", durable=True)
    resize = Queue(uid("kombu-resize"), exchange, routing_key="images.resize")
    crop = Queue(uid("kombu-crop"), exchange, routing_key="images.crop")
    got = []

    def on_message(body, message):
        got.append((body, message))
        message.ack()

    with Consumer(conn, queues=[resize], callbacks=[on_message], accept=["json"]):
        producer = Producer(conn, exchange=exchange, serializer="json")
        for i in range(3):
            producer.publish({"image": i, "size": [64, 64]}, routing_key="images.resize",
                             declare=[resize, crop], headers={"attempt": i, "trace": "t-1"},
                             correlation_id=f"c-{i}", reply_to="results", priority=3,
                             content_encoding="utf-8")
        producer.publish({"image": 99}, routing_key="images.crop")
        producer.publish({"image": -1}, routing_key="images.nobody")  # unroutable: dropped
        drain_until(conn, lambda: len(got) >= 3, what="3 deliveries")
        with contextlib.suppress(socket.timeout):
            conn.drain_events(timeout=0.3)  # nothing more comes
    assert [body for body, _ in got] == [{"image": i, "size": [64, 64]} for i in range(3)]
    for i, (_, m) in enumerate(got):
        assert m.delivery_info["exchange"] == exchange.name
        assert m.delivery_info["routing_key"] == "images.resize"
        assert m.headers == {"attempt": i, "trace": "t-1"}
        assert m.properties["correlation_id"] == f"c-{i}"
        assert m.properties["reply_to"] == "results"
        assert m.properties["priority"] == 3
        assert m.properties["delivery_mode"] == 2
        assert m.acknowledged

    ch = conn.channel()
    assert resize(ch).queue_declare(passive=True).message_count == 0  # all acked
    msg = crop(ch).get(no_ack=True)
    assert msg.payload == {"image": 99}
    assert crop(ch).get(no_ack=True) is None
    for q in (resize, crop):
        q(ch).delete()
    exchange(ch).delete()


def pidbox_entities(namespace: str, hostname: str):
    """The exchange and queue Celery's remote control declares for one worker (kombu.pidbox
    with Celery's defaults: control_queue_ttl 300 s, control_queue_expires 10 s)."""
    exchange = Exchange(f"{namespace}.pidbox", "fanout", durable=False, delivery_mode="transient")
    queue = Queue(f"{hostname}.{namespace}.pidbox", exchange, durable=False, auto_delete=True,
                  message_ttl=300.0, expires=10.0)
    return exchange, queue


def test_pidbox_style_fanout_exchange_and_expiring_queues(kombu_conn):
    conn = kombu_conn()
    ns = uid("kombu-ns")
    exchange, q1 = pidbox_entities(ns, "worker1@host")
    _, q2 = pidbox_entities(ns, "worker2@host")
    ch = conn.channel()
    for q in (q1, q2):
        q(ch).declare()
    args = q1(ch).channel.prepare_queue_arguments(
        {}, message_ttl=q1.message_ttl, expires=q1.expires)
    assert args == {"x-message-ttl": 300000, "x-expires": 10000}

    # The same declaration again (another connection) is fine; an inequivalent one is a 406.
    other = kombu_conn().channel()
    name, count, consumers = q1(other).queue_declare()
    assert (name, count, consumers) == (q1.name, 0, 0)
    changed = Queue(q1.name, exchange, durable=False, auto_delete=True, message_ttl=60.0,
                    expires=10.0)
    with pytest.raises(PreconditionFailed) as e:
        changed(kombu_conn().channel()).declare()
    assert e.value.code == 406

    # A transient message to the fanout reaches both queues.
    Producer(ch, exchange=exchange, serializer="json").publish({"method": "ping"})
    for q in (q1, q2):
        deadline = time.monotonic() + T
        while (msg := q(ch).get(no_ack=True)) is None:
            assert time.monotonic() < deadline, f"nothing in {q.name}"
            time.sleep(0.02)
        assert msg.payload == {"method": "ping"}
        assert msg.properties["delivery_mode"] == 1


def test_mailbox_broadcast_with_replies(kombu_conn):
    """Celery's `inspect ping`: the Mailbox (fanout) as Celery configures it, two worker nodes
    on their own connection, replies through the direct reply exchange to the caller's
    reply queue."""
    namespace = uid("kombu-celery")
    mailbox = Mailbox(namespace, type="fanout", accept=["json"], serializer="json",
                      queue_ttl=300.0, queue_expires=10.0, reply_queue_ttl=300.0,
                      reply_queue_expires=10.0, queue_durable=False, queue_exclusive=False)
    workers_conn = kombu_conn()
    calls = []

    def ping(state, **kw):
        calls.append((state, kw))
        return {"ok": "pong"}

    nodes = []
    for host in ("w1@host", "w2@host"):
        node = mailbox(workers_conn).Node(host, state=host, handlers={"ping": ping},
                                          channel=workers_conn.channel())
        node.listen()
        nodes.append(node)

    stop = threading.Event()

    def serve():
        while not stop.is_set():
            with contextlib.suppress(socket.timeout):
                workers_conn.drain_events(timeout=0.1)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        caller = mailbox(kombu_conn())
        replies = caller._broadcast("ping", reply=True, timeout=T, limit=2)
        assert sorted(replies, key=lambda r: list(r)) == [{"w1@host": {"ok": "pong"}},
                                                          {"w2@host": {"ok": "pong"}}]
        only = caller.call(["w2@host"], "ping", kwargs={"x": 1}, timeout=T)
        assert only == [{"w2@host": {"ok": "pong"}}]
    finally:
        stop.set()
        server.join(T)
    assert not server.is_alive()
    assert sorted(calls, key=lambda c: c[0]) == [("w1@host", {}), ("w2@host", {}),
                                                 ("w2@host", {"x": 1})]


def test_maybe_declare_is_cached_and_declaring_again_is_idempotent(kombu_conn):
    confirmed = {"transport_options": {"confirm_publish": True}}
    conn = kombu_conn(**confirmed)
    exchange = Exchange(uid("kombu-x"), "direct", durable=True)
    queue = Queue(uid("kombu-q"), exchange, routing_key="rk", durable=True)
    expiring = Queue(uid("kombu-exp"), exchange, routing_key="rk", auto_delete=True,
                     expires=10.0)
    ch = conn.channel()
    assert maybe_declare(queue, ch) is True
    assert maybe_declare(queue, ch) is False  # cached: nothing sent
    assert maybe_declare(exchange, ch) is True
    assert maybe_declare(exchange, ch) is False
    # kombu never caches auto-delete or expiring queues: declared on the wire each time.
    assert maybe_declare(expiring, ch) is True
    assert maybe_declare(expiring, ch) is True

    Producer(ch, exchange=exchange, serializer="json").publish({"n": 1}, routing_key="rk")

    # A fresh connection has an empty cache: the same entities and the same binding are
    # declared again on the wire, and nothing changes (the message is there once).
    conn2 = kombu_conn(**confirmed)
    ch2 = conn2.channel()
    assert maybe_declare(queue, ch2) is True
    assert maybe_declare(expiring, ch2) is True
    queue(ch2).declare()
    name, count, _ = queue(ch2).queue_declare()
    assert (name, count) == (queue.name, 1)
    Producer(ch2, exchange=exchange, serializer="json").publish({"n": 2}, routing_key="rk")
    bodies = []
    for _ in range(2):
        bodies.append(queue(ch2).get(no_ack=True).payload)
    assert bodies == [{"n": 1}, {"n": 2}]
    assert queue(ch2).get(no_ack=True) is None
    assert expiring(ch2).get(no_ack=True).payload == {"n": 1}
    assert expiring(ch2).get(no_ack=True).payload == {"n": 2}
    assert expiring(ch2).get(no_ack=True) is None
    queue(ch2).delete()
    exchange(ch2).delete()
