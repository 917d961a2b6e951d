"""Topic configs as Kafka 4.x has them, driven by confluent-kafka's AdminClient, producer and
consumer: every documented name accepted and described with its type and source, Kafka's
validation rules, IncrementalAlterConfigs APPEND/SUBTRACT, and the configs that act on appends
(compression.type recompresses, LogAppendTime, timestamp bounds, min.insync.replicas)."""

from __future__ import annotations

import pytest
from confluent_kafka import KafkaError, KafkaException, TIMESTAMP_LOG_APPEND_TIME
from confluent_kafka.admin import (AlterConfigOpType, ConfigEntry, ConfigResource, ConfigSource,
                                   NewTopic, ResourceType)

from support import (DeliveryLog, admin, assert_messages_match, create_topic, now_ms,
                     produce_records, producer, read_batches, read_partition, sample_records,
                     segment_files, unique)

T = 20

# Every topic config Apache Kafka 4.0 and 4.1 document.
KAFKA_4_TOPIC_CONFIGS = {
    "cleanup.policy", "compression.gzip.level", "compression.lz4.level", "compression.type",
    "compression.zstd.level", "delete.retention.ms", "file.delete.delay.ms", "flush.messages",
    "flush.ms", "follower.replication.throttled.replicas", "index.interval.bytes",
    "leader.replication.throttled.replicas", "local.retention.bytes", "local.retention.ms",
    "max.compaction.lag.ms", "max.message.bytes", "message.timestamp.after.max.ms",
    "message.timestamp.before.max.ms", "message.timestamp.type", "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms", "min.insync.replicas", "preallocate", "remote.log.copy.disable",
    "remote.log.delete.on.disable", "remote.storage.enable", "retention.bytes", "retention.ms",
    "segment.bytes", "segment.index.bytes", "segment.jitter.ms", "segment.ms",
    "unclean.leader.election.enable",
}


def describe(adm, topic: str) -> dict:
    res = ConfigResource(ResourceType.TOPIC, topic)
    return adm.describe_configs([res], request_timeout=T)[res].result(timeout=T)


def incremental(adm, topic: str, *entries: ConfigEntry) -> None:
    res = ConfigResource(ResourceType.TOPIC, topic, incremental_configs=list(entries))
    adm.incremental_alter_configs([res], request_timeout=T)[res].result(timeout=T)


def create_error(adm, topic: str, config: dict) -> KafkaError:
    fut = adm.create_topics([NewTopic(topic, 1, 1, config=config)], request_timeout=T)[topic]
    with pytest.raises(KafkaException) as e:
        fut.result(timeout=T)
    return e.value.args[0]


def test_every_kafka_topic_config_is_accepted_and_described(robustmq):
    """CreateTopics with configs robustmq only stores (file.delete.delay.ms, flush.messages,
    preallocate, ...), DescribeConfigs lists all 33 Kafka 4 names with the override's source
    and Kafka's defaults, and the deprecated AlterConfigs takes them too."""
    adm = admin(robustmq.bootstrap)
    topic = unique("cfgall")
    create_topic(robustmq.bootstrap, topic, config={
        "file.delete.delay.ms": "1000", "flush.messages": "10", "preallocate": "true",
        "min.cleanable.dirty.ratio": "0.2", "leader.replication.throttled.replicas": "*",
        "local.retention.ms": "-2", "compression.type": "gzip"})
    cfg = describe(adm, topic)
    assert KAFKA_4_TOPIC_CONFIGS <= set(cfg), KAFKA_4_TOPIC_CONFIGS - set(cfg)
    assert "message.format.version" not in cfg, "removed in Kafka 4.0"
    e = cfg["file.delete.delay.ms"]
    assert (e.value, e.source, e.is_default) == ("1000", ConfigSource.DYNAMIC_TOPIC_CONFIG.value, False)
    assert cfg["compression.type"].value == "gzip"
    for name, default in [("flush.ms", "9223372036854775807"), ("segment.index.bytes", "10485760"),
                          ("message.timestamp.after.max.ms", "3600000"),
                          ("compression.zstd.level", "3"), ("cleanup.policy", "delete")]:
        assert (cfg[name].value, cfg[name].source) == (default, ConfigSource.DEFAULT_CONFIG.value), name
    # Synonyms name the broker-wide property, as Kafka's do.
    res = ConfigResource(ResourceType.TOPIC, topic)
    with_synonyms = adm.describe_configs([res], request_timeout=T)[res].result(timeout=T)
    syn = with_synonyms["flush.messages"].synonyms
    assert "log.flush.interval.messages" in syn, syn

    # AlterConfigs (not incremental) replaces the whole set: the old refusal of
    # file.delete.delay.ms is gone.
    res = ConfigResource(ResourceType.TOPIC, topic, set_config={"file.delete.delay.ms": "0",
                                                                "retention.ms": "1000"})
    adm.alter_configs([res], request_timeout=T)[res].result(timeout=T)
    cfg = describe(adm, topic)
    assert cfg["file.delete.delay.ms"].value == "0"
    assert cfg["compression.type"].value == "producer", "AlterConfigs keeps only what it names"


def test_values_are_validated_with_kafkas_rules(robustmq):
    adm = admin(robustmq.bootstrap)
    for config in [{"compression.gzip.level": "0"}, {"compression.type": "brotli"},
                   {"min.insync.replicas": "0"}, {"segment.bytes": "3000000000"},
                   {"min.cleanable.dirty.ratio": "1.5"}, {"preallocate": "yes"},
                   {"cleanup.policy": "shred"}, {"message.format.version": "3.0"},
                   {"remote.storage.enable": "true"}]:
        err = create_error(adm, unique("cfgbad"), config)
        assert err.code() == KafkaError.INVALID_CONFIG, (config, err)
    err = create_error(adm, unique("cfgbad"), {"compression.zstd.level": "23"})
    assert "compression.zstd.level" in err.str(), err.str()


