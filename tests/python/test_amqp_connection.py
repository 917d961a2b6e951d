"""AMQP 0-9-1 connections and channels: login as guest/guest, the server's capabilities,
the protocol header exchange for a header the server does not speak, an unknown vhost
(connection.close 530), a wrong password (403, robustmqd-only: the user comes from its CLI),
and channel errors that close only the channel (406 on an inequivalent redeclare, 404 on a
passive declare of something missing or a publish to a missing exchange).

Generic: these run against robustmqd, or against RabbitMQ with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pytest
from pika.exceptions import ProbableAccessDeniedError, ProbableAuthenticationError

from amqp_support import (AMQP_091_HEADER, channel_error, get_one, raw_reply, uid,
                          wait_channel_closed)
from test_mqtt_auth import cli

pytestmark = pytest.mark.timeout(60)


def roundtrip(conn, body: bytes = b"ping") -> None:
    """Declare a server-named queue on a new channel, publish to it and get the message."""
    ch = conn.channel()
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.basic_publish("", q, body)
    assert get_one(ch, q)[2] == body
    ch.close()


def test_guest_login_and_capabilities(amqp):
    conn = amqp.connect(user="guest", password="guest")
    assert conn.is_open
    assert conn.publisher_confirms_supported is True
    assert conn.basic_nack_supported is True
    caps = conn._impl.server_properties["capabilities"]
    assert caps["publisher_confirms"] is True and caps["basic.nack"] is True, caps
    roundtrip(conn)
    conn.close()
    assert conn.is_closed


@pytest.mark.parametrize("header", [b"AMQP\x00\x00\x08\x00", b"AMQP\x00\x00\x09\x02", b"HTTP/1.1",
                                    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"AMQP\x00\x01\x00\x00"],
                         ids=["0-8", "0-9-2", "http-8-bytes", "http-request", "amqp-1.0"])
def test_unsupported_protocol_header_is_answered_with_0_9_1(amqp_broker, header):
    assert raw_reply(amqp_broker, header) == AMQP_091_HEADER


def test_connection_survives_many_channels(amqp):
    conn = amqp.connect()
    chans = [conn.channel() for _ in range(5)]
    assert len({c.channel_number for c in chans}) == 5
    queues = []
    for i, ch in enumerate(chans):
        q = ch.queue_declare("", exclusive=True).method.queue
        ch.basic_publish("", q, b"on channel %d" % i)
        queues.append(q)
    for i, (ch, q) in enumerate(zip(reversed(chans), reversed(queues))):
        assert get_one(ch, q)[2] == b"on channel %d" % (4 - i)


def test_unknown_vhost_is_refused_with_530(amqp):
    with pytest.raises(ProbableAccessDeniedError) as e:
        amqp.connect(vhost=uid("no-such-vhost"))
    # pika keeps the broker's connection.close only in the text: "ConnectionClosedByBroker: (530) ..."
    assert str(e.value.args[0]).startswith("ConnectionClosedByBroker: (530)"), e.value.args


@pytest.mark.robustmqd_only
def test_wrong_password_is_refused_with_403(amqp):
    user = uid("amqp-user")
    cli(amqp.broker.daemon, "user", "add", user, "--password", "right-pw")
    roundtrip(amqp.connect(user=user, password="right-pw"))
    for pw in ("wrong-pw", "", "RIGHT-PW"):
        with pytest.raises(ProbableAuthenticationError) as e:
            amqp.connect(user=user, password=pw)
        assert str(e.value.args[0]).startswith("ConnectionClosedByBroker: (403)"), e.value.args
    # A user that does not exist is admitted while anonymous access is on (the default).
    roundtrip(amqp.connect(user=uid("nobody"), password="anything"))


def test_inequivalent_exchange_redeclare_closes_only_the_channel(amqp):
    conn = amqp.connect()
    ch = conn.channel()
    ex = uid("ex")
    ch.exchange_declare(ex, "direct")
    with channel_error(406):
        ch.exchange_declare(ex, "fanout")
    assert ch.is_closed and conn.is_open
    ch2 = conn.channel()
    ch2.exchange_declare(ex, "direct")  # equivalent: fine
    q = ch2.queue_declare("", exclusive=True).method.queue
    ch2.queue_bind(q, ex, "k")
    ch2.basic_publish(ex, "k", b"still works")
    assert get_one(ch2, q)[2] == b"still works"


def test_passive_declare_of_missing_queue_and_exchange_is_404(amqp):
    conn = amqp.connect()
    with channel_error(404):
        conn.channel().queue_declare(uid("missing-q"), passive=True)
    with channel_error(404):
        conn.channel().exchange_declare(uid("missing-ex"), passive=True)
    assert conn.is_open
    roundtrip(conn)


def test_publish_to_missing_exchange_closes_the_channel_with_404(amqp):
    conn = amqp.connect()
    ch = conn.channel()
    ch.basic_publish(uid("missing-ex"), "k", b"lost")
    wait_channel_closed(ch, 404)
    assert conn.is_open
    roundtrip(conn)
