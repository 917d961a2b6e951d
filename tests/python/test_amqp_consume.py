"""AMQP 0-9-1 consumers and acknowledgements: basic.consume with ack, prefetch (basic.qos),
nack / reject with and without requeue (redelivered flag), ack multiple, requeue of unacked
deliveries when their channel closes, basic.cancel, the broker's basic.cancel when the queue
is deleted, auto-ack consumers, and two consumers sharing a queue.

Generic: these run against robustmqd, or against RabbitMQ with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pytest

from amqp_support import Deliveries, message_count, pump_quiet, pump_until, uid, wait_until

pytestmark = pytest.mark.timeout(60)


def setup(amqp, n: int, prefix: bytes = b"m"):
    """(consumer connection, its channel, queue name, bodies): a named queue with n messages
    in it, published with confirms from another connection."""
    conn = amqp.connect()
    ch = conn.channel()
    q = uid("consume")
    ch.queue_declare(q, auto_delete=False)
    pub = amqp.publisher()
    bodies = [prefix + b"%d" % i for i in range(n)]
    for b in bodies:
        pub.basic_publish("", q, b)
    return conn, ch, q, bodies


def settled(amqp, q: str, ready: int) -> None:
    """Wait (from a fresh connection) until q has `ready` messages ready."""
    ch = amqp.channel()
    wait_until(lambda: message_count(ch, q) == ready, 5, f"{ready} messages ready in {q}")


def test_consume_and_ack(amqp):
    conn, ch, q, bodies = setup(amqp, 3)
    c = Deliveries(ch, q)
    got = c.wait_exactly(3)
    assert [d.body for d in got] == bodies
    assert [d.tag for d in got] == [1, 2, 3]
    assert {(d.method.consumer_tag, d.redelivered, d.method.exchange, d.method.routing_key)
            for d in got} == {(c.tag, False, "", q)}
    for d in got:
        ch.basic_ack(d.tag)
    ch.close()  # anything unacked would go back to the queue now
    settled(amqp, q, 0)
    amqp.channel().queue_delete(q)


def test_prefetch_limits_unacked_deliveries(amqp):
    conn, ch, q, bodies = setup(amqp, 5)
    ch.basic_qos(prefetch_count=2)
    c = Deliveries(ch, q)
    assert c.wait_exactly(2)[-1].body == b"m1"
    ch.basic_ack(c.got[0].tag)
    assert [d.body for d in c.wait_exactly(3)] == bodies[:3]
    ch.basic_ack(c.got[2].tag, multiple=True)
    assert [d.body for d in c.wait_exactly(5)] == bodies
    assert message_count(amqp.channel(), q) == 0
    ch.basic_ack(c.got[4].tag, multiple=True)
    amqp.channel().queue_delete(q)


def test_nack_with_requeue_redelivers(amqp):
    conn, ch, q, _ = setup(amqp, 1, b"again")
    c = Deliveries(ch, q)
    first = c.wait(1)[0]
    assert first.redelivered is False
    ch.basic_nack(first.tag, requeue=True)
    second = c.wait(2)[1]
    assert (second.body, second.redelivered) == (b"again0", True)
    assert second.tag != first.tag
    ch.basic_ack(second.tag)
    c.wait_exactly(2)
    ch.close()
    settled(amqp, q, 0)
    amqp.channel().queue_delete(q)


def test_reject_without_requeue_drops(amqp):
    conn, ch, q, bodies = setup(amqp, 3)
    c = Deliveries(ch, q)
    got = c.wait(3)
    ch.basic_reject(got[0].tag, requeue=False)
    ch.basic_nack(got[1].tag, requeue=False)
    ch.basic_reject(got[2].tag, requeue=True)
    again = c.wait(4)[3]
    assert (again.body, again.redelivered) == (b"m2", True)
    ch.basic_ack(again.tag)
    c.wait_exactly(4)
    ch.close()
    settled(amqp, q, 0)
    amqp.channel().queue_delete(q)


def test_ack_multiple_and_requeue_on_channel_close(amqp):
    conn, ch, q, bodies = setup(amqp, 5)
    c = Deliveries(ch, q)
    got = c.wait_exactly(5)
    ch.basic_ack(got[2].tag, multiple=True)  # m0, m1, m2
    ch.close()  # m3 and m4 were unacked: back to the queue
    settled(amqp, q, 2)
    ch2 = amqp.channel()
    c2 = Deliveries(ch2, q)
    assert sorted((d.body, d.redelivered) for d in c2.wait_exactly(2)) == [(b"m3", True), (b"m4", True)]
    ch2.basic_ack(c2.got[-1].tag, multiple=True)
    ch2.queue_delete(q)


def test_unacked_deliveries_go_to_the_next_consumer_when_the_connection_closes(amqp):
    conn, ch, q, bodies = setup(amqp, 3)
    other = amqp.channel()
    c = Deliveries(ch, q)
    c.wait_exactly(3)
    conn.close()
    c2 = Deliveries(other, q)
    got = c2.wait_exactly(3)
    assert sorted(d.body for d in got) == bodies
    assert all(d.redelivered for d in got)
    other.basic_ack(got[-1].tag, multiple=True)
    other.queue_delete(q)


def test_basic_cancel_stops_deliveries(amqp):
    conn, ch, q, _ = setup(amqp, 1)
    c = Deliveries(ch, q, auto_ack=True)
    c.wait(1)
    ch.basic_cancel(c.tag)
    pub = amqp.publisher()
    pub.basic_publish("", q, b"after cancel")
    pump_quiet(conn)
    assert c.bodies == [b"m0"]
    assert message_count(ch, q) == 1
    assert ch.queue_declare(q, passive=True).method.consumer_count == 0
    ch.queue_delete(q)


def test_queue_delete_cancels_its_consumers(amqp):
    conn = amqp.connect()
    ch = conn.channel()
    q = uid("doomed")
    ch.queue_declare(q)
    cancels = []
    ch.add_on_cancel_callback(cancels.append)
    c = Deliveries(ch, q)
    assert amqp.channel().queue_delete(q).method.message_count == 0
    pump_until(conn, lambda: cancels, what="basic.cancel from the broker")
    assert cancels[0].method.NAME == "Basic.Cancel"
    assert cancels[0].method.consumer_tag == c.tag
    assert ch.consumer_tags == []
    assert ch.is_open, "the channel stays open"
    ch.queue_declare(q, auto_delete=True)  # and usable


def test_auto_ack_consumer(amqp):
    conn, ch, q, bodies = setup(amqp, 4)
    c = Deliveries(ch, q, auto_ack=True)
    got = c.wait_exactly(4)
    assert [d.body for d in got] == bodies
    assert not any(d.redelivered for d in got)
    ch.close()  # nothing is unacked: nothing goes back
    settled(amqp, q, 0)
    amqp.channel().queue_delete(q)


def test_two_consumers_share_a_queue(amqp):
    conn1, ch1, q, _ = setup(amqp, 0)
    conn2 = amqp.connect()
    ch2 = conn2.channel()
    c1, c2 = Deliveries(ch1, q), Deliveries(ch2, q)
    pub = amqp.publisher()
    bodies = [b"job%d" % i for i in range(20)]
    for b in bodies:
        pub.basic_publish("", q, b)
    pump_until(conn1, lambda: (conn2.process_data_events(time_limit=0.01) or True)
               and len(c1.got) + len(c2.got) >= 20, what="20 deliveries in all")
    pump_quiet(conn1)
    pump_quiet(conn2)
    assert sorted(c1.bodies + c2.bodies) == sorted(bodies), "each message exactly once"
    assert c1.got and c2.got, f"one consumer got everything: {len(c1.got)} / {len(c2.got)}"
    for c, ch in ((c1, ch1), (c2, ch2)):
        assert c.bodies == sorted(c.bodies, key=lambda b: int(b[3:])), "per-consumer order"
        ch.basic_ack(c.got[-1].tag, multiple=True)
    ch1.queue_delete(q)


@pytest.mark.robustmqd_only
def test_a_later_qos_applies_to_existing_consumers(amqp):
    """robustmqd applies a new per-consumer prefetch to the channel's existing consumers too
    (the spec's channel-wide reading, which kombu assumes for brokers other than RabbitMQ:
    Celery raises the prefetch as it holds ETA tasks). RabbitMQ applies it to new consumers
    only."""
    pub = amqp.publisher()
    q = uid("qos")
    pub.queue_declare(q)
    for i in range(3):
        pub.basic_publish("", q, b"m%d" % i)
    ch = amqp.channel()
    ch.basic_qos(prefetch_count=1)
    got = Deliveries(ch, q)
    got.wait_exactly(1)
    ch.basic_qos(prefetch_count=3)
    got.wait_exactly(3)