def test_incremental_alter_append_subtract_and_an_empty_cleanup_policy(robustmq):
    adm = admin(robustmq.bootstrap)
    topic = unique("cfginc")
    create_topic(robustmq.bootstrap, topic)
    incremental(adm, topic, ConfigEntry("cleanup.policy", "compact",
                                        incremental_operation=AlterConfigOpType.APPEND))
    assert describe(adm, topic)["cleanup.policy"].value == "delete,compact"
    incremental(adm, topic, ConfigEntry("cleanup.policy", "delete",
                                        incremental_operation=AlterConfigOpType.SUBTRACT))
    assert describe(adm, topic)["cleanup.policy"].value == "compact"
    incremental(adm, topic, ConfigEntry("cleanup.policy", "",
                                        incremental_operation=AlterConfigOpType.SET))
    assert describe(adm, topic)["cleanup.policy"].value == ""
    incremental(adm, topic, ConfigEntry("cleanup.policy", "",
                                        incremental_operation=AlterConfigOpType.DELETE))
    assert describe(adm, topic)["cleanup.policy"].value == "delete"
    with pytest.raises(KafkaException) as e:
        incremental(adm, topic, ConfigEntry("retention.ms", "5",
                                            incremental_operation=AlterConfigOpType.APPEND))
    assert e.value.args[0].code() == KafkaError.INVALID_REQUEST, e.value.args[0]


@pytest.mark.parametrize("target,codec", [("gzip", 1), ("snappy", 2), ("lz4", 3), ("zstd", 4),
                                          ("uncompressed", 0)])
def test_compression_type_recompresses_on_append(robustmq, target, codec):
    """Batches are stored in the topic's codec whatever the producer sent, and consumers read
    back exactly what was produced."""
    topic = unique(f"cmp{target}")
    create_topic(robustmq.bootstrap, topic, config={"compression.type": target,
                                                    "compression.zstd.level": "9"})
    sent_as = "lz4" if target == "uncompressed" else "none"
    recs = sample_records(40)
    produce_records(robustmq.bootstrap, topic, recs, compression_type=sent_as)
    assert_messages_match(read_partition(robustmq.bootstrap, topic, count=len(recs)), recs)
    batches = [b for seg in segment_files(robustmq.data_dir, topic, 0)
               for b in read_batches(seg)[0]]
    assert batches and all(b.crc_ok for b in batches)
    assert {b.codec for b in batches} == {codec}, [b.codec for b in batches]


def test_log_append_time_replaces_producer_timestamps(robustmq):
    topic = unique("lat")
    create_topic(robustmq.bootstrap, topic, config={"message.timestamp.type": "LogAppendTime"})
    before = now_ms()
    recs = sample_records(5, base_ts=1_600_000_000_000)
    p = producer(robustmq.bootstrap)
    log = DeliveryLog()
    stamps = []
    for r in recs:
        p.produce(topic, value=r.value, key=r.key, timestamp=r.timestamp, partition=0,
                  on_delivery=lambda err, msg: (log(err, msg), stamps.append(msg.timestamp())))
    assert p.flush(T) == 0 and not log.errors, log.errors
    after = now_ms()
    assert all(t == TIMESTAMP_LOG_APPEND_TIME and before <= ts <= after for t, ts in stamps), stamps
    msgs = read_partition(robustmq.bootstrap, topic, count=len(recs))
    got = [m.timestamp() for m in msgs]
    assert all(t == TIMESTAMP_LOG_APPEND_TIME and before <= ts <= after for t, ts in got), got


def test_timestamps_past_the_bounds_are_refused(robustmq):
    """Kafka 4's default message.timestamp.after.max.ms (1 h) refuses a record from the
    future with INVALID_TIMESTAMP; before.max.ms set on a topic refuses old ones."""
    topic = unique("tsb")
    create_topic(robustmq.bootstrap, topic, config={"message.timestamp.before.max.ms": "60000"})
    p = producer(robustmq.bootstrap, retries=0)
    log = DeliveryLog()
    p.produce(topic, value=b"future", timestamp=now_ms() + 2 * 3_600_000, partition=0,
              on_delivery=log)
    p.flush(T)
    p.produce(topic, value=b"old", timestamp=now_ms() - 120_000, partition=0, on_delivery=log)
    p.flush(T)  # a refused batch fails as a whole, as in Kafka: keep "now" out of it
    p.produce(topic, value=b"now", partition=0, on_delivery=log)
    p.flush(T)
    assert [e.code() for e, _ in log.errors] == [KafkaError.INVALID_TIMESTAMP] * 2, log.errors
    assert [v for _, _, v in log.ok] == [b"now"]


def test_min_insync_replicas_above_one_refuses_acks_all(robustmq):
    topic = unique("misr")
    create_topic(robustmq.bootstrap, topic, config={"min.insync.replicas": "2"})
    log = DeliveryLog()
    p = producer(robustmq.bootstrap, retries=0, enable_idempotence=False)
    p.produce(topic, value=b"all", partition=0, on_delivery=log)
    p.flush(T)
    assert [e.code() for e, _ in log.errors] == [KafkaError.NOT_ENOUGH_REPLICAS], log.errors
    assert produce_records(robustmq.bootstrap, topic, sample_records(1), acks="1") == [0]
