"""Direct reply-to (`amq.rabbitmq.reply-to`), RabbitMQ's RPC shortcut: a client consumes the
pseudo-queue with no-ack, publishes requests with `reply_to = amq.rabbitmq.reply-to`, which the
server rewrites to an address naming that consumer, and replies published to that address on
the default exchange come straight back. Checked against RabbitMQ 3.10 with
ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pika
import pytest

from amqp_support import Deliveries, pump_until, uid, wait_channel_closed

pytestmark = [pytest.mark.timeout(60)]

REPLY_TO = "amq.rabbitmq.reply-to"


def test_rpc_over_direct_reply_to(amqp):
    q = uid("rpc")
    server = amqp.channel()
    server.queue_declare(q)

    def serve(ch, method, props, body):
        assert props.reply_to.startswith(REPLY_TO + ".")
        ch.basic_publish("", props.reply_to, body.upper(),
                         pika.BasicProperties(correlation_id=props.correlation_id))
    server.basic_consume(q, serve, auto_ack=True)

    client = amqp.channel()
    replies = Deliveries(client, REPLY_TO, auto_ack=True)
    for i in range(3):
        client.basic_publish("", q, b"ping-%d" % i,
                             pika.BasicProperties(reply_to=REPLY_TO, correlation_id=str(i)))

    def done():
        server.connection.process_data_events(time_limit=0)
        return len(replies.got) >= 3
    pump_until(client.connection, done, what="3 replies")
    assert sorted((d.props.correlation_id, d.body) for d in replies.got) == [
        ("0", b"PING-0"), ("1", b"PING-1"), ("2", b"PING-2")]
    assert client.queue_declare(REPLY_TO, passive=True).method.message_count == 0


def test_reply_to_without_a_reply_consumer_is_refused(amqp):
    q = uid("rpc")
    ch = amqp.channel()
    ch.queue_declare(q)
    ch.basic_publish("", q, b"x", pika.BasicProperties(reply_to=REPLY_TO))
    wait_channel_closed(ch, 406)
