"""AMQP 0-9-1 message content: every basic property and header field types round-trip
byte-exact through a queue (basic.get and basic.deliver), basic.get on an empty queue,
empty, binary and multi-frame bodies, and the message count basic.get-ok reports.

Generic: these run against robustmqd, or against RabbitMQ with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import datetime
import decimal

import pika
import pytest

from amqp_support import Deliveries, drain, get_one

pytestmark = pytest.mark.timeout(60)

# pika 1.3 cannot encode floats (UnsupportedAMQPFieldException), so there are none here.
HEADERS = {
    "str": "h\u00e9llo \u2603",
    "empty-str": "",
    "int": 42,
    "negative": -7,
    "big": 2**40 + 3,
    "big-negative": -(2**62),
    "zero": 0,
    "int32-edge": -(2**31),
    "true": True,
    "false": False,
    "none": None,
    "nested": {"a": 1, "b": {"c": "deep"}, "empty": {}},
    "list": [1, "two", -3, None, [4, 5], {"k": "v"}],
    "empty-list": [],
    "bytes": b"\x00\xff\xfe binary",
    "decimal": decimal.Decimal("12.345"),
    "datetime": datetime.datetime(2024, 5, 6, 7, 8, 9),
}

FULL = pika.BasicProperties(
    content_type="application/x-test",
    content_encoding="gzip",
    headers=HEADERS,
    delivery_mode=2,
    priority=7,
    correlation_id="corr-\u00e9-1",
    reply_to="reply.queue",
    expiration="3600000",
    message_id="msg-123",
    timestamp=1_700_000_000,
    type="order.created",
    app_id="robustmq-tests",
)

PROPERTY_NAMES = ["content_type", "content_encoding", "headers", "delivery_mode", "priority",
                  "correlation_id", "reply_to", "expiration", "message_id", "timestamp", "type",
                  "user_id", "app_id", "cluster_id"]


def props_dict(p: pika.BasicProperties) -> dict:
    return {n: getattr(p, n) for n in PROPERTY_NAMES}


def test_all_properties_round_trip_through_basic_get(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    q = ch.queue_declare("", exclusive=True).method.queue
    body = bytes(range(256))
    pub.basic_publish("", q, body, FULL)
    method, props, got = get_one(ch, q)
    assert got == body
    assert props_dict(props) == props_dict(FULL)
    assert (method.exchange, method.routing_key, method.redelivered) == ("", q, False)


def test_all_properties_round_trip_through_consume(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = "amq.topic"
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.queue_bind(q, ex, "props.#")
    pub.basic_publish(ex, "props.full", b"full", FULL)
    pub.basic_publish(ex, "props.none", b"none")
    c = Deliveries(ch, q, auto_ack=True)
    full, bare = c.wait_exactly(2)
    assert (full.body, full.method.exchange, full.method.routing_key) == (b"full", ex, "props.full")
    assert props_dict(full.props) == props_dict(FULL)
    assert bare.body == b"none"
    assert props_dict(bare.props) == {n: None for n in PROPERTY_NAMES}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_each_header_type_alone(amqp, name):
    ch = amqp.channel()
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.basic_publish("", q, b"x", pika.BasicProperties(headers={name: HEADERS[name]}))
    _, props, _ = get_one(ch, q)
    assert props.headers == {name: HEADERS[name]}


def test_basic_get_on_an_empty_queue(amqp):
    ch = amqp.channel()
    q = ch.queue_declare("", exclusive=True).method.queue
    assert ch.basic_get(q, auto_ack=False) == (None, None, None)
    assert ch.basic_get(q, auto_ack=True) == (None, None, None)
    assert ch.is_open


def test_get_ok_message_count_and_delivery_tags(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    q = ch.queue_declare("", exclusive=True).method.queue
    for i in range(3):
        pub.basic_publish("", q, b"%d" % i)
    got = [ch.basic_get(q, auto_ack=False)[0] for _ in range(3)]
    assert [m.message_count for m in got] == [2, 1, 0], "messages left after each get"
    assert [m.delivery_tag for m in got] == [1, 2, 3]
    ch.basic_ack(3, multiple=True)


@pytest.mark.parametrize("size", [0, 1, 131_072, 400_000], ids=["empty", "one", "frame-max", "400KB"])
def test_body_sizes(amqp, size):
    ch = amqp.channel()
    pub = amqp.publisher()
    q = ch.queue_declare("", exclusive=True).method.queue
    body = bytes((i * 31 + 7) % 251 for i in range(size))
    pub.basic_publish("", q, body, pika.BasicProperties(content_type="application/octet-stream"))
    pub.basic_publish("", q, b"after")
    _, props, got = get_one(ch, q)
    assert len(got) == size and got == body
    assert props.content_type == "application/octet-stream"
    assert drain(ch, q) == [b"after"]
