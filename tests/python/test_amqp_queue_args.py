"""Queue arguments as RabbitMQ reads them: x-message-ttl and per-message expiration (expired
messages are dropped at the head, or dead-lettered), x-dead-letter-exchange /
x-dead-letter-routing-key with the x-death header, x-max-length and x-max-length-bytes with
drop-head, reject-publish and reject-publish-dlx, x-single-active-consumer, x-expires, and the 406 for arguments the
server does not implement. Checked against RabbitMQ 3.10 with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import time

import pika
import pytest
from pika.exceptions import ChannelClosedByBroker, NackError

from amqp_support import (Deliveries, drain, get_one, message_count, passive_error, pump_quiet,
                          pump_until, uid)

pytestmark = [pytest.mark.timeout(60)]


def dead_letter_pair(ch, **args):
    """A queue whose dead letters go through a fanout exchange to a second queue."""
    q, dlx, dead = uid("src"), uid("dlx"), uid("dead")
    ch.exchange_declare(dlx, "fanout")
    ch.queue_declare(dead)
    ch.queue_bind(dead, dlx)
    ch.queue_declare(q, arguments={"x-dead-letter-exchange": dlx, **args})
    return q, dead


def test_message_ttl_drops_old_messages(amqp):
    ch = amqp.publisher()
    q = uid("ttl")
    ch.queue_declare(q, arguments={"x-message-ttl": 200})
    ch.basic_publish("", q, b"old")
    time.sleep(0.4)
    ch.basic_publish("", q, b"new")
    assert drain(ch, q) == [b"new"]


def test_per_message_expiration(amqp):
    ch = amqp.publisher()
    q = uid("exp")
    ch.queue_declare(q)
    ch.basic_publish("", q, b"short", pika.BasicProperties(expiration="100"))
    ch.basic_publish("", q, b"long", pika.BasicProperties(expiration="60000"))
    time.sleep(0.3)
    method, props, body = get_one(ch, q)
    assert body == b"long" and props.expiration == "60000"
    assert drain(ch, q) == []


def test_expired_messages_are_dead_lettered_with_x_death(amqp):
    ch = amqp.publisher()
    q, dead = dead_letter_pair(ch, **{"x-message-ttl": 100})
    ch.basic_publish("", q, b"late", pika.BasicProperties(headers={"k": "v"}))
    method, props, body = get_one(ch, dead, timeout=10)
    assert body == b"late"
    assert props.headers["k"] == "v"
    [death] = props.headers["x-death"]
    assert (death["queue"], death["reason"], death["count"]) == (q, "expired", 1)
    assert death["exchange"] == "" and death["routing-keys"] == [q]
    assert props.headers["x-first-death-reason"] == "expired"
    assert props.headers["x-first-death-queue"] == q


def test_rejected_messages_are_dead_lettered_with_a_routing_key(amqp):
    ch = amqp.publisher()
    dlx, dead, q = uid("dlx"), uid("dead"), uid("src")
    ch.exchange_declare(dlx, "direct")
    ch.queue_declare(dead)
    ch.queue_bind(dead, dlx, routing_key="failed")
    ch.queue_declare(q, arguments={"x-dead-letter-exchange": dlx,
                                   "x-dead-letter-routing-key": "failed"})
    ch.basic_publish("", q, b"bad job")
    ch.basic_publish("", q, b"good job")
    m1, _, _ = get_one(ch, q, auto_ack=False)
    m2, _, _ = get_one(ch, q, auto_ack=False)
    ch.basic_reject(m1.delivery_tag, requeue=False)
    ch.basic_nack(m2.delivery_tag, requeue=True)
    method, props, body = get_one(ch, dead)
    assert body == b"bad job" and method.routing_key == "failed"
    assert props.headers["x-death"][0]["reason"] == "rejected"
    assert drain(ch, q) == [b"good job"]


def test_max_length_drop_head(amqp):
    ch = amqp.publisher()
    q, dead = dead_letter_pair(ch, **{"x-max-length": 2})
    for b in (b"1", b"2", b"3", b"4"):
        ch.basic_publish("", q, b)
    assert message_count(ch, q) == 2
    assert drain(ch, q) == [b"3", b"4"]
    pump_until(ch.connection, lambda: message_count(ch, dead) == 2, what="2 dead letters")
    got = drain(ch, dead)
    assert got == [b"1", b"2"]


def test_max_length_reject_publish_nacks(amqp):
    ch = amqp.publisher()
    q = uid("full")
    ch.queue_declare(q, arguments={"x-max-length": 1, "x-overflow": "reject-publish"})
    ch.basic_publish("", q, b"first")
    with pytest.raises(NackError):
        ch.basic_publish("", q, b"second")
    assert drain(ch, q) == [b"first"]


def test_max_length_bytes_drop_head_counts_body_bytes(amqp):
    ch = amqp.publisher()
    q, dead = dead_letter_pair(ch, **{"x-max-length-bytes": 10})
    for b in (b"aaaa", b"bbbb", b"cccc", b"", b"dd"):
        ch.basic_publish("", q, b)
    # 4 + 4 + 4 > 10: the oldest goes; the empty body and "dd" fit (4 + 4 + 0 + 2 = 10).
    assert message_count(ch, q) == 4
    pump_until(ch.connection, lambda: message_count(ch, dead) == 1, what="1 dead letter")
    assert drain(ch, dead) == [b"aaaa"]
    # Taking one out makes room again; a requeued one counts again.
    method, _, body = get_one(ch, q, auto_ack=False)
    assert body == b"bbbb"
    ch.basic_publish("", q, b"eeee")
    ch.basic_nack(method.delivery_tag, requeue=True)
    ch.basic_publish("", q, b"f")
    # 4 (requeued, at the head) + 4 + 0 + 2 + 4 + 1 = 15: the two oldest go.
    assert drain(ch, q) == [b"", b"dd", b"eeee", b"f"]
    pump_until(ch.connection, lambda: message_count(ch, dead) == 2, what="2 more dead letters")
    assert drain(ch, dead) == [b"bbbb", b"cccc"]


def test_max_length_bytes_reject_publish_refuses_once_full(amqp):
    ch = amqp.publisher()
    q = uid("bytes")
    ch.queue_declare(q, arguments={"x-max-length-bytes": 5, "x-overflow": "reject-publish"})
    ch.basic_publish("", q, b"abc")
    with pytest.raises(NackError):
        ch.basic_publish("", q, b"def")  # 3 + 3 > 5
    ch.basic_publish("", q, b"de")  # 3 + 2 = 5 fits
    with pytest.raises(NackError):
        ch.basic_publish("", q, b"f")
    assert drain(ch, q) == [b"abc", b"de"]
    ch.basic_publish("", q, b"h")
    assert drain(ch, q) == [b"h"]


def test_single_active_consumer(amqp):
    ch = amqp.publisher()
    q = uid("sac")
    ch.queue_declare(q, arguments={"x-single-active-consumer": True})
    c1 = amqp.channel()
    c2 = amqp.channel()
    first = Deliveries(c1, q, auto_ack=True)
    second = Deliveries(c2, q, auto_ack=True)
    pump_quiet(c2.connection, 0.2)
    for i in range(6):
        ch.basic_publish("", q, b"m%d" % i)
    first.wait(6)
    pump_quiet(c2.connection, 0.3)
    assert second.got == []
    c1.basic_cancel(first.tag)
    ch.basic_publish("", q, b"after")
    [d] = second.wait(1)
    assert d.body == b"after"


def test_x_expires_deletes_an_unused_queue(amqp):
    ch = amqp.channel()
    q = uid("expires")
    ch.queue_declare(q, arguments={"x-expires": 200})
    conn = ch.connection
    deadline = time.monotonic() + 10
    # A declare (even passive) counts as a use, so look less often than the expiry.
    while True:
        conn.sleep(0.6)
        if passive_error(conn, q) == 404:
            break
        assert time.monotonic() < deadline, "the queue was not deleted"


def test_invalid_argument_values_are_refused(amqp):
    ch = amqp.channel()
    with pytest.raises(ChannelClosedByBroker) as e:
        ch.queue_declare(uid("bad"), arguments={"x-message-ttl": -5})
    assert e.value.reply_code == 406
    ch = amqp.channel()
    with pytest.raises(ChannelClosedByBroker) as e:
        ch.queue_declare(uid("bad"), arguments={"x-overflow": "sideways"})
    assert e.value.reply_code == 406


def test_dead_letters_do_not_cycle_by_expiry(amqp):
    """A queue whose dead letters come back to it (TTL, DLX routing to itself): the message dies
    once and is then dropped, not re-queued forever (RabbitMQ's cycle rule)."""
    ch = amqp.publisher()
    q, dlx = uid("loop"), uid("loop-dlx")
    ch.exchange_declare(dlx, "fanout")
    ch.queue_declare(q, arguments={"x-message-ttl": 100, "x-dead-letter-exchange": dlx})
    ch.queue_bind(q, dlx)
    ch.basic_publish("", q, b"once")
    time.sleep(1.0)
    assert message_count(ch, q) == 0


def test_ttl_zero_reaches_a_waiting_consumer(amqp):
    ch = amqp.publisher()
    q = uid("ttl0")
    ch.queue_declare(q, arguments={"x-message-ttl": 0})
    c = amqp.channel()
    seen = Deliveries(c, q, auto_ack=True)
    pump_quiet(c.connection, 0.2)
    ch.basic_publish("", q, b"now")
    [d] = seen.wait(1)
    assert d.body == b"now"
