"""Retained messages with paho-mqtt 2.x: set, replaced, cleared by an empty payload, wildcard
subscriptions, the retain flag on live and stored delivery, and the MQTT 5 subscription
options Retain As Published and Retain Handling 0/1/2.

"Nothing else arrives" is checked with a sentinel: a live message published after the
SUBSCRIBE was acknowledged; once it arrived, and then nothing for a moment, the retained
messages sent in answer to the SUBSCRIBE are in.

Generic: these run against robustmqd, or against mosquitto with ROBUSTMQ_MQTT_PEER=mosquitto.
"""

from __future__ import annotations

import pytest

from mqtt_support import BOTH_VERSIONS, QUIET, V5, uid

pytestmark = pytest.mark.timeout(60)


def besides_sentinel(mqtt, version, sub, topic: str) -> list:
    """Publish a live sentinel to `topic`; once `sub` got it and nothing more arrived for a
    moment, return everything else it received."""
    pub = mqtt.connect(version)
    pub.publish(topic, b"sentinel", qos=1)
    sub.messages.wait_topic(topic, b"sentinel")
    got = sub.messages.wait_settled(1)
    return [m for m in got if (m.topic, m.payload, m.retain) != (topic, b"sentinel", False)]


@BOTH_VERSIONS
def test_retained_message_reaches_later_subscribers(mqtt, version):
    """Retained at QoS 0, 1 and 2; later subscribers at QoS 0, 1 and 2 get each at the lower
    of the two, with RETAIN set."""
    base = uid("ret")
    pub = mqtt.connect(version)
    for qos in (0, 1, 2):
        pub.publish(f"{base}/{qos}", b"\x00retained-%d\xff" % qos, qos=qos, retain=True)
    subs = [mqtt.subscriber(version, f"{base}/+", sub_qos) for sub_qos in (0, 1, 2)]
    for sub_qos, sub in enumerate(subs):
        got = sub.messages.wait_exactly(3, quiet=QUIET if sub_qos == 2 else 0)
        assert sorted((m.topic, m.payload, m.retain, m.qos) for m in got) == [
            (f"{base}/{q}", b"\x00retained-%d\xff" % q, True, min(q, sub_qos)) for q in (0, 1, 2)]


@BOTH_VERSIONS
def test_retained_message_is_replaced(mqtt, version):
    topic = uid("ret") + "/state"
    pub = mqtt.connect(version)
    for v in (b"v1", b"v2", b"v3"):
        pub.publish(topic, v, qos=1, retain=True)
    sub = mqtt.subscriber(version, topic, 1)
    [m] = sub.messages.wait_exactly(1)
    assert (m.payload, m.retain) == (b"v3", True)


@BOTH_VERSIONS
def test_empty_retained_payload_clears(mqtt, version):
    base = uid("ret")
    topic, other = f"{base}/cleared", f"{base}/kept"
    pub = mqtt.connect(version)
    pub.publish(topic, b"old", qos=1, retain=True)
    pub.publish(other, b"kept", qos=1, retain=True)
    pub.publish(topic, b"", qos=1, retain=True)
    sub = mqtt.subscriber(version, f"{base}/#", 1)
    before = besides_sentinel(mqtt, version, sub, topic)
    assert [(m.topic, m.payload, m.retain) for m in before] == [(other, b"kept", True)]


@BOTH_VERSIONS
def test_clearing_publish_is_delivered_to_live_subscribers(mqtt, version):
    """The empty retained PUBLISH that clears the topic is still forwarded to existing
    subscribers ([MQTT-3.3.1-10] only stops it from being stored)."""
    topic = uid("ret") + "/t"
    sub = mqtt.subscriber(version, topic, 1)
    pub = mqtt.connect(version)
    pub.publish(topic, b"x", qos=1, retain=True)
    pub.publish(topic, b"", qos=1, retain=True)
    got = sub.messages.wait_exactly(2)
    assert [m.payload for m in got] == [b"x", b""]


@BOTH_VERSIONS
def test_live_delivery_of_a_retained_publish_has_retain_clear(mqtt, version):
    """To an existing subscription, a retained PUBLISH goes out with RETAIN 0 (3.1.1
    [MQTT-3.3.1-9]; MQTT 5 with Retain As Published 0)."""
    topic = uid("ret") + "/live"
    sub = mqtt.subscriber(version, topic, 1)
    pub = mqtt.connect(version)
    pub.publish(topic, b"live", qos=1, retain=True)
    [m] = sub.messages.wait_exactly(1)
    assert (m.payload, m.retain) == (b"live", False)
    later = mqtt.subscriber(version, topic, 1)
    [m] = later.messages.wait_exactly(1)
    assert (m.payload, m.retain) == (b"live", True)


