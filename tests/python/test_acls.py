"""ACLs (Kafka's model) with real clients: confluent-kafka's AdminClient creates, describes and
deletes bindings; producers, consumers and admin calls of users without a binding are refused
with Kafka's authorization errors and succeed once `robustmq acl add` grants them; kcat sees
the same; MQTT clients are held to the same topic bindings (SUBACK 0x87 / 0x80, PUBACK 0x87,
a denied publish is not delivered, a will that may not be published refuses the CONNECT).
Bindings survive a restart. With ACLs off (the default), the ACL APIs answer SECURITY_DISABLED.
"""

from __future__ import annotations

import json
import shutil
import socket
import struct
import subprocess
import time

import pytest
from confluent_kafka import KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation, AclPermissionType,
                                   AdminClient, NewTopic, ResourcePatternType, ResourceType)

from conftest import free_ports
from mqtt_support import V5, V311, MqttBroker, MqttClient, uid
from support import consumer, unique, wait_until
from test_bad_input import read_response, request
from test_mqtt_auth import cli

pytestmark = pytest.mark.timeout(120)
T = 20

CONFIG = """
[broker.acl]
enabled = true
super_users = ["User:admin"]
"""


class Secured:
    """robustmqd with ACLs on, a SASL_PLAINTEXT Kafka listener and users admin (a super user),
    alice and bob."""

    def __init__(self, daemon_factory):
        (self.sasl_port,) = free_ports(1)
        self.d = daemon_factory(args=["--kafka-sasl-listen", f"127.0.0.1:{self.sasl_port}"],
                                config_text=CONFIG)
        for user in ("admin", "alice", "bob"):
            cli(self.d, "user", "add", user, "--password", f"{user}-pw")

    def conf(self, user: str) -> dict:
        return {"bootstrap.servers": f"127.0.0.1:{self.sasl_port}",
                "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-256",
                "sasl.username": user, "sasl.password": f"{user}-pw"}

    def admin(self, user: str) -> AdminClient:
        return AdminClient(self.conf(user))

    def acl(self, *args) -> str:
        return cli(self.d, "acl", *args)


@pytest.fixture
def secured(daemon_factory) -> Secured:
    return Secured(daemon_factory)


def create(secured: Secured, topic: str, partitions: int = 1) -> None:
    adm = secured.admin("admin")  # kept alive until the result is in
    fs = adm.create_topics([NewTopic(topic, partitions)], request_timeout=T)
    fs[topic].result(timeout=T)


def produce_one(conf: dict, topic: str, value: bytes = b"v") -> KafkaError | None:
    """Produces one record; returns the delivery error, None when it was stored."""
    p = Producer({**conf, "message.timeout.ms": 10000})
    result = []
    p.produce(topic, value, on_delivery=lambda err, _m: result.append(err))
    p.flush(15)
    assert result, "no delivery report"
    return result[0]


CLUSTER_AUTHORIZATION_FAILED, SECURITY_DISABLED = 31, 54


def describe_acls_error(port: int) -> int:
    """DescribeAcls v1 for every binding, on a raw socket: the response's error code."""
    body = (b"\x01" + struct.pack(">h", -1) + b"\x01" + struct.pack(">hh", -1, -1)
            + b"\x01\x01")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request(29, 1, 7, body))
        correlation_id, _throttle, error_code = struct.unpack(">iih", read_response(s)[:10])
    assert correlation_id == 7
    return error_code


def binding(name: str, principal: str, op: AclOperation,
            kind: ResourceType = ResourceType.TOPIC,
            pattern: ResourcePatternType = ResourcePatternType.LITERAL,
            permission: AclPermissionType = AclPermissionType.ALLOW) -> AclBinding:
    return AclBinding(kind, name, pattern, principal, "*", op, permission)


