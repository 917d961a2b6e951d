"""MQTT and Kafka on the same log in robustmqd. Every MQTT PUBLISH is appended to the log
topic `mqtt` (1 partition): key = MQTT topic name, value = payload, headers `mqtt.qos`,
`mqtt.retain` (only when set), `mqtt.payload_format`, `mqtt.content_type`,
`mqtt.response_topic`, `mqtt.correlation_data`, `mqtt.message_expiry` and one plain header
per MQTT 5 user property. A Kafka record produced to `mqtt` reaches MQTT subscribers whose
filter matches its key, at QoS min(1, subscription QoS) unless its `mqtt.qos` header says
otherwise, with its headers as MQTT 5 user properties.

robustmqd-only: checked with confluent-kafka on robustmqd's Kafka listener.
"""

from __future__ import annotations

import pytest
from confluent_kafka import Producer

from mqtt_support import V311, V5, MqttBroker, uid
from support import admin, read_partition, topic_ready, wait_until, watermarks

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(90)]

LOG = "mqtt"


@pytest.fixture
def broker(mqtt_broker) -> MqttBroker:
    """robustmqd (the same daemon the `mqtt` fixture's clients connect to)."""
    assert mqtt_broker.is_robustmqd, "robustmqd-only test"
    return mqtt_broker


def log_records(bootstrap: str, prefix: str, n: int, timeout: float = 15.0) -> list:
    """The records of `mqtt` whose key starts with prefix, once there are at least n of them
    (other records, e.g. from the broker's own $SYS topics, are ignored)."""
    box = []

    def enough():
        lo, hi = watermarks(bootstrap, LOG)
        if hi <= lo:
            return False
        msgs = read_partition(bootstrap, LOG, count=None, timeout=10)
        box[:] = [m for m in msgs if (m.key() or b"").startswith(prefix.encode())]
        return len(box) >= n
    wait_until(enough, timeout, f"{n} records with key prefix {prefix!r} in topic {LOG}")
    return list(box)


def split_headers(msg) -> tuple[dict[str, bytes], list[tuple[str, bytes]]]:
    """(the mqtt.* headers as a dict, every other header in order)."""
    mqtt_h, plain = {}, []
    for k, v in msg.headers() or []:
        if k == "mqtt.client_id":
            # The publisher's client id (No Local works for log replays too); checked on its own.
            assert v, "mqtt.client_id is empty"
            continue
        if k.startswith("mqtt."):
            assert k not in mqtt_h, f"header {k} repeated"
            mqtt_h[k] = v
        else:
            plain.append((k, v))
    return mqtt_h, plain


def test_log_topic_exists_with_one_partition(broker):
    adm = admin(broker.daemon.bootstrap)
    wait_until(lambda: topic_ready(adm, LOG, 1), 15, f"topic {LOG!r} with 1 partition in Kafka metadata")


def test_mqtt5_publish_in_kafka_with_all_properties(broker, mqtt):
    base = uid("m2k")
    pub = mqtt.connect(V5)
    user = [("u1", "a"), ("u2", "b"), ("empty", "")]
    payload = "temp \u2603 21.5".encode()  # UTF-8, as Payload Format Indicator 1 promises
    pub.publish(f"{base}/full", payload, qos=1, PayloadFormatIndicator=1, ContentType="application/x-test",
                ResponseTopic=f"{base}/reply", CorrelationData=b"\x00\xffcorr", MessageExpiryInterval=3600,
                UserProperty=user)
    pub.publish(f"{base}/bare", b"\x00\xff\xfe binary \xc3\x28", qos=2)
    [full] = log_records(broker.daemon.bootstrap, f"{base}/full", 1)
    assert full.key() == f"{base}/full".encode() and full.value() == payload
    assert dict(full.headers())["mqtt.client_id"] == pub.client_id.encode()
    mqtt_h, plain = split_headers(full)
    assert mqtt_h == {
        "mqtt.qos": b"1",
        "mqtt.payload_format": b"1",
        "mqtt.content_type": b"application/x-test",
        "mqtt.response_topic": f"{base}/reply".encode(),
        "mqtt.correlation_data": b"\x00\xffcorr",
        "mqtt.message_expiry": b"3600",
    }, mqtt_h
    assert plain == [(k, v.encode()) for k, v in user], "user properties become headers, in order"
    [bare] = log_records(broker.daemon.bootstrap, f"{base}/bare", 1)
    assert (bare.key(), bare.value()) == (f"{base}/bare".encode(), b"\x00\xff\xfe binary \xc3\x28")
    assert split_headers(bare) == ({"mqtt.qos": b"2"}, [])