@BOTH_VERSIONS
def test_wildcard_subscription_gets_every_matching_retained_message(mqtt, version):
    base = uid("ret")
    pub = mqtt.connect(version)
    stored = {f"{base}/a": b"A", f"{base}/a/b": b"AB", f"{base}/c/d/e": b"CDE", f"{base}x/no": b"no"}
    for t, v in stored.items():
        pub.publish(t, v, qos=1, retain=True)
    sub = mqtt.subscriber(version, f"{base}/#", 1)
    got = sub.messages.wait_exactly(3)
    assert sorted((m.topic, m.payload) for m in got) == sorted(
        (t, v) for t, v in stored.items() if not t.startswith(f"{base}x"))
    assert all(m.retain for m in got)
    plus = mqtt.subscriber(version, f"{base}/+", 1)
    [m] = plus.messages.wait_exactly(1)
    assert (m.topic, m.payload) == (f"{base}/a", b"A")


@BOTH_VERSIONS
def test_retained_message_is_resent_on_every_subscribe(mqtt, version):
    """Without options (Retain Handling 0), each SUBSCRIBE sends the retained message again."""
    topic = uid("ret") + "/again"
    pub = mqtt.connect(version)
    pub.publish(topic, b"r", qos=1, retain=True)
    sub = mqtt.subscriber(version, topic, 1)
    sub.messages.wait_for(1)
    assert sub.subscribe(topic, 1) == [1]
    got = sub.messages.wait_exactly(2)
    assert [(m.payload, m.retain) for m in got] == [(b"r", True), (b"r", True)]


def test_retain_handling_1_sends_only_for_a_new_subscription(mqtt):
    topic = uid("rh1") + "/t"
    pub = mqtt.connect(V5)
    pub.publish(topic, b"r", qos=1, retain=True)
    sub = mqtt.subscriber(V5, topic, 1, rh=1)
    [m] = sub.messages.wait_for(1)
    assert (m.payload, m.retain) == (b"r", True)
    assert sub.subscribe(topic, 1, rh=1) == [1]
    before = besides_sentinel(mqtt, V5, sub, topic)
    assert [(m.payload, m.retain) for m in before] == [(b"r", True)], \
        "Retain Handling 1 re-sent the retained message for an existing subscription"


def test_retain_handling_2_never_sends_retained(mqtt):
    topic = uid("rh2") + "/t"
    pub = mqtt.connect(V5)
    pub.publish(topic, b"r", qos=1, retain=True)
    sub = mqtt.subscriber(V5, topic, 1, rh=2)
    before = besides_sentinel(mqtt, V5, sub, topic)
    assert before == [], f"Retain Handling 2 sent {before}"


def test_retain_handling_0_with_wildcards(mqtt):
    base = uid("rh0")
    pub = mqtt.connect(V5)
    pub.publish(f"{base}/x", b"x", qos=1, retain=True)
    sub = mqtt.subscriber(V5, f"{base}/#", 1, rh=0)
    [m] = sub.messages.wait_exactly(1)
    assert (m.topic, m.retain) == (f"{base}/x", True)


def test_retain_as_published(mqtt):
    topic = uid("rap") + "/t"
    rap = mqtt.subscriber(V5, topic, 1, rap=True)
    plain = mqtt.subscriber(V5, topic, 1, rap=False)
    pub = mqtt.connect(V5)
    pub.publish(topic, b"retained", qos=1, retain=True)
    pub.publish(topic, b"not", qos=1, retain=False)
    assert [(m.payload, m.retain) for m in rap.messages.wait_exactly(2)] == \
        [(b"retained", True), (b"not", False)]
    assert [(m.payload, m.retain) for m in plain.messages.wait_exactly(2)] == \
        [(b"retained", False), (b"not", False)]


def test_retained_message_keeps_its_properties(mqtt):
    topic = uid("retprops") + "/t"
    pub = mqtt.connect(V5)
    pub.publish(topic, b"{}", qos=1, retain=True, ContentType="application/json",
                UserProperty=[("origin", "test"), ("n", "1")], PayloadFormatIndicator=1)
    sub = mqtt.subscriber(V5, topic, 1)
    [m] = sub.messages.wait_exactly(1)
    assert m.retain and m.payload == b"{}"
    assert m.p("ContentType") == "application/json"
    assert m.p("PayloadFormatIndicator") == 1
    assert m.user_props == [("origin", "test"), ("n", "1")]
