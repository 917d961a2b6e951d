"""AMQP and the other protocols on the same logs (robustmqd only). A queue is the log topic
`amqp.<queue name>` (when the name is a valid topic name and free; otherwise `amqp.q-<id>`),
one partition, so:

- what AMQP publishes to a queue is read by Kafka consumers of that topic: key = routing key,
  value = body, headers `amqp.exchange` and `amqp.properties` (the content-header property
  bytes as published, so AMQP -> log -> AMQP is lossless), and each property and header entry
  as readable text (`amqp.content-type`, ..., `amqp.header.<name>`);
- what Kafka produces to that topic, or MQTT publishes through a route to it, reaches the
  queue's AMQP consumers: routing key = record key, body = value, `amqp.<property>` and
  `amqp.header.<name>` headers as those properties and header entries, and the other record
  headers as the message's `headers` table.
"""

from __future__ import annotations

import datetime
import decimal

import pika
import pytest
from confluent_kafka import Producer, TopicPartition

from amqp_support import AmqpBroker, Deliveries, get_one, uid
from mqtt_support import V5, MqttBroker, MqttClient
from support import consumer, poll_messages

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(60)]


def kafka_read(bootstrap: str, topic: str, n: int):
    c = consumer(bootstrap)
    try:
        c.assign([TopicPartition(topic, 0, 0)])
        return poll_messages(c, n)
    finally:
        c.close()


def test_amqp_publishes_are_kafka_records(amqp_broker, amqp):
    q = uid("orders")
    ch = amqp.publisher()
    ch.queue_declare(q, durable=True)
    props = pika.BasicProperties(content_type="application/json", message_id="m-1",
                                 delivery_mode=2, headers={"tenant": "acme", "n": 7})
    ch.basic_publish("", q, b'{"id": 1}', props)
    ch.basic_publish("", q, b"second")
    m1, m2 = kafka_read(amqp_broker.daemon.bootstrap, f"amqp.{q}", 2)
    assert (m1.key(), m1.value()) == (q.encode(), b'{"id": 1}')
    assert (m2.key(), m2.value()) == (q.encode(), b"second")
    h = dict(m1.headers())
    assert h["amqp.exchange"] == b""
    # The property bytes: flags first, then content-type as a short string.
    assert h["amqp.properties"][2:3] == bytes([len("application/json")])
    assert b"application/json" in h["amqp.properties"] and b"m-1" in h["amqp.properties"]
    # And read back over AMQP, the properties are what was published.
    method, got, body = get_one(ch, q)
    assert body == b'{"id": 1}'
    assert (got.content_type, got.message_id, got.delivery_mode) == ("application/json", "m-1", 2)
    assert got.headers == {"tenant": "acme", "n": 7}


# Each AMQP property and the record header it is written as (docs/protocols.md, "AMQP on the
# log"): (pika attribute, value published, record header, its bytes).
PROPERTY_CELLS = [
    ("content_type", "application/json", "amqp.content-type", b"application/json"),
    ("content_encoding", "gzip", "amqp.content-encoding", b"gzip"),
    ("delivery_mode", 2, "amqp.delivery-mode", b"2"),
    ("priority", 7, "amqp.priority", b"7"),
    ("correlation_id", "c-42", "amqp.correlation-id", b"c-42"),
    ("reply_to", "replies", "amqp.reply-to", b"replies"),
    ("expiration", "60000", "amqp.expiration", b"60000"),
    ("message_id", "m-1", "amqp.message-id", b"m-1"),
    ("timestamp", 1_700_000_000, "amqp.timestamp", b"1700000000"),
    ("type", "order.created", "amqp.type", b"order.created"),
    ("user_id", "guest", "amqp.user-id", b"guest"),
    ("app_id", "shop", "amqp.app-id", b"shop"),
    ("cluster_id", "c1", "amqp.cluster-id", b"c1"),
]
# Header table values and their record headers: (value, record header bytes).
HEADER_CELLS = {
    "s": ("text", b"text"),
    "i": (-5, b"-5"),
    "big": (2**40, b"1099511627776"),
    "b": (True, b"true"),
    "d": (decimal.Decimal("1.5"), b"1.5"),  # pika has no float field type
    "ts": (datetime.datetime(2024, 1, 2, 3, 4, 5), b"1704164645"),
    "bytes": (b"\xff\x00", b"\xff\x00"),
    "list": ([1, "x"], b'[1,"x"]'),
    "table": ({"k": 1}, b'{"k":1}'),
    "none": (None, None),
}


def test_every_amqp_property_and_header_is_a_readable_kafka_header(amqp_broker, amqp):
    q = uid("readable")
    ch = amqp.publisher()
    ch.queue_declare(q, durable=True)
    props = pika.BasicProperties(**{attr: v for attr, v, _, _ in PROPERTY_CELLS},
                                 headers={k: v for k, (v, _) in HEADER_CELLS.items()})
    ch.basic_publish("", q, b"body", props)
    [m] = kafka_read(amqp_broker.daemon.bootstrap, f"amqp.{q}", 1)
    h = dict(m.headers())
    for attr, _, header, want in PROPERTY_CELLS:
        assert h.get(header) == want, f"{attr} -> {header}: {h.get(header)!r}"
    for name, (_, want) in HEADER_CELLS.items():
        assert f"amqp.header.{name}" in h and h[f"amqp.header.{name}"] == want, name
    # AMQP -> log -> AMQP: every property and header type as published.
    _, got, body = get_one(ch, q)
    assert body == b"body"
    for attr, v, _, _ in PROPERTY_CELLS:
        assert getattr(got, attr) == v, attr
    assert got.headers == {k: v for k, (v, _) in HEADER_CELLS.items()}