def test_admin_client_creates_describes_and_deletes_bindings(secured):
    adm = secured.admin("admin")
    topic = unique("acl")
    wanted = [binding(topic, "User:alice", AclOperation.WRITE),
              binding("logs-", "User:bob", AclOperation.READ, pattern=ResourcePatternType.PREFIXED),
              binding("billing", "User:bob", AclOperation.READ, kind=ResourceType.GROUP)]
    for f in adm.create_acls(wanted, request_timeout=T).values():
        f.result(timeout=T)
    everything = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None,
                                  AclOperation.ANY, AclPermissionType.ANY)
    got = adm.describe_acls(everything, request_timeout=T).result(timeout=T)
    assert sorted(map(str, got)) == sorted(map(str, wanted))
    # MATCH: every binding that applies to a name, the prefixed one included.
    match = AclBindingFilter(ResourceType.TOPIC, "logs-app", ResourcePatternType.MATCH, None, None,
                             AclOperation.ANY, AclPermissionType.ANY)
    got = adm.describe_acls(match, request_timeout=T).result(timeout=T)
    assert [b.name for b in got] == ["logs-"]
    # The CLI sees what the Kafka API made.
    listed = json.loads(secured.acl("list", "--principal", "User:bob", "-o", "json"))
    assert listed["enabled"] is True
    assert sorted((a["resource_type"], a["resource_name"], a["pattern_type"], a["operation"])
                  for a in listed["acls"]) == [("group", "billing", "literal", "read"),
                                               ("topic", "logs-", "prefixed", "read")]
    bob = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, "User:bob", None,
                           AclOperation.ANY, AclPermissionType.ANY)
    deleted = list(adm.delete_acls([bob], request_timeout=T).values())[0].result(timeout=T)
    assert len(deleted) == 2
    got = adm.describe_acls(everything, request_timeout=T).result(timeout=T)
    assert [str(b) for b in got] == [str(wanted[0])]
    # A binding Kafka would refuse: ANY is not a valid operation for a binding.
    with pytest.raises(Exception):
        bad = binding(topic, "User:alice", AclOperation.ANY)
        for f in adm.create_acls([bad], request_timeout=T).values():
            f.result(timeout=T)


def test_only_who_may_alter_the_cluster_manages_acls(secured):
    alice = secured.admin("alice")
    with pytest.raises(KafkaException) as e:
        for f in alice.create_acls([binding("t", "User:alice", AclOperation.ALL)],
                                   request_timeout=T).values():
            f.result(timeout=T)
    assert e.value.args[0].code() == KafkaError.CLUSTER_AUTHORIZATION_FAILED
    everything = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None,
                                  AclOperation.ANY, AclPermissionType.ANY)
    # librdkafka drops DescribeAcls' top-level error (it reports an empty list), so the error
    # code is read from the wire, by an anonymous client of the PLAINTEXT listener.
    assert describe_acls_error(secured.d.kafka_port) == CLUSTER_AUTHORIZATION_FAILED
    secured.acl("add", "--principal", "User:alice", "--operation", "alter",
                "--operation", "describe", "--cluster")
    for f in alice.create_acls([binding("t", "User:alice", AclOperation.ALL)],
                               request_timeout=T).values():
        f.result(timeout=T)
    got = alice.describe_acls(everything, request_timeout=T).result(timeout=T)
    assert len(got) == 3


def test_produce_and_consume_need_their_bindings(secured):
    topic, group = unique("acl-pc"), unique("g")
    create(secured, topic)
    err = produce_one(secured.conf("alice"), topic)
    assert err is not None and err.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, err
    secured.acl("add", "--principal", "User:alice", "--operation", "write", "--topic", topic)
    assert produce_one(secured.conf("alice"), topic, b"hello") is None

    # bob may read the topic but not use the group yet.
    secured.acl("add", "--principal", "User:bob", "--operation", "read", "--topic", topic)
    c = consumer(secured.conf("bob")["bootstrap.servers"], group=group,
                 **{k: v for k, v in secured.conf("bob").items() if k != "bootstrap.servers"})
    try:
        c.subscribe([topic])
        deadline, codes = time.time() + T, set()
        while time.time() < deadline and KafkaError.GROUP_AUTHORIZATION_FAILED not in codes:
            m = c.poll(0.5)
            if m is not None and m.error():
                codes.add(m.error().code())
            assert m is None or m.error(), "consumed without READ on the group"
        assert KafkaError.GROUP_AUTHORIZATION_FAILED in codes, codes
    finally:
        c.close()
    secured.acl("add", "--principal", "User:bob", "--operation", "read", "--group", group)
    c = consumer(secured.conf("bob")["bootstrap.servers"], group=group,
                 **{k: v for k, v in secured.conf("bob").items() if k != "bootstrap.servers"})
    try:
        c.subscribe([topic])
        got = None
        deadline = time.time() + T
        while got is None and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                got = m.value()
        assert got == b"hello"
        c.commit(asynchronous=False)
    finally:
        c.close()


