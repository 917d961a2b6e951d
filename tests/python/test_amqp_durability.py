"""AMQP 0-9-1 durability across a graceful restart and a kill -9 (then a start on the same
data): persistent messages in durable queues published with confirms survive with their
properties, acked messages are not delivered again, a delivered but unacked message is,
non-durable queues and exchanges are gone, durable exchanges and their bindings stay.

robustmqd-only: they restart the server (ROBUSTMQ_AMQP_PEER_ALL=1 runs them against the
RabbitMQ peer too, which the fixture can restart and kill as well).
"""

from __future__ import annotations

import time

import pika
import pytest

from amqp_support import Deliveries, drain, get_one, message_count, passive_error, uid

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(120)]

RESTARTS = pytest.mark.parametrize("how", ["graceful", "kill9"])
PERSISTENT = pika.BasicProperties(delivery_mode=2)


def restart(amqp, how: str) -> None:
    """Restart the broker with the clients still connected, then drop those clients."""
    if how == "graceful":
        amqp.broker.restart()
    else:
        amqp.broker.crash_and_start()
    amqp.close_all()


def durable_queue_with(amqp, bodies, props=PERSISTENT) -> str:
    pub = amqp.publisher()
    q = uid("durable")
    pub.queue_declare(q, durable=True)
    for b in bodies:
        pub.basic_publish("", q, b, props)
    return q


@RESTARTS
def test_persistent_messages_survive(amqp, how):
    props = pika.BasicProperties(delivery_mode=2, content_type="text/plain", message_id="id-1",
                                 headers={"k": "v", "n": -5, "nested": {"l": [1, "x"]}},
                                 correlation_id="c", priority=3, timestamp=1_700_000_001)
    bodies = [b"persistent-%d" % i for i in range(5)] + [b"", bytes(range(256)) * 100]
    q = durable_queue_with(amqp, bodies, props)
    restart(amqp, how)
    ch = amqp.channel()
    ok = ch.queue_declare(q, durable=True).method
    assert (ok.message_count, ok.consumer_count) == (len(bodies), 0)
    got = [get_one(ch, q) for _ in bodies]
    assert [b for _, _, b in got] == bodies
    for _, p, _ in got:
        assert (p.delivery_mode, p.content_type, p.message_id, p.headers, p.correlation_id,
                p.priority, p.timestamp) == (2, "text/plain", "id-1", props.headers, "c", 3,
                                             1_700_000_001)
    assert drain(ch, q) == []


def test_acked_messages_are_not_delivered_again_after_kill9(amqp):
    bodies = [b"m%d" % i for i in range(6)]
    q = durable_queue_with(amqp, bodies)
    conn = amqp.connect()
    ch = conn.channel()
    c = Deliveries(ch, q)
    got = c.wait(6)
    ch.basic_ack(got[3].tag, multiple=True)  # m0..m3
    ch.basic_ack(got[5].tag)  # m5
    ch.basic_nack(got[4].tag, requeue=True)  # m4 back to the queue
    ch.basic_cancel(c.tag)
    conn.close()
    time.sleep(0.5)
    restart(amqp, "kill9")
    ch = amqp.channel()
    assert message_count(ch, q) == 1
    assert drain(ch, q) == [b"m4"]


@RESTARTS
def test_unacked_delivery_is_delivered_again(amqp, how):
    q = durable_queue_with(amqp, [b"unacked", b"never delivered"])
    ch = amqp.channel()
    ch.basic_qos(prefetch_count=1)
    c = Deliveries(ch, q)
    assert c.wait(1)[0].body == b"unacked"
    restart(amqp, how)
    ch = amqp.channel()
    c = Deliveries(ch, q)
    got = c.wait_exactly(2)
    assert [d.body for d in got] == [b"unacked", b"never delivered"]
    ch.basic_ack(got[-1].tag, multiple=True)


@RESTARTS
def test_non_durable_queue_and_exchange_are_gone(amqp, how):
    ch = amqp.channel()
    transient_q, durable_q = uid("transient"), uid("durable")
    transient_ex, durable_ex = uid("transient-ex"), uid("durable-ex")
    ch.queue_declare(transient_q, durable=False)
    ch.queue_declare(durable_q, durable=True)
    ch.exchange_declare(transient_ex, "direct", durable=False)
    ch.exchange_declare(durable_ex, "direct", durable=True)
    restart(amqp, how)
    conn = amqp.connect()
    assert passive_error(conn, transient_q) == 404
    assert passive_error(conn, durable_q) is None
    ch = conn.channel()
    ch.exchange_declare(durable_ex, passive=True)
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as e:
        ch.exchange_declare(transient_ex, passive=True)
    assert e.value.reply_code == 404
    conn.channel().queue_delete(durable_q)


@RESTARTS
def test_durable_exchange_and_binding_survive(amqp, how):
    ch = amqp.channel()
    ex, q = uid("durable-topic"), uid("bound")
    ch.exchange_declare(ex, "topic", durable=True)
    ch.queue_declare(q, durable=True)
    ch.queue_bind(q, ex, "a.#")
    restart(amqp, how)
    pub = amqp.publisher()
    pub.basic_publish(ex, "a.b.c", b"through the binding", PERSISTENT)
    pub.basic_publish(ex, "b.a", b"not matching", PERSISTENT)
    ch = amqp.channel()
    assert drain(ch, q) == [b"through the binding"]
    ch.queue_delete(q)
    ch.exchange_delete(ex)
