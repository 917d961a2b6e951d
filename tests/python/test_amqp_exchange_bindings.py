"""Exchange-to-exchange bindings (`exchange.bind` / `exchange.unbind`, RabbitMQ's extension)
and alternate exchanges (`alternate-exchange`): routing through chains and cycles of exchanges,
each message once per queue; unroutable messages go to the alternate exchange; deleting an
exchange removes the bindings to it; durable bindings survive a restart (robustmqd only).
Checked against RabbitMQ 3.10 with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pytest

from amqp_support import drain, uid

pytestmark = [pytest.mark.timeout(60)]


def test_exchange_to_exchange_binding_routes_and_unbinds(amqp):
    ch = amqp.publisher()
    src, dst, q = uid("src"), uid("dst"), uid("q")
    ch.exchange_declare(src, "topic")
    ch.exchange_declare(dst, "fanout")
    ch.queue_declare(q)
    ch.queue_bind(q, dst)
    ch.exchange_bind(destination=dst, source=src, routing_key="a.*")
    ch.basic_publish(src, "a.b", b"routed")
    ch.basic_publish(src, "x.y", b"not routed")
    assert drain(ch, q) == [b"routed"]
    ch.exchange_unbind(destination=dst, source=src, routing_key="a.*")
    ch.basic_publish(src, "a.b", b"after unbind")
    assert drain(ch, q) == []


def test_a_cycle_of_exchanges_delivers_once(amqp):
    ch = amqp.publisher()
    a, b, q = uid("a"), uid("b"), uid("q")
    ch.exchange_declare(a, "fanout")
    ch.exchange_declare(b, "fanout")
    ch.exchange_bind(destination=b, source=a)
    ch.exchange_bind(destination=a, source=b)
    ch.queue_declare(q)
    ch.queue_bind(q, a)
    ch.queue_bind(q, b)
    ch.basic_publish(a, "", b"once")
    assert drain(ch, q) == [b"once"]


def test_alternate_exchange_gets_unroutable_messages(amqp):
    ch = amqp.publisher()
    ae, main, unrouted, orders = uid("ae"), uid("main"), uid("unrouted"), uid("orders")
    ch.exchange_declare(ae, "fanout")
    ch.queue_declare(unrouted)
    ch.queue_bind(unrouted, ae)
    ch.exchange_declare(main, "direct", arguments={"alternate-exchange": ae})
    ch.queue_declare(orders)
    ch.queue_bind(orders, main, routing_key="order")
    ch.basic_publish(main, "order", b"an order")
    ch.basic_publish(main, "refund", b"a refund")
    assert drain(ch, orders) == [b"an order"]
    assert drain(ch, unrouted) == [b"a refund"]


def test_deleting_a_destination_exchange_removes_its_bindings(amqp):
    ch = amqp.publisher()
    src, dst, q = uid("src"), uid("dst"), uid("q")
    ch.exchange_declare(src, "fanout")
    ch.exchange_declare(dst, "fanout")
    ch.exchange_bind(destination=dst, source=src)
    ch.exchange_delete(dst)
    ch.exchange_declare(dst, "fanout")
    ch.queue_declare(q)
    ch.queue_bind(q, dst)
    ch.basic_publish(src, "", b"goes nowhere")
    assert drain(ch, q) == []


@pytest.mark.robustmqd_only
def test_durable_exchange_bindings_survive_a_restart(amqp):
    ch = amqp.publisher()
    src, dst, q = uid("src"), uid("dst"), uid("q")
    ch.exchange_declare(src, "direct", durable=True)
    ch.exchange_declare(dst, "fanout", durable=True)
    ch.exchange_bind(destination=dst, source=src, routing_key="k")
    ch.queue_declare(q, durable=True)
    ch.queue_bind(q, dst)
    amqp.broker.restart()
    amqp.close_all()
    ch = amqp.publisher()
    ch.basic_publish(src, "k", b"after restart")
    assert drain(ch, q) == [b"after restart"]
