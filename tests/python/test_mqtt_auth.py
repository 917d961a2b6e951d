"""MQTT authentication in robustmqd: users made with `robustmq user add` (the same users as
the rest of robustmq), and ROBUSTMQ_MQTT__ALLOW_ANONYMOUS=false to refuse clients without a
user name. Wrong user name or password: CONNACK 0x86 (MQTT 5) / return code 4 (3.1.1);
no user name while anonymous access is off: 0x87 / 5. The server closes the connection after
a refusal.

robustmqd-only: users come from robustmqd's admin CLI ($ROBUSTMQ_CLI, else
/root/.cache/robustmq-target/debug/robustmq).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from mqtt_support import (CONNACK, V311, V5, MqttBroker, MqttClient, Raw, connect_packet, publish_packet,
                          roundtrip_ok, uid)

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(90)]

DEFAULT_CLI = Path("/root/.cache/robustmq-target/debug/robustmq")
NO_ANON = {"ROBUSTMQ_MQTT__ALLOW_ANONYMOUS": "false"}
BAD_CREDENTIALS = {V5: 0x86, V311: 4}
NOT_AUTHORIZED = {V5: 0x87, V311: 5}


def cli(daemon, *args) -> str:
    binary = Path(os.environ.get("ROBUSTMQ_CLI") or DEFAULT_CLI)
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"robustmq CLI binary not found at {binary} (set ROBUSTMQ_CLI)", pytrace=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROBUSTMQ_")}
    r = subprocess.run([str(binary), "--server", daemon.admin_addr, *map(str, args)],
                       capture_output=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, f"robustmq {' '.join(map(str, args))} -> rc={r.returncode}\n{r.stderr.decode()}"
    return r.stdout.decode()


@pytest.fixture
def locked(daemon_factory) -> MqttBroker:
    """robustmqd without anonymous access, with users alice (ascii password) and b\u00f6b
    (non-ASCII password)."""
    d = daemon_factory(env=NO_ANON)
    cli(d, "user", "add", "alice", "--password", "alice-pw")
    cli(d, "user", "add", "b\u00f6b", "--password", "p\u00e4ss w\u00f6rd \u2603")
    return MqttBroker.of_daemon(d)


def raw_connack(broker, version, **kw) -> tuple[bytes, list]:
    """CONNECT on a raw socket: (CONNACK body, packets after it until the server closed)."""
    raw = Raw(broker, version)
    try:
        raw.send(connect_packet(version, client_id=uid("auth"), **kw))
        ack = raw.expect(CONNACK)
        rest = raw.read_until_closed() if ack.body[1] != 0 else []
        return ack.body, rest
    finally:
        raw.close()


@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_return_codes_on_the_wire(locked, version):
    def code(**kw):
        body, rest = raw_connack(locked, version, **kw)
        assert rest == [], f"packets after a refusing CONNACK: {rest}"
        if version == V311:
            assert len(body) == 2 and body[0] == 0, body
        return body[1]
    assert code(username="alice", password="alice-pw") == 0
    assert code(username="b\u00f6b", password="p\u00e4ss w\u00f6rd \u2603") == 0
    assert code(username="alice", password="wrong") == BAD_CREDENTIALS[version]
    assert code(username="alice", password="") == BAD_CREDENTIALS[version]
    assert code(username="alice", password=b"alice-pw\x00") == BAD_CREDENTIALS[version]
    assert code(username="mallory", password="alice-pw") == BAD_CREDENTIALS[version]
    assert code(username="ALICE", password="alice-pw") == BAD_CREDENTIALS[version], "user names are case-sensitive"
    assert code() == NOT_AUTHORIZED[version]
    if version == V5:
        # MQTT 5 allows a user name without a password: it does not match alice's password.
        assert code(username="alice") == BAD_CREDENTIALS[V5]


@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_paho_with_and_without_credentials(locked, version):
    ok = MqttClient(locked, version)
    try:
        ok.connect(username="alice", password="alice-pw")
        topic = uid("authed") + "/t"
        assert ok.subscribe(topic, 1) == [1]
        ok.publish(topic, b"hello", qos=1)
        assert [m.payload for m in ok.messages.wait_exactly(1)] == [b"hello"]
    finally:
        ok.close()
    # paho reports 3.1.1 return codes as MQTT 5 reason codes: 4 -> 0x86, 5 -> 0x87.
    for creds, want in ((dict(username="alice", password="nope"), 0x86), ({}, 0x87)):
        c = MqttClient(locked, version)
        try:
            ack = c.connect(expect=None, **creds)
            assert ack.reason == want, f"{creds}: {ack.reason_name}"
            c.wait_closed_by_server()
        finally:
            c.close()


def test_anonymous_access_is_allowed_by_default(robustmq):
    broker = MqttBroker.of_daemon(robustmq)
    roundtrip_ok(broker, V311)
    roundtrip_ok(broker, V5)
    cli(robustmq, "user", "add", "carol", "--password", "carol-pw")
    body, _ = raw_connack(broker, V5, username="carol", password="carol-pw")
    assert body[1] == 0


def test_user_changes_apply_to_new_connections(locked):
    d = locked.daemon
    assert raw_connack(locked, V5, username="alice", password="alice-pw")[0][1] == 0
    cli(d, "user", "add", "alice", "--password", "new-pw")
    assert raw_connack(locked, V5, username="alice", password="alice-pw")[0][1] == 0x86
    assert raw_connack(locked, V5, username="alice", password="new-pw")[0][1] == 0
    cli(d, "user", "delete", "alice")
    assert raw_connack(locked, V5, username="alice", password="new-pw")[0][1] == 0x86
    assert raw_connack(locked, V311, username="alice", password="new-pw")[0][1] == 4


def test_users_and_setting_survive_restart(locked):
    locked.daemon.restart()
    assert raw_connack(locked, V5, username="alice", password="alice-pw")[0][1] == 0
    assert raw_connack(locked, V5)[0][1] == 0x87
    assert raw_connack(locked, V311, username="alice", password="x")[0][1] == 4


def test_refused_clients_cannot_publish(locked):
    """Nothing a refused connection sends after CONNECT reaches subscribers."""
    topic = uid("sneaky") + "/t"
    watcher = MqttClient(locked, V5)
    try:
        watcher.connect(username="alice", password="alice-pw")
        assert watcher.subscribe(topic, 1) == [1]
        raw = Raw(locked, V311)
        try:
            raw.send(connect_packet(V311, client_id=uid("x"), username="alice", password="bad")
                     + publish_packet(V311, topic, b"sneaked-in", qos=0))
            assert raw.expect(CONNACK).body == b"\x00\x04"
            raw.read_until_closed()
        finally:
            raw.close()
        ok = MqttClient(locked, V5)
        ok.connect(username="alice", password="alice-pw")
        ok.publish(topic, b"sentinel", qos=1)
        watcher.messages.wait_topic(topic, b"sentinel")
        assert [m.payload for m in watcher.messages.snapshot()] == [b"sentinel"]
        ok.close()
    finally:
        watcher.close()
