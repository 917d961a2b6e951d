"""AMQP 0-9-1 over TLS (`listeners.amqp_tls`, 5671 by convention) with pika and a certificate it
trusts; messages cross between the TLS and the plain listener of one daemon (robustmqd only)."""

from __future__ import annotations

import ssl

import pika
import pytest

from amqp_support import AmqpBroker, get_one, uid
from conftest import free_ports
from test_mqtt_tls_routes import make_cert

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(60)]


def test_tls_listener_carries_amqp(daemon_factory, tmp_path):
    cert, key = make_cert(tmp_path)
    tls_port, = free_ports(1)
    d = daemon_factory(args=["--amqp-tls-listen", f"127.0.0.1:{tls_port}"],
                       env={"ROBUSTMQ_AMQP__TLS_CERT": str(cert),
                            "ROBUSTMQ_AMQP__TLS_KEY": str(key)})
    context = ssl.create_default_context(cafile=str(cert))
    params = pika.ConnectionParameters("127.0.0.1", tls_port,
                                       ssl_options=pika.SSLOptions(context, "127.0.0.1"))
    q = uid("tls")
    conn = pika.BlockingConnection(params)
    try:
        ch = conn.channel()
        ch.confirm_delivery()
        ch.queue_declare(q, durable=True)
        ch.basic_publish("", q, b"over tls")
    finally:
        conn.close()
    plain = AmqpBroker.of_daemon(d).connect()
    try:
        _, _, body = get_one(plain.channel(), q)
        assert body == b"over tls"
    finally:
        plain.close()


def test_tls_listener_needs_a_certificate(daemon_factory):
    tls_port, = free_ports(1)
    d = daemon_factory(args=["--amqp-tls-listen", f"127.0.0.1:{tls_port}"], start=False)
    d.spawn()
    assert d.proc.wait(30) != 0
    assert "listeners.amqp_tls needs amqp.tls_cert and amqp.tls_key" in d.last_run_output()