@pytest.mark.parametrize("qos,retain", [(0, False), (1, True), (2, False), (2, True)])
def test_mqtt311_publish_in_kafka(broker, mqtt, qos, retain):
    base = uid("m2k")
    pub = mqtt.connect(V311)
    pub.publish(f"{base}/t", b"v311 \x01\x02", qos=qos, retain=retain)
    [m] = log_records(broker.daemon.bootstrap, base, 1)
    assert (m.key(), m.value()) == (f"{base}/t".encode(), b"v311 \x01\x02")
    want = {"mqtt.qos": str(qos).encode()}
    if retain:
        want["mqtt.retain"] = b"1"
    assert split_headers(m) == (want, [])


def test_log_keeps_the_publish_order(broker, mqtt):
    base = uid("order")
    pub = mqtt.connect(V5)
    sent = [(f"{base}/{i % 3}", b"%03d" % i) for i in range(30)]
    for t, p in sent:
        pub.publish(t, p, qos=1)
    got = log_records(broker.daemon.bootstrap, base, 30)
    assert [(m.key().decode(), m.value()) for m in got] == sent
    offsets = [m.offset() for m in got]
    assert offsets == sorted(offsets)


def produce(bootstrap: str, records: list[tuple]) -> None:
    """records: (key, value, headers) produced to `mqtt` partition 0; all acknowledged."""
    adm = admin(bootstrap)
    wait_until(lambda: topic_ready(adm, LOG, 1), 15, f"topic {LOG!r} in Kafka metadata")
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0})
    errors = []
    for key, value, headers in records:
        p.produce(LOG, key=key, value=value, headers=headers or None, partition=0,
                  on_delivery=lambda err, _m: err and errors.append(err))
    assert p.flush(15) == 0 and not errors, errors


def test_kafka_record_reaches_mqtt_subscribers(broker, mqtt):
    v5_q1 = mqtt.subscriber(V5, "sensors/+/temp", 1)
    v3_q0 = mqtt.subscriber(V311, "sensors/+/temp", 0)
    v5_q2 = mqtt.subscriber(V5, "sensors/#", 2)
    other = mqtt.subscriber(V5, "other/#", 1)
    headers = [("unit", b"C"), ("src", b"kafka")]
    produce(broker.daemon.bootstrap, [(b"sensors/1/temp", b"21.5\x00\xff", headers),
                                      (b"sensors/1/humidity", b"40", [])])
    [m] = v5_q1.messages.wait_exactly(1)
    assert (m.topic, m.payload, m.qos, m.retain) == ("sensors/1/temp", b"21.5\x00\xff", 1, False)
    assert m.user_props == [("unit", "C"), ("src", "kafka")]
    [m] = v3_q0.messages.wait_exactly(1)
    assert (m.topic, m.payload, m.qos) == ("sensors/1/temp", b"21.5\x00\xff", 0)
    got = sorted(v5_q2.messages.wait_exactly(2), key=lambda m: m.topic)
    assert [(m.topic, m.qos) for m in got] == [("sensors/1/humidity", 1), ("sensors/1/temp", 1)]
    assert got[0].user_props == []
    produce(broker.daemon.bootstrap, [(b"other/x", b"sentinel", [])])
    assert [(m.topic, m.payload) for m in other.messages.wait_exactly(1)] == [("other/x", b"sentinel")]


