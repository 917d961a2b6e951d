"""MQTT over TLS (paho with a CA it trusts) and routes that store MQTT topic filters in other
log topics, checked from the Kafka side (robustmqd only)."""

from __future__ import annotations

import subprocess

import pytest
from confluent_kafka import TopicPartition

from conftest import free_ports
from mqtt_support import V5, V311, MqttBroker, MqttClient, peer, uid
from support import consumer, poll_messages

pytestmark = pytest.mark.skipif(peer() is not None, reason="robustmqd-only: TLS and route config")


def make_cert(dir_path):
    """A self-signed EC certificate for 127.0.0.1 (its own CA), with openssl."""
    cert, key = dir_path / "cert.pem", dir_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "2", "-subj", "/CN=robustmq-test",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_tls_listener_carries_mqtt(daemon_factory, tmp_path, version):
    cert, key = make_cert(tmp_path)
    tls_port, = free_ports(1)
    d = daemon_factory(args=["--mqtt-tls-listen", f"127.0.0.1:{tls_port}"],
                       env={"ROBUSTMQ_MQTT__TLS_CERT": str(cert),
                            "ROBUSTMQ_MQTT__TLS_KEY": str(key)})
    tls = MqttBroker("robustmqd", "127.0.0.1", tls_port, None, d)
    topic = uid("tls") + "/t"
    sub = MqttClient(tls, version)
    sub.c.tls_set(ca_certs=str(cert))
    pub = MqttClient(MqttBroker.of_daemon(d), version)  # plain TCP, same broker
    try:
        sub.connect()
        assert sub.subscribe(topic, 1) == [1]
        pub.connect()
        pub.publish(topic, b"over tls", qos=1)
        [m] = sub.messages.wait_exactly(1)
        assert (m.topic, m.payload, m.qos) == (topic, b"over tls", 1)
    finally:
        sub.close()
        pub.close()


def test_tls_listener_needs_cert_and_key(daemon_factory):
    port, = free_ports(1)
    d = daemon_factory(start=False, args=["--mqtt-tls-listen", f"127.0.0.1:{port}"])
    d.spawn()
    rc = d.proc.wait(30)
    assert rc != 0
    assert "mqtt.tls_cert and mqtt.tls_key" in d.last_run_output()


def test_routes_store_filters_in_their_own_log_topic(daemon_factory):
    config = """
[mqtt]
log_partitions = 2

[[mqtt.routes]]
filter = "metrics/#"
topic = "metrics-log"
"""
    d = daemon_factory(config_text=config)
    broker = MqttBroker.of_daemon(d)
    sub = MqttClient(broker, V5)
    pub = MqttClient(broker, V5)
    try:
        sub.connect()
        assert sub.subscribe("#", 1) == [1]
        pub.connect()
        pub.publish("metrics/cpu", b"42", qos=1)
        pub.publish("other/x", b"7", qos=1)
        got = {(m.topic, m.payload) for m in sub.messages.wait_exactly(2)}
        assert got == {("metrics/cpu", b"42"), ("other/x", b"7")}
    finally:
        sub.close()
        pub.close()
    c = consumer(d.bootstrap)
    try:
        c.assign([TopicPartition("metrics-log", 0, 0), TopicPartition("metrics-log", 1, 0)])
        [m] = poll_messages(c, 1)
        assert (m.key(), m.value()) == (b"metrics/cpu", b"42")
    finally:
        c.close()
    c = consumer(d.bootstrap)
    try:
        c.assign([TopicPartition("mqtt", 0, 0), TopicPartition("mqtt", 1, 0)])
        [m] = poll_messages(c, 1)
        assert (m.key(), m.value()) == (b"other/x", b"7")
    finally:
        c.close()