def test_kafka_records_set_amqp_properties_through_readable_headers(amqp_broker, amqp):
    q = uid("props")
    ch = amqp.channel()
    ch.queue_declare(q, durable=True)
    seen = Deliveries(ch, q)
    p = Producer({"bootstrap.servers": amqp_broker.daemon.bootstrap, "acks": "all"})
    p.produce(f"amqp.{q}", key=b"rk", value=b"v",
              headers=[(header, raw) for _, _, header, raw in PROPERTY_CELLS]
              + [("amqp.header.tenant", b"acme"), ("trace", b"t-1")])
    assert p.flush(10) == 0
    [d] = seen.wait(1)
    for attr, v, header, _ in PROPERTY_CELLS:
        assert getattr(d.props, attr) == v, f"{header} -> {attr}: {getattr(d.props, attr)!r}"
    assert d.props.headers == {"tenant": "acme", "trace": "t-1"}
    ch.basic_ack(d.tag)


def test_kafka_records_reach_amqp_consumers(amqp_broker, amqp):
    q = uid("jobs")
    ch = amqp.channel()
    ch.queue_declare(q, durable=True)
    seen = Deliveries(ch, q)
    p = Producer({"bootstrap.servers": amqp_broker.daemon.bootstrap, "acks": "all"})
    p.produce(f"amqp.{q}", key=b"job.created", value=b"payload-1",
              headers=[("trace", b"t-9"), ("bin", b"\xff\x00")])
    p.produce(f"amqp.{q}", value=b"payload-2")
    assert p.flush(10) == 0
    d1, d2 = seen.wait(2)
    assert d1.body == b"payload-1" and d2.body == b"payload-2"
    assert d1.method.routing_key == "job.created" and d2.method.routing_key == ""
    assert d1.props.headers == {"trace": "t-9", "bin": b"\xff\x00"}
    assert d2.props.headers is None
    ch.basic_ack(d2.tag, multiple=True)


def test_mqtt_publishes_reach_an_amqp_queue_through_a_route(daemon_factory):
    q = "sensors"
    d = daemon_factory(config_text=f"""
[[mqtt.routes]]
filter = "sensors/#"
topic = "amqp.{q}"
""")
    broker = AmqpBroker.of_daemon(d)
    conn = broker.connect()
    try:
        ch = conn.channel()
        ch.queue_declare(q, durable=True)
        seen = Deliveries(ch, q, auto_ack=True)
        pub = MqttClient(MqttBroker.of_daemon(d), V5)
        try:
            pub.connect()
            pub.publish("sensors/1/temp", b"21.5", qos=1)
        finally:
            pub.close()
        [got] = seen.wait(1)
        assert (got.method.routing_key, got.body) == ("sensors/1/temp", b"21.5")
        assert "mqtt.qos" in got.props.headers
    finally:
        conn.close()


def test_an_exchange_with_x_log_topic_writes_every_publish_to_that_topic(amqp_broker, amqp):
    ch = amqp.publisher()
    ex, q, topic = uid("orders-ex"), uid("orders-q"), uid("orders-log")
    ch.exchange_declare(ex, "topic", arguments={"x-log-topic": topic})
    ch.queue_declare(q)
    ch.queue_bind(q, ex, routing_key="eu.#")
    ch.basic_publish(ex, "eu.paris", b"to the queue and the topic",
                     pika.BasicProperties(message_id="o-1"))
    # Bound nowhere, but stored in the topic: not returned as unroutable.
    ch.basic_publish(ex, "us.nyc", b"only the topic", mandatory=True)
    m1, m2 = kafka_read(amqp_broker.daemon.bootstrap, topic, 2)
    assert (m1.key(), m1.value()) == (b"eu.paris", b"to the queue and the topic")
    assert (m2.key(), m2.value()) == (b"us.nyc", b"only the topic")
    assert dict(m1.headers())["amqp.exchange"] == ex.encode()
    _, props, body = get_one(ch, q)
    assert body == b"to the queue and the topic" and props.message_id == "o-1"


def test_x_log_topic_must_be_a_valid_topic_name(amqp):
    ch = amqp.channel()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as e:
        ch.exchange_declare(uid("bad"), "fanout", arguments={"x-log-topic": "no spaces allowed"})
    assert e.value.reply_code == 406


def test_records_deleted_under_a_byte_limited_queue_free_their_room(amqp_broker, amqp):
    """Kafka DeleteRecords on a queue's topic: the deleted messages no longer count towards
    x-max-length-bytes."""
    from confluent_kafka.admin import AdminClient
    q = uid("bytes")
    ch = amqp.publisher()
    ch.queue_declare(q, arguments={"x-max-length-bytes": 10, "x-overflow": "reject-publish"})
    ch.basic_publish("", q, b"aaaa")
    ch.basic_publish("", q, b"bbbb")
    admin = AdminClient({"bootstrap.servers": amqp_broker.daemon.bootstrap})
    [f] = admin.delete_records([TopicPartition(f"amqp.{q}", 0, 2)]).values()
    f.result(10)
    ch.basic_publish("", q, b"cccccc")  # 6 bytes: refused if the deleted 8 still counted
    _, _, body = get_one(ch, q)
    assert body == b"cccccc"

