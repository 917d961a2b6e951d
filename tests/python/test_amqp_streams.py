"""Stream queues (x-queue-type = stream) over AMQP 0-9-1, as RabbitMQ serves them: durable,
non-destructive, every consumer at its own x-stream-offset, the offset in each delivery's
headers, and 540 for what a stream does not do. Checked against RabbitMQ 3.10 with
ROBUSTMQ_AMQP_PEER=rabbitmq."""

from __future__ import annotations

import datetime
import json
import subprocess

import pika
import pytest
from pika.exceptions import ChannelClosedByBroker, ConnectionClosedByBroker

from amqp_support import pump_quiet, pump_until, uid

pytestmark = [pytest.mark.timeout(60)]

STREAM = {"x-queue-type": "stream"}


def stream_with(ch, n: int) -> str:
    """A stream holding messages b"0" .. b"n-1", each confirmed (its own chunk in RabbitMQ)."""
    q = uid("stream")
    ch.queue_declare(q, durable=True, arguments=STREAM)
    ch.confirm_delivery()
    for i in range(n):
        ch.basic_publish("", q, b"%d" % i)
    return q


def read(conn, q: str, offset=None, prefetch: int = 100, expect: int | None = None):
    """(body, x-stream-offset) of what a new consumer at `offset` gets."""
    ch = conn.channel()
    ch.basic_qos(prefetch_count=prefetch)
    got = []
    args = {} if offset is None else {"x-stream-offset": offset}

    def on_message(c, m, p, body):
        got.append((body, (p.headers or {}).get("x-stream-offset")))
        c.basic_ack(m.delivery_tag)

    ch.basic_consume(q, on_message, arguments=args)
    if expect is None:
        pump_quiet(conn, 0.5)
    else:
        pump_until(conn, lambda: len(got) >= expect, what=f"{expect} messages")
        pump_quiet(conn, 0.2)
    ch.close()
    return got


def test_declaring_a_stream_takes_only_what_a_stream_is(amqp):
    conn = amqp.connect()
    for kw, prop in [({}, "non-durable"), ({"durable": True, "exclusive": True}, "exclusive-owner"),
                     ({"durable": True, "auto_delete": True}, "auto-delete")]:
        with pytest.raises(ChannelClosedByBroker) as e:
            conn.channel().queue_declare(uid("s"), arguments=STREAM, **kw)
        assert e.value.reply_code == 406 and f"invalid property '{prop}'" in e.value.reply_text
    for arg, v in [("x-max-length", 10), ("x-message-ttl", 1000), ("x-dead-letter-exchange", "x"),
                   ("x-overflow", "reject-publish"), ("x-expires", 10000)]:
        with pytest.raises(ChannelClosedByBroker) as e:
            conn.channel().queue_declare(uid("s"), durable=True, arguments={**STREAM, arg: v})
        assert e.value.reply_code == 406 and f"invalid arg '{arg}'" in e.value.reply_text
    ch = conn.channel()
    ok = ch.queue_declare(uid("s"), durable=True, arguments={
        **STREAM, "x-max-age": "7D", "x-max-length-bytes": 10_000_000,
        "x-stream-max-segment-size-bytes": 1_000_000})
    assert ok.method.message_count == 0


def test_each_consumer_reads_from_its_own_offset_and_nothing_is_removed(amqp):
    conn = amqp.connect()
    q = stream_with(conn.channel(), 5)
    everything = [(b"%d" % i, i) for i in range(5)]
    assert read(conn, q, "first", expect=5) == everything
    # Reading took nothing away.
    assert read(conn, q, "first", expect=5) == everything
    assert read(conn, q, 2, expect=3) == everything[2:]
    assert read(conn, q, -1, expect=5) == everything  # before the start: from the start
    assert read(conn, q, "last", expect=1) == everything[4:]
    assert read(conn, q, "10m", expect=5) == everything
    an_hour_ago = datetime.datetime.now() - datetime.timedelta(hours=1)  # a timestamp field
    assert read(conn, q, an_hour_ago, expect=5) == everything
    assert read(conn, q, 100) == []
    assert read(conn, q, "next") == []
    assert conn.channel().queue_declare(q, durable=True, arguments=STREAM).method.message_count == 0


