"""AMQP 0-9-1 publisher confirms and mandatory publishing: confirm.select, basic.publish
returns once the broker acked it, mandatory + unroutable is returned (basic.return 312
NO_ROUTE, then the ack: pika raises UnroutableError), non-mandatory unroutable messages are
confirmed and dropped, and basic.return without confirm mode.

Generic: these run against robustmqd, or against RabbitMQ with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pika
import pytest
from pika.exceptions import UnroutableError

from amqp_support import channel_error, drain, message_count, pump_until, uid

pytestmark = pytest.mark.timeout(60)


def test_confirmed_publishes_are_in_the_queue(amqp):
    ch = amqp.channel()
    q = ch.queue_declare("", exclusive=True).method.queue
    pub = amqp.channel()
    assert pub.confirm_delivery() is None
    pub.confirm_delivery()  # a second confirm.select is fine
    for i in range(50):
        assert pub.basic_publish("", q, b"c%d" % i) is None
    assert message_count(ch, q) == 50, "every confirmed message is in the queue"
    assert drain(ch, q) == [b"c%d" % i for i in range(50)]


def test_mandatory_unroutable_raises_unroutable_error(amqp):
    ch = amqp.channel()
    ex = uid("direct")
    ch.exchange_declare(ex, "direct")
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.queue_bind(q, ex, "routed")
    pub = amqp.publisher()
    props = pika.BasicProperties(message_id="m-1", headers={"h": "v"})
    with pytest.raises(UnroutableError) as e:
        pub.basic_publish(ex, "unrouted", b"comes back", props, mandatory=True)
    [returned] = e.value.messages
    assert (returned.method.reply_code, returned.method.reply_text) == (312, "NO_ROUTE")
    assert (returned.method.exchange, returned.method.routing_key) == (ex, "unrouted")
    assert returned.body == b"comes back"
    assert (returned.properties.message_id, returned.properties.headers) == ("m-1", {"h": "v"})
    # The channel is still usable; a routable mandatory message is just confirmed.
    pub.basic_publish(ex, "routed", b"routed", mandatory=True)
    pub.basic_publish("", uid("no-such-queue"), b"unrouted, not mandatory")
    assert drain(ch, q) == [b"routed"]


def test_confirm_mode_publish_to_missing_exchange_raises_404(amqp):
    conn = amqp.connect()
    pub = conn.channel()
    pub.confirm_delivery()
    with channel_error(404):
        pub.basic_publish(uid("missing-ex"), "k", b"x")
    assert conn.is_open


def test_basic_return_without_confirms(amqp):
    conn = amqp.connect()
    ch = conn.channel()
    returned = []
    ch.add_on_return_callback(lambda _ch, method, props, body: returned.append((method, body)))
    ch.basic_publish("amq.direct", uid("nobody"), b"bounce", mandatory=True)
    pump_until(conn, lambda: returned, what="basic.return")
    method, body = returned[0]
    assert (method.reply_code, method.reply_text, method.exchange, body) == (312, "NO_ROUTE", "amq.direct", b"bounce")