@pytest.mark.parametrize("header_qos", [b"0", b"2"])
def test_kafka_record_qos_header(broker, mqtt, header_qos):
    subs = {q: mqtt.subscriber(V5, "sensors/+/temp", q) for q in (0, 1, 2)}
    produce(broker.daemon.bootstrap, [(b"sensors/7/temp", b"q", [("mqtt.qos", header_qos)])])
    for q, s in subs.items():
        [m] = s.messages.wait_exactly(1, quiet=0.1)
        assert m.qos == min(int(header_qos), q), f"subscription QoS {q}"
        assert m.user_props == [], "mqtt.* headers are not user properties"


def test_kafka_record_mqtt_headers_become_properties(broker, mqtt):
    """The mapping works both ways: the mqtt.* headers an MQTT publish gets in the log turn
    back into the PUBLISH properties (offline sessions catch up from the log)."""
    sub = mqtt.subscriber(V5, "sensors/+/temp", 1)
    produce(broker.daemon.bootstrap, [(b"sensors/2/temp", b"{}", [
        ("mqtt.payload_format", b"1"), ("mqtt.content_type", b"application/json"),
        ("mqtt.response_topic", b"reply/to"), ("mqtt.correlation_data", b"\x00\x01"),
        ("x-trace", b"abc")])])
    [m] = sub.messages.wait_exactly(1)
    assert m.p("PayloadFormatIndicator") == 1
    assert m.p("ContentType") == "application/json"
    assert m.p("ResponseTopic") == "reply/to"
    assert m.p("CorrelationData") == b"\x00\x01"
    assert m.user_props == [("x-trace", "abc")]


def test_mqtt_to_kafka_to_mqtt_round_trip(broker, mqtt):
    """A record written by MQTT and one written by Kafka look the same to an MQTT subscriber."""
    base = uid("rt")
    sub = mqtt.subscriber(V5, f"{base}/#", 1)
    mqtt.connect(V5).publish(f"{base}/m", b"via-mqtt", qos=1, ContentType="text/plain",
                             UserProperty=[("k", "v")])
    [rec] = log_records(broker.daemon.bootstrap, f"{base}/m", 1)
    produce(broker.daemon.bootstrap, [(f"{base}/k".encode(), rec.value(), rec.headers())])
    a, b = sub.messages.wait_exactly(2)
    assert (a.topic, b.topic) == (f"{base}/m", f"{base}/k")
    for m in (a, b):
        assert (m.payload, m.qos, m.p("ContentType"), m.user_props) == (b"via-mqtt", 1, "text/plain", [("k", "v")])


def test_kafka_records_without_a_valid_topic_are_not_delivered(broker, mqtt):
    everything = mqtt.subscriber(V5, "#", 1)
    produce(broker.daemon.bootstrap, [
        (None, b"no key", []),
        (b"", b"empty key", []),
        (b"a/+/c", b"wildcard key", []),
        (b"a/#", b"hash key", []),
        (b"\xff\xfe", b"not utf-8", []),
        (b"fine/topic", b"delivered", []),
    ])
    everything.messages.wait_topic("fine/topic")
    got = everything.messages.wait_settled(1)
    assert [(m.topic, m.payload) for m in got if not m.topic.startswith("$")] == [("fine/topic", b"delivered")]
    assert broker.daemon.alive()


# Repeated header / user property names keep every value, in order, both ways (Kafka and MQTT 5
# both allow repeats).
def test_repeated_user_property_names_reach_kafka(broker, mqtt):
    base = uid("m2k")
    pub = mqtt.connect(V5)
    user = [("u1", "a"), ("u2", "b"), ("u1", "c")]
    pub.publish(f"{base}/rep", b"x", qos=1, UserProperty=user)
    [rec] = log_records(broker.daemon.bootstrap, f"{base}/rep", 1)
    assert split_headers(rec)[1] == [(k, v.encode()) for k, v in user]


def test_repeated_kafka_header_names_reach_mqtt(broker, mqtt):
    sub = mqtt.subscriber(V5, "rep/+/temp", 1)
    produce(broker.daemon.bootstrap, [(b"rep/1/temp", b"v", [("unit", b"C"), ("unit", b"K")])])
    [m] = sub.messages.wait_exactly(1)
    assert m.user_props == [("unit", "C"), ("unit", "K")]
