"""AMQP and the other protocols on the same logs (robustmqd only). A queue is the log topic
`amqp.<queue name>` (when the name is a valid topic name and free; otherwise `amqp.q-<id>`),
one partition, so:

- what AMQP publishes to a queue is read by Kafka consumers of that topic: key = routing key,
  value = body, headers `amqp.exchange` and `amqp.properties` (the content-header property
  bytes as published, so AMQP -> log -> AMQP is lossless);
- what Kafka produces to that topic, or MQTT publishes through a route to it, reaches the
  queue's AMQP consumers: routing key = record key, body = value, and the record headers as
  the message's `headers` table.
"""

from __future__ import annotations

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