def test_transactions_need_write_on_the_transactional_id(secured):
    """A transactional producer needs WRITE on its transactional id (and on the topic)."""
    topic, tid = unique("acl-txn"), unique("tid")
    create(secured, topic)
    secured.acl("add", "--principal", "User:alice", "--operation", "write", "--topic", topic)
    conf = {**secured.conf("alice"), "transactional.id": tid}
    p = Producer(conf)
    with pytest.raises(KafkaException) as e:
        p.init_transactions(T)
    assert e.value.args[0].code() == KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, e.value
    # WRITE implies DESCRIBE, which finding the transaction coordinator needs.
    secured.acl("add", "--principal", "User:alice", "--operation", "write", "--transactional-id", tid)
    p = Producer(conf)
    p.init_transactions(T)
    p.begin_transaction()
    p.produce(topic, b"in-txn")
    p.commit_transaction(T)
    c = consumer(secured.conf("admin")["bootstrap.servers"], **{"isolation.level": "read_committed"},
                 **{k: v for k, v in secured.conf("admin").items() if k != "bootstrap.servers"})
    try:
        c.assign([TopicPartition(topic, 0, 0)])
        m = None
        deadline = time.time() + T
        while m is None and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and m.error():
                m = None
        assert m is not None and m.value() == b"in-txn"
    finally:
        c.close()


def test_metadata_shows_only_topics_the_client_may_describe(secured):
    shown, hidden = unique("acl-shown"), unique("acl-hidden")
    create(secured, shown)
    create(secured, hidden)
    secured.acl("add", "--principal", "User:alice", "--operation", "describe", "--topic", shown)
    topics = secured.admin("alice").list_topics(timeout=T).topics
    assert shown in topics and hidden not in topics
    # Asked for by name, a topic the client may not describe is TOPIC_AUTHORIZATION_FAILED.
    md = secured.admin("alice").list_topics(hidden, timeout=T)
    assert md.topics[hidden].error.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED
    everything = secured.admin("admin").list_topics(timeout=T).topics
    assert shown in everything and hidden in everything


def test_prefixed_allow_and_deny_and_topic_creation(secured):
    adm = secured.admin("alice")
    secured.acl("add", "--principal", "User:alice", "--operation", "all",
                "--topic", "team-a.", "--prefixed")
    secured.acl("add", "--principal", "User:alice", "--operation", "write",
                "--topic", "team-a.secret", "--deny")
    ok, other = f"team-a.{unique('t')}", unique("team-b")
    adm.create_topics([NewTopic(ok, 1)], request_timeout=T)[ok].result(timeout=T)
    with pytest.raises(KafkaException) as e:
        adm.create_topics([NewTopic(other, 1)], request_timeout=T)[other].result(timeout=T)
    assert e.value.args[0].code() == KafkaError.TOPIC_AUTHORIZATION_FAILED
    assert produce_one(secured.conf("alice"), ok) is None
    create(secured, "team-a.secret")
    err = produce_one(secured.conf("alice"), "team-a.secret")
    assert err is not None and err.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, err
    # DENY of WRITE does not take away DESCRIBE (implied by ALL).
    assert "team-a.secret" in adm.list_topics(timeout=T).topics


def test_kcat_is_refused_then_allowed(secured):
    exe = shutil.which("kcat") or shutil.which("kafkacat")
    assert exe, "kcat is not installed (scripts/test installs the Debian package 'kcat')"
    topic = unique("acl-kcat")
    create(secured, topic)
    base = [exe, "-b", f"127.0.0.1:{secured.sasl_port}", "-X", "security.protocol=SASL_PLAINTEXT",
            "-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=bob", "-X", "sasl.password=bob-pw"]
    run = lambda *a, stdin=None: subprocess.run([*base, *a], input=stdin,  # noqa: E731
                                                capture_output=True, timeout=60)
    r = run("-P", "-t", topic, "-p", "0", stdin=b"one\n")
    assert r.returncode != 0 or b"authorization" in r.stderr.lower(), r
    assert b"authorization failed" in r.stderr.lower(), r.stderr
    secured.acl("add", "--principal", "User:bob", "--operation", "write",
                "--operation", "read", "--topic", topic)
    r = run("-P", "-t", topic, "-p", "0", stdin=b"one\ntwo\n")
    assert r.returncode == 0, r.stderr
    r = run("-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q")
    assert r.returncode == 0 and r.stdout.split() == [b"one", b"two"], r


def test_bindings_survive_a_restart(secured):
    secured.acl("add", "--principal", "User:alice", "--operation", "read", "--group", "keep")
    secured.d.restart()
    listed = json.loads(secured.acl("list", "-o", "json"))["acls"]
    assert [(a["resource_type"], a["resource_name"], a["principal"]) for a in listed] == [
        ("group", "keep", "User:alice")]
    secured.acl("delete", "--group", "keep")
    assert json.loads(secured.acl("list", "-o", "json"))["acls"] == []


