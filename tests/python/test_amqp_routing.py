"""AMQP 0-9-1 routing: the default exchange, direct, fanout, topic (`*`, `#` matching zero or
more words) and headers (x-match all / any, `x-` binding arguments ignored) exchanges, the
predeclared amq.* exchanges, one copy per queue when several bindings match, unbind and
exchange delete.

Messages are published on a channel in confirm mode, so when basic_publish returns they are
in their queues (or were dropped): the queues are then drained with basic.get and compared
exactly.

Generic: these run against robustmqd, or against RabbitMQ with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pika
import pytest

from amqp_support import channel_error, drain, uid

pytestmark = pytest.mark.timeout(60)


def queue(ch, *bindings) -> str:
    """A server-named exclusive queue bound with (exchange, routing_key[, arguments])."""
    q = ch.queue_declare("", exclusive=True).method.queue
    for b in bindings:
        ch.queue_bind(q, *b[:2], arguments=b[2] if len(b) > 2 else None)
    return q


def test_default_exchange_routes_by_queue_name(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    a, b = queue(ch), queue(ch)
    pub.basic_publish("", a, b"to a")
    pub.basic_publish("", b, b"to b")
    pub.basic_publish("", uid("nobody"), b"dropped")
    pub.basic_publish("", a, b"to a again")
    assert drain(ch, a) == [b"to a", b"to a again"]
    assert drain(ch, b) == [b"to b"]


def test_direct_exchange(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = uid("direct")
    ch.exchange_declare(ex, "direct")
    q1 = queue(ch, (ex, "red"))
    q2 = queue(ch, (ex, "green"), (ex, "blue"))
    q3 = queue(ch, (ex, "red"))
    for key in ("red", "green", "blue", "Red", "red.x", "", "green"):
        pub.basic_publish(ex, key, key.encode() or b"<empty>")
    assert drain(ch, q1) == [b"red"]
    assert drain(ch, q2) == [b"green", b"blue", b"green"]
    assert drain(ch, q3) == [b"red"]


def test_fanout_exchange_ignores_the_routing_key(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = uid("fanout")
    ch.exchange_declare(ex, "fanout")
    qs = [queue(ch, (ex, "")), queue(ch, (ex, "some.key")), queue(ch, (ex, "x"))]
    for key in ("", "x", "anything.at.all"):
        pub.basic_publish(ex, key, b"m:" + key.encode())
    for q in qs:
        assert drain(ch, q) == [b"m:", b"m:x", b"m:anything.at.all"]


TOPIC_KEYS = ["a", "a.b", "a.b.c", "a.x.b", "a.x.y.b", "b", "x.a.b", "a.b.b", ""]
TOPIC_CASES = {
    "a.*": ["a.b"],
    "*.b": ["a.b"],
    "*": ["a", "b"],
    "a.*.b": ["a.x.b", "a.b.b"],
    "a.#": ["a", "a.b", "a.b.c", "a.x.b", "a.x.y.b", "a.b.b"],
    "#.b": ["a.b", "a.x.b", "a.x.y.b", "b", "x.a.b", "a.b.b"],
    "a.#.b": ["a.b", "a.x.b", "a.x.y.b", "a.b.b"],
    "a.b.#": ["a.b", "a.b.c", "a.b.b"],
    "#": TOPIC_KEYS,
    "a.b": ["a.b"],
    "*.*.*": ["a.b.c", "a.x.b", "x.a.b", "a.b.b"],
    "#.#": TOPIC_KEYS,
    "*.#": [k for k in TOPIC_KEYS if k],
}


def test_topic_exchange_patterns(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = uid("topic")
    ch.exchange_declare(ex, "topic")
    queues = {pattern: queue(ch, (ex, pattern)) for pattern in TOPIC_CASES}
    for key in TOPIC_KEYS:
        pub.basic_publish(ex, key, key.encode() or b"<empty>")
    got = {pattern: [b.decode() for b in drain(ch, q)] for pattern, q in queues.items()}
    want = {pattern: [k or "<empty>" for k in keys] for pattern, keys in TOPIC_CASES.items()}
    assert got == want


def test_one_copy_per_queue_when_several_bindings_match(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = uid("topic")
    ch.exchange_declare(ex, "topic")
    q = queue(ch, (ex, "a.*"), (ex, "#"), (ex, "a.b"), (ex, "*.b"))
    pub.basic_publish(ex, "a.b", b"once")
    pub.basic_publish(ex, "z", b"via # only")
    assert drain(ch, q) == [b"once", b"via # only"]


HEADERS = {
    "h1": {"format": "pdf", "type": "report"},
    "h2": {"format": "pdf"},
    "h3": {"type": "report"},
    "h4": {"format": "zip", "type": "report", "extra": 1},
    "h5": {},
    "h6": {"format": "pdf", "type": "log"},
}


def test_headers_exchange_all_and_any(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = uid("headers")
    ch.exchange_declare(ex, "headers")
    q_all = queue(ch, (ex, "", {"x-match": "all", "format": "pdf", "type": "report"}))
    q_any = queue(ch, (ex, "", {"x-match": "any", "format": "pdf", "type": "report"}))
    q_default = queue(ch, (ex, "", {"format": "pdf", "type": "report"}))  # x-match defaults to all
    # `x-` arguments other than x-match are not matched against the headers.
    q_all_x = queue(ch, (ex, "", {"x-match": "all", "format": "pdf", "x-ignored": "yes"}))
    q_any_x = queue(ch, (ex, "", {"x-match": "any", "x-only": "this"}))
    q_key = queue(ch, (ex, "a routing key", {"x-match": "all", "type": "report"}))
    for name, headers in HEADERS.items():
        pub.basic_publish(ex, "ignored", name.encode(), pika.BasicProperties(headers=headers))
    pub.basic_publish(ex, "", b"no-headers")
    assert drain(ch, q_all) == [b"h1"]
    assert drain(ch, q_any) == [b"h1", b"h2", b"h3", b"h4", b"h6"]
    assert drain(ch, q_default) == [b"h1"]
    assert drain(ch, q_all_x) == [b"h1", b"h2", b"h6"]
    assert drain(ch, q_any_x) == []
    assert drain(ch, q_key) == [b"h1", b"h3", b"h4"]


def test_headers_match_typed_values(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = uid("headers")
    ch.exchange_declare(ex, "headers")
    q = queue(ch, (ex, "", {"x-match": "all", "n": 42}))
    pub.basic_publish(ex, "", b"int", pika.BasicProperties(headers={"n": 42}))
    pub.basic_publish(ex, "", b"other int", pika.BasicProperties(headers={"n": 43}))
    pub.basic_publish(ex, "", b"missing", pika.BasicProperties(headers={"m": 42}))
    assert drain(ch, q) == [b"int"]


@pytest.mark.parametrize("name,kind,bind_args,publish", [
    ("amq.direct", "direct", ("k", None), ("k", None)),
    ("amq.fanout", "fanout", ("", None), ("whatever", None)),
    ("amq.topic", "topic", ("a.#", None), ("a.b.c", None)),
    ("amq.headers", "headers", ("", {"x-match": "any", "h": "v"}), ("", {"h": "v"})),
    ("amq.match", "headers", ("", {"x-match": "all", "h": "v"}), ("", {"h": "v"})),
])
def test_predeclared_exchanges(amqp, name, kind, bind_args, publish):
    ch = amqp.channel()
    pub = amqp.publisher()
    ch.exchange_declare(name, passive=True)
    ch.exchange_declare(name, kind, durable=True)  # an equivalent redeclare is allowed
    q = queue(ch, (name, *bind_args))
    key, headers = publish
    pub.basic_publish(name, key, b"via " + name.encode(), pika.BasicProperties(headers=headers))
    assert drain(ch, q) == [b"via " + name.encode()]


def test_unbind_stops_routing(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = uid("direct")
    ch.exchange_declare(ex, "direct")
    q = queue(ch, (ex, "k"), (ex, "other"))
    pub.basic_publish(ex, "k", b"before")
    ch.queue_unbind(q, ex, "k")
    pub.basic_publish(ex, "k", b"after unbind")
    pub.basic_publish(ex, "other", b"other binding")
    assert drain(ch, q) == [b"before", b"other binding"]


def test_unbind_headers_binding_needs_its_arguments(amqp):
    ch = amqp.channel()
    pub = amqp.publisher()
    ex = uid("headers")
    ch.exchange_declare(ex, "headers")
    args = {"x-match": "all", "h": "v"}
    q = queue(ch, (ex, "", args))
    ch.queue_unbind(q, ex, "", arguments=args)
    pub.basic_publish(ex, "", b"after unbind", pika.BasicProperties(headers={"h": "v"}))
    assert drain(ch, q) == []


def test_exchange_delete(amqp):
    conn = amqp.connect()
    ch = conn.channel()
    pub = amqp.publisher()
    ex = uid("gone")
    ch.exchange_declare(ex, "fanout")
    q = queue(ch, (ex, ""))
    pub.basic_publish(ex, "", b"before")
    ch.exchange_delete(ex)
    with channel_error(404):
        conn.channel().exchange_declare(ex, passive=True)
    assert drain(ch, q) == [b"before"], "deleting the exchange leaves the queue and its messages"
    # Declared again, it has no bindings left.
    ch.exchange_declare(ex, "fanout")
    pub.basic_publish(ex, "", b"new exchange")
    assert drain(ch, q) == []
