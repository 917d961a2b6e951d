"""The daemon as an operator sees it: configuration sources and their
precedence, strict config parsing, HTTP health and metrics, clean shutdown."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import pytest
from confluent_kafka import OFFSET_BEGINNING, KafkaError, TopicPartition

from support import (admin, assert_messages_match, consumer, create_topic, daemon_env, produce_records, producer,
                     read_partition, sample_records, unique, wait_until)

RUN_TIMEOUT_S = 30


def print_config(binary, tmp_path, file_text: str | None = None, env: dict | None = None,
                 args: tuple[str, ...] = ()) -> dict:
    """Run `robustmqd --print-config` and parse its stdout (TOML, or JSON)."""
    cmd = [str(binary), "--print-config", "--data-dir", str(tmp_path / "pc-data")]
    if file_text is not None:
        cfg = tmp_path / "pc.toml"
        cfg.write_text(file_text)
        cmd += ["--config", str(cfg)]
    cmd += list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                       env=daemon_env({"ROBUSTMQ_BROKER__GROUP_INITIAL_REBALANCE_DELAY_MS": None, **(env or {})}))
    assert r.returncode == 0, f"{cmd} exited {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    for parse in (tomllib.loads, json.loads):
        try:
            return parse(r.stdout)
        except ValueError:
            pass
    pytest.fail(f"--print-config output is neither TOML nor JSON:\n{r.stdout}")


def get(cfg: dict, dotted: str):
    node = cfg
    for part in dotted.split("."):
        assert isinstance(node, dict) and part in node, f"{dotted} missing from printed config: {cfg}"
        node = node[part]
    return node


FILE = """
[listeners]
kafka = "127.0.0.1:1111"