def test_a_consumer_at_next_gets_what_is_published_after_it(amqp):
    conn = amqp.connect()
    pub = conn.channel()
    q = stream_with(pub, 3)
    ch = conn.channel()
    ch.basic_qos(prefetch_count=10)
    got = []
    ch.basic_consume(q, lambda c, m, p, b: (got.append((b, p.headers["x-stream-offset"])),
                                            c.basic_ack(m.delivery_tag)))
    pump_quiet(conn, 0.3)
    assert got == []
    pub.basic_publish("", q, b"new", pika.BasicProperties(headers={"k": "v"}))
    pump_until(conn, lambda: got, what="the new message")
    assert got == [(b"new", 3)]


def test_the_prefetch_window_bounds_what_is_unacknowledged(amqp):
    conn = amqp.connect()
    q = stream_with(conn.channel(), 5)
    ch = conn.channel()
    ch.basic_qos(prefetch_count=2)
    tags = []
    ch.basic_consume(q, lambda c, m, p, b: tags.append(m.delivery_tag),
                     arguments={"x-stream-offset": "first"})
    pump_until(conn, lambda: len(tags) == 2, what="two deliveries")
    pump_quiet(conn, 0.3)
    assert len(tags) == 2
    ch.basic_ack(tags[-1], multiple=True)
    pump_until(conn, lambda: len(tags) == 4, what="two more after the ack")


def test_what_a_stream_does_not_do_is_refused(amqp):
    q = stream_with(amqp.channel(), 2)
    with pytest.raises(ConnectionClosedByBroker) as e:
        amqp.channel().basic_get(q)
    assert e.value.reply_code == 540 and "basic.get not supported by stream queues" in e.value.reply_text
    with pytest.raises(ConnectionClosedByBroker) as e:
        amqp.channel().queue_purge(q)
    assert e.value.reply_code == 540 and "queue.purge not supported" in e.value.reply_text
    with pytest.raises(ChannelClosedByBroker) as e:
        amqp.channel().basic_consume(q, lambda *a: None)  # no basic.qos
    assert e.value.reply_code == 406 and "prefetch count is not set" in e.value.reply_text
    ch = amqp.channel()
    ch.basic_qos(prefetch_count=10)
    with pytest.raises(ConnectionClosedByBroker) as e:
        ch.basic_consume(q, lambda *a: None, auto_ack=True)
    assert e.value.reply_code == 540 and "automatic acknowledgement" in e.value.reply_text
    conn = amqp.connect()
    ch = conn.channel()
    ch.basic_qos(prefetch_count=10)
    tags = []
    ch.basic_consume(q, lambda c, m, p, b: tags.append(m.delivery_tag),
                     arguments={"x-stream-offset": "first"})
    pump_until(conn, lambda: tags, what="a delivery")
    ch.basic_nack(tags[0], requeue=True)
    with pytest.raises(ConnectionClosedByBroker) as e:
        pump_until(conn, lambda: False, timeout=5, what="connection.close")
    assert e.value.reply_code == 540 and "basic.nack and basic.reject" in e.value.reply_text


@pytest.mark.robustmqd_only
def test_a_stream_is_a_log_topic_with_its_retention_readable_by_kafka_and_kept_across_restart(
        amqp_broker, amqp):
    from support import consumer, poll_messages
    d = amqp_broker.daemon
    conn = amqp.connect()
    ch = conn.channel()
    q = uid("events")
    ch.queue_declare(q, durable=True, arguments={**STREAM, "x-max-age": "2h",
                                                 "x-max-length-bytes": 5_000_000})
    ch.confirm_delivery()
    for i in range(3):
        ch.basic_publish("", q, b"e%d" % i, pika.BasicProperties(delivery_mode=2))
    topic = f"amqp.{q}"
    described = subprocess.run(
        [str(d.binary.parent / "robustmq"), "--server", d.admin_addr, "-o", "json",
         "topic", "describe", topic], capture_output=True, check=True)
    configs = {c["name"]: c["value"] for c in json.loads(described.stdout)["configs"]}
    assert configs["retention.ms"] == str(2 * 3600 * 1000)
    assert configs["retention.bytes"] == "5000000"
    c = consumer(d.bootstrap, uid("g"))
    c.subscribe([topic])
    assert [m.value() for m in poll_messages(c, 3)] == [b"e0", b"e1", b"e2"]
    c.close()
    amqp.close_all()
    amqp_broker.crash_and_start()
    conn = amqp_broker.connect()
    assert read(conn, q, "first", expect=3) == [(b"e%d" % i, i) for i in range(3)]
    conn.close()
