"""AMQP 0-9-1 queues: server-named queues (amq.gen-...), the counts declare-ok returns,
passive declare, exclusive queues (405 from another connection, gone when their connection
closes), auto-delete after the last consumer cancels, purge, delete (its count, if-empty
and if-unused: 406), and an inequivalent redeclare (406).

Generic: these run against robustmqd, or against RabbitMQ with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pytest

from amqp_support import (Deliveries, channel_error, get_one, message_count, passive_error, uid,
                          wait_until)

pytestmark = pytest.mark.timeout(60)


def publish_n(pub, q: str, n: int, prefix: bytes = b"m") -> list[bytes]:
    bodies = [prefix + b"%d" % i for i in range(n)]
    for b in bodies:
        pub.basic_publish("", q, b)
    return bodies


def test_server_named_queue(amqp):
    ch = amqp.channel()
    names = {ch.queue_declare("", exclusive=True).method.queue for _ in range(3)}
    assert len(names) == 3
    for name in names:
        assert name.startswith("amq.gen-") and len(name) > len("amq.gen-"), name
        ok = ch.queue_declare(name, passive=True).method
        assert (ok.queue, ok.message_count, ok.consumer_count) == (name, 0, 0)


def test_declare_ok_counts(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    q = uid("counts")
    ok = ch.queue_declare(q, auto_delete=True).method
    assert (ok.queue, ok.message_count, ok.consumer_count) == (q, 0, 0)
    publish_n(pub, q, 3)
    ok = ch.queue_declare(q, auto_delete=True).method  # a redeclare reports the counts too
    assert (ok.queue, ok.message_count, ok.consumer_count) == (q, 3, 0)
    other = amqp.channel()
    Deliveries(other, q)
    Deliveries(other, q)
    # The messages went out to the consumers (unacked): none ready, two consumers.
    wait_until(lambda: ch.queue_declare(q, passive=True).method.message_count == 0, 5,
               "message_count 0")
    ok = ch.queue_declare(q, passive=True).method
    assert (ok.message_count, ok.consumer_count) == (0, 2)


def test_passive_declare_does_not_create(amqp):
    conn = amqp.connect()
    q = uid("passive")
    assert passive_error(conn, q) == 404
    assert passive_error(conn, q) == 404, "a passive declare must not create the queue"
    conn.channel().queue_declare(q, auto_delete=True)
    assert passive_error(conn, q) is None
    conn.channel().queue_delete(q)


def test_exclusive_queue_is_locked_to_its_connection(amqp):
    owner = amqp.connect()
    och = owner.channel()
    q = uid("excl")
    och.queue_declare(q, exclusive=True)
    other = amqp.connect()
    with channel_error(405):
        other.channel().queue_declare(q, passive=True)
    with channel_error(405):
        other.channel().queue_declare(q, exclusive=True)
    with channel_error(405):
        other.channel().basic_consume(q, lambda *a: None)
    with channel_error(405):
        other.channel().queue_purge(q)
    with channel_error(405):
        other.channel().queue_delete(q)
    assert other.is_open
    # Any channel of the owning connection may use it.
    ch2 = owner.channel()
    ch2.basic_publish("", q, b"mine")
    assert get_one(ch2, q)[2] == b"mine"
    # It goes with its connection.
    owner.close()
    wait_until(lambda: passive_error(other, q) == 404, 5, f"exclusive queue {q} to be deleted")


def test_auto_delete_queue_goes_with_its_last_consumer(amqp):
    conn = amqp.connect()
    ch = conn.channel()
    q = uid("autodel")
    ch.queue_declare(q, auto_delete=True)
    assert passive_error(conn, q) is None, "never consumed: not deleted"
    c1, c2 = Deliveries(ch, q), Deliveries(ch, q)
    ch.basic_cancel(c1.tag)
    assert passive_error(conn, q) is None, "one consumer left: not deleted"
    ch.basic_cancel(c2.tag)
    wait_until(lambda: passive_error(conn, q) == 404, 5, f"auto-delete queue {q} to be deleted")


def test_purge_returns_the_ready_count(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    q = ch.queue_declare("", exclusive=True).method.queue
    publish_n(pub, q, 5)
    method, _, body = ch.basic_get(q, auto_ack=False)
    assert body == b"m0"
    assert ch.queue_purge(q).method.message_count == 4, "the unacked message is not purged"
    assert ch.queue_purge(q).method.message_count == 0
    ch.basic_nack(method.delivery_tag, requeue=True)
    assert get_one(ch, q)[2] == b"m0"
    assert message_count(ch, q) == 0


def test_delete_if_empty_and_if_unused(amqp):
    conn = amqp.connect()
    pub = amqp.publisher()
    q = uid("del")
    conn.channel().queue_declare(q)
    publish_n(pub, q, 2)
    with channel_error(406):
        conn.channel().queue_delete(q, if_empty=True)
    ch = conn.channel()
    assert message_count(ch, q) == 2, "a refused delete leaves the queue as it was"
    cons = Deliveries(ch, q)
    cons.wait(2)
    with channel_error(406):
        conn.channel().queue_delete(q, if_unused=True)
    ch.basic_cancel(cons.tag)  # the two unacked messages go back to the queue
    ch.close()
    ch = conn.channel()
    wait_until(lambda: message_count(ch, q) == 2, 5, "2 messages back in the queue")
    assert ch.queue_delete(q, if_unused=True).method.message_count == 2
    assert passive_error(conn, q) == 404


def test_delete_returns_the_message_count(amqp):
    conn = amqp.connect()
    ch = conn.channel()
    pub = amqp.publisher()
    q = uid("del")
    ch.queue_declare(q)
    publish_n(pub, q, 7)
    assert ch.queue_delete(q).method.message_count == 7
    assert passive_error(conn, q) == 404
    ch.queue_declare(q)
    assert message_count(ch, q) == 0, "a queue declared again starts empty"
    assert ch.queue_delete(q, if_empty=True).method.message_count == 0


def test_inequivalent_queue_redeclare_is_406(amqp):
    conn = amqp.connect()
    q = uid("redecl")
    conn.channel().queue_declare(q, durable=False, auto_delete=True)
    with channel_error(406):
        conn.channel().queue_declare(q, durable=True, auto_delete=True)
    ch = conn.channel()
    ok = ch.queue_declare(q, durable=False, auto_delete=True).method  # equivalent: fine
    assert ok.queue == q
    ch.queue_delete(q)