[broker]
default_partitions = 4
"""
ENV = {"ROBUSTMQ_LISTENERS__KAFKA": "127.0.0.1:2222", "ROBUSTMQ_BROKER__DEFAULT_PARTITIONS": "5"}


def test_print_config_precedence_flag_env_file_default(robustmqd_binary, tmp_path):
    """For the same key: a flag beats env, env beats the file, the file beats the default."""
    both = print_config(robustmqd_binary, tmp_path, FILE, ENV, ("--kafka-listen", "127.0.0.1:3333"))
    assert get(both, "listeners.kafka") == "127.0.0.1:3333", "flag must override env and file"
    assert str(get(both, "broker.default_partitions")) == "5", "env must override file"

    env_file = print_config(robustmqd_binary, tmp_path, FILE, ENV)
    assert get(env_file, "listeners.kafka") == "127.0.0.1:2222", "env must override file"

    file_only = print_config(robustmqd_binary, tmp_path, FILE)
    assert get(file_only, "listeners.kafka") == "127.0.0.1:1111"
    assert str(get(file_only, "broker.default_partitions")) == "4"

    defaults = print_config(robustmqd_binary, tmp_path)
    assert str(get(defaults, "broker.default_partitions")) == "1"
    assert get(defaults, "broker.auto_create_topics") in (True, "true")
    assert str(get(defaults, "broker.group_initial_rebalance_delay_ms")) == "3000"
    assert get(defaults, "journal.fsync") == "always"


def test_deprecated_kafka_keys_still_apply_with_a_warning(robustmqd_binary, tmp_path):
    """The broker-wide keys moved from [kafka] to [broker]; the old spellings keep working
    for one release (file and environment), with a warning naming the new key. A [broker]
    value set away from its default wins."""
    old = print_config(robustmqd_binary, tmp_path, "[kafka]\ndefault_partitions = 4\n",
                       {"ROBUSTMQ_KAFKA__GROUP_MAX_SIZE": "7"})
    assert str(get(old, "broker.default_partitions")) == "4"
    assert str(get(old, "broker.group_max_size")) == "7"
    assert "default_partitions" not in old.get("kafka", {}), "printed under its new name only"
    both = print_config(robustmqd_binary, tmp_path,
                        "[kafka]\ndefault_partitions = 4\n[broker]\ndefault_partitions = 6\n")
    assert str(get(both, "broker.default_partitions")) == "6"
    cmd = [str(robustmqd_binary), "--print-config", "--data-dir", str(tmp_path / "pc-data")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                       env=daemon_env({"ROBUSTMQ_KAFKA__AUTO_CREATE_TOPICS": "false"}))
    assert r.returncode == 0, r.stderr
    assert "kafka.auto_create_topics is deprecated" in r.stderr and "broker.auto_create_topics" in r.stderr


@pytest.mark.parametrize("config_text,key", [
    ("[kafka]\nno_such_option_xyz = 1\n", "no_such_option_xyz"),
    ("bogus_top_level_key = true\n", "bogus_top_level_key"),
    ("[listeners]\namqp_typo = \"0.0.0.0:1\"\n", "listeners.amqp_typo"),
])
def test_unknown_config_key_is_rejected_by_name(daemon_factory, config_text, key):
    """A typo in the config file stops the daemon with an error naming the key."""
    d = daemon_factory(start=False, config_text=config_text)
    proc = d.spawn()
    try:
        rc = proc.wait(RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"daemon started despite unknown key {key!r}")
    assert rc != 0
    assert key in d.last_run_output(), f"error does not name {key!r}:\n{d.last_run_output()}"


def test_env_default_partitions_applies_to_auto_created_topics(daemon_factory):
    """ROBUSTMQ_BROKER__DEFAULT_PARTITIONS=3 reaches the broker: an auto-created topic has 3 partitions."""
    d = daemon_factory(env={"ROBUSTMQ_BROKER__DEFAULT_PARTITIONS": "3"})
    topic = unique("auto3")
    produce_records(d.bootstrap, topic, sample_records(1))
    md = admin(d.bootstrap).list_topics(topic=topic, timeout=10)
    assert len(md.topics[topic].partitions) == 3


def test_auto_create_disabled_in_file_rejects_unknown_topic(daemon_factory):
    """broker.auto_create_topics=false in the config file: producing to an unknown
    topic fails with UNKNOWN_TOPIC_OR_PART and does not create it."""
    d = daemon_factory(config_text="[broker]\nauto_create_topics = false\n")
    topic = unique("noauto")
    errors = []
    p = producer(d.bootstrap, topic_metadata_propagation_max_ms=2000, message_timeout_ms=10000)
    p.produce(topic, value=b"x", on_delivery=lambda err, msg: errors.append(err))
    assert p.flush(20) == 0
    assert len(errors) == 1 and errors[0] is not None, "produce to an unknown topic succeeded"
    assert errors[0].code() == KafkaError.UNKNOWN_TOPIC_OR_PART, errors[0]
    assert topic not in admin(d.bootstrap).list_topics(timeout=10).topics


METRIC_LINE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def kafka_request_samples(text: str) -> dict[str, float]:
    """Samples that count Kafka requests: metric name mentions request(s) and
    name or labels mention kafka or a Kafka API name."""
    out = {}
    for line in text.splitlines():
        m = METRIC_LINE.match(line)
        if not m:
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        if "request" not in name.lower():
            continue
        if not re.search(r"kafka|produce|fetch|metadata|apiversions", (name + labels).lower()):
            continue
        try:
            out[name + labels] = float(value)
        except ValueError:
            continue
    return out


def test_health_and_metrics_count_kafka_requests(robustmq):
    """/healthz says ok; /metrics is Prometheus text whose Kafka request counters
    are non-zero after traffic and grow with more traffic."""
    status, body = robustmq.http_get("/healthz")
    assert (status, body.strip()) == (200, "ok")
    assert robustmq.http_get("/readyz")[0] == 200

    topic = unique("metrics")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(5)
    produce_records(robustmq.bootstrap, topic, recs)
    read_partition(robustmq.bootstrap, topic, count=5)

    status, text = robustmq.http_get("/metrics")
    assert status == 200
    before = kafka_request_samples(text)
    assert before and any(v > 0 for v in before.values()), \
        f"no non-zero Kafka request counter in /metrics:\n{text[:3000]}"

    produce_records(robustmq.bootstrap, topic, recs)

    def grew():
        after = kafka_request_samples(robustmq.http_get("/metrics")[1])
        return any(after.get(k, 0) > v for k, v in before.items()) or any(k not in before for k in after)
    wait_until(grew, 10, "a Kafka request counter to increase after more traffic")


def test_sigterm_with_connected_clients_exits_zero(robustmq):
    """SIGTERM while a producer and a consumer hold open connections: exit code 0, promptly."""
    topic = unique("term")
    create_topic(robustmq.bootstrap, topic)
    produce_records(robustmq.bootstrap, topic, sample_records(3))
    p = producer(robustmq.bootstrap)
    p.list_topics(timeout=10)
    c = consumer(robustmq.bootstrap)
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    wait_until(lambda: (m := c.poll(0.2)) is not None and not m.error(), 20, "a consumed record")
    try:
        robustmq.terminate(timeout=15, expect_rc=0)
    finally:
        c.close()


@pytest.mark.parametrize("policy", ["interval", "never"])
def test_other_fsync_policies_serve_acks_all(daemon_factory, policy):
    """Under `interval` and `never`, acks=all produces are answered without waiting for an
    fsync, and the data reads back and survives a clean restart (SIGTERM fsyncs)."""
    d = daemon_factory(env={"ROBUSTMQ_JOURNAL__FSYNC": policy, "ROBUSTMQ_JOURNAL__FSYNC_INTERVAL_MS": "50"})
    topic = unique(f"fsync-{policy}")
    create_topic(d.bootstrap, topic)
    recs = sample_records(20)
    offsets = produce_records(d.bootstrap, topic, recs, acks="all")
    assert offsets == list(range(20))
    d.restart()
    assert_messages_match(read_partition(d.bootstrap, topic), recs)


def listen_backlog(port: int) -> int:
    """The accept-queue size of the socket listening on `port`, as `ss` reads it from the
    kernel's socket diagnostics."""
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True,
                         check=True).stdout.split()
    # State Recv-Q Send-Q Local Peer: for a listening socket Send-Q is the backlog.
    return int(out[2])


def test_protocol_listeners_keep_a_deep_accept_queue(robustmq):
    """A burst of connects from a few hundred clients must not overflow the accept queue (the
    kernel then drops the connect and the client waits 1 s to retry): every protocol listener
    asks for 1024, capped by net.core.somaxconn."""
    with open("/proc/sys/net/core/somaxconn") as f:
        wanted = min(1024, int(f.read()))
    for port in (robustmq.kafka_port, robustmq.mqtt_port, robustmq.ws_port, robustmq.amqp_port):
        assert listen_backlog(port) == wanted, port