def test_acl_apis_answer_security_disabled_when_acls_are_off(robustmq):
    assert describe_acls_error(robustmq.kafka_port) == SECURITY_DISABLED
    adm = AdminClient({"bootstrap.servers": robustmq.bootstrap})
    with pytest.raises(KafkaException) as e:
        for f in adm.create_acls([binding("t", "User:alice", AclOperation.READ)],
                                 request_timeout=T).values():
            f.result(timeout=T)
    assert e.value.args[0].code() == KafkaError.SECURITY_DISABLED
    # Everything is allowed without ACLs: an anonymous client creates a topic and writes.
    topic = unique("acl-off")
    adm.create_topics([NewTopic(topic, 1)], request_timeout=T)[topic].result(timeout=T)
    assert produce_one({"bootstrap.servers": robustmq.bootstrap}, topic) is None


# --- MQTT -------------------------------------------------------------------------------------

@pytest.fixture
def mqtt_acl(secured) -> tuple[Secured, MqttBroker]:
    secured.acl("add", "--principal", "User:alice", "--operation", "write",
                "--operation", "read", "--topic", "sensors/", "--prefixed")
    secured.acl("add", "--principal", "User:alice", "--operation", "read",
                "--topic", "sensors/private/", "--prefixed", "--deny")
    return secured, MqttBroker.of_daemon(secured.d)


def connect(broker, version, user, **kw) -> MqttClient:
    c = MqttClient(broker, version)
    c.connect(username=user, password=f"{user}-pw", **kw)
    return c


@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_mqtt_subscribe_is_held_to_topic_bindings(mqtt_acl, version):
    _, broker = mqtt_acl
    refused = 0x87 if version == V5 else 0x80
    c = connect(broker, version, "alice")
    try:
        # sensors/+/t and sensors/# could match topics under the denied sensors/private/.
        assert c.subscribe([("sensors/a", 1), ("other/a", 1), ("sensors/private/x", 1),
                            ("sensors/a/+", 1), ("sensors/#", 1), ("sensors/+/t", 1)]) == [
            1, refused, refused, 1, refused, refused]
    finally:
        c.close()
    # An unauthenticated client is User:ANONYMOUS, which no binding names.
    anon = MqttClient(broker, version)
    anon.connect()
    try:
        assert anon.subscribe("sensors/a", 1) == [refused]
    finally:
        anon.close()


@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_mqtt_denied_publish_is_not_delivered(mqtt_acl, version):
    _, broker = mqtt_acl
    watcher = connect(broker, V5, "admin")
    watcher.subscribe("#", 1)
    c = connect(broker, version, "alice")
    try:
        tag = uid("p")
        rc = c.publish(f"other/{tag}", b"denied", qos=1, expect_ok=False)
        assert rc == (0x87 if version == V5 else 0)
        c.publish(f"other/{tag}/q0", b"denied", qos=0)
        c.publish(f"sensors/{tag}", b"allowed", qos=1)
        msg = watcher.messages.wait_topic(f"sensors/{tag}")
        assert msg.payload == b"allowed"
        time.sleep(0.3)
        assert [m.topic for m in watcher.messages.snapshot()] == [f"sensors/{tag}"]
    finally:
        c.close()
        watcher.close()


def test_mqtt_will_that_may_not_be_published_refuses_the_connect(mqtt_acl):
    _, broker = mqtt_acl
    c = MqttClient(broker, V5)
    ack = c.connect(username="alice", password="alice-pw", expect=None,
                    will=dict(topic="other/will", payload=b"bye", qos=1))
    assert ack.reason == 0x87
    c.close(wait=False)
    ok = connect(broker, V5, "alice", will=dict(topic="sensors/will", payload=b"bye", qos=1))
    ok.close()


def test_a_kafka_topic_binding_covers_mqtt_and_kafka_alike(mqtt_acl):
    """One rule set: the log topic `mqtt` is a Kafka topic like any other, and reading it
    through Kafka needs READ on it, whatever MQTT topic names the records carry."""
    secured, broker = mqtt_acl
    c = connect(broker, V5, "alice")
    try:
        c.publish("sensors/k", b"via-mqtt", qos=1)
    finally:
        c.close()
    md = secured.admin("alice").list_topics("mqtt", timeout=T)
    assert md.topics["mqtt"].error.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED
    secured.acl("add", "--principal", "User:alice", "--operation", "read", "--topic", "mqtt")
    wait_until(lambda: secured.admin("alice").list_topics("mqtt", timeout=T).topics["mqtt"].error
               is None, T, "alice may describe the log topic mqtt")
