"""Committed offsets, offset look-ups and the admin API (confluent-kafka's
AdminClient), including state that must survive a daemon restart."""

from __future__ import annotations

import time

from confluent_kafka import (OFFSET_INVALID, ConsumerGroupState, ConsumerGroupTopicPartitions,
                             TopicPartition)
from confluent_kafka.admin import (AlterConfigOpType, ConfigEntry, ConfigResource,
                                   NewPartitions, OffsetSpec, ResourceType)

from support import (admin, assert_messages_match, consumer, create_topic, poll_messages,
                     produce_records, read_partition, sample_records, topic_ready, unique, wait_until,
                     watermarks)

T = 20  # seconds for any single admin/client call



def group_conf():
    return {"session.timeout.ms": 6000, "heartbeat.interval.ms": 500}


def test_committed_offset_survives_restart(robustmq):
    """A group commits offset 4 (with metadata); after SIGTERM + restart on the same
    data dir, committed() returns it and a new member resumes at offset 4."""
    topic = unique("commit")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(10)
    produce_records(robustmq.bootstrap, topic, recs)
    group = unique("g")

    c = consumer(robustmq.bootstrap, group, **group_conf())
    c.subscribe([topic])
    first = poll_messages(c, 4)
    assert [m.offset() for m in first] == [0, 1, 2, 3]
    c.commit(offsets=[TopicPartition(topic, 0, 4, metadata="ckpt-4")], asynchronous=False)
    [tp] = c.committed([TopicPartition(topic, 0)], timeout=T)
    assert (tp.offset, tp.metadata) == (4, "ckpt-4")
    c.close()

    robustmq.restart()

    c2 = consumer(robustmq.bootstrap, group, **group_conf())
    try:
        [tp] = c2.committed([TopicPartition(topic, 0)], timeout=T)
        assert (tp.offset, tp.metadata) == (4, "ckpt-4"), f"after restart committed() = {tp}"
        c2.subscribe([topic])
        rest = poll_messages(c2, 6)
        assert_messages_match(rest, recs[4:], first_offset=4)
    finally:
        c2.close()

    adm = admin(robustmq.bootstrap)  # keep a reference: a collected AdminClient never resolves futures
    listed = adm.list_consumer_group_offsets(
        [ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0)])])[group].result(timeout=T)
    assert [(p.topic, p.partition, p.offset) for p in listed.topic_partitions] == [(topic, 0, 4)]


def test_admin_topic_create_configs_partitions_delete(robustmq):
    """CreateTopics with partitions and configs, DescribeConfigs reports them,
    IncrementalAlterConfigs changes one key and leaves the other, CreatePartitions
    grows the topic (and the new partition takes writes), DeleteTopics removes it."""
    adm = admin(robustmq.bootstrap)
    topic = unique("adm")
    create_topic(robustmq.bootstrap, topic, partitions=3,
                 config={"retention.ms": "86400000", "retention.bytes": "1073741824"})
    res = ConfigResource(ResourceType.TOPIC, topic)

    def describe() -> dict[str, str]:
        entries = adm.describe_configs([res], request_timeout=T)[res].result(timeout=T)
        return {k: e.value for k, e in entries.items()}

    cfg = describe()
    assert cfg.get("retention.ms") == "86400000", cfg
    assert cfg.get("retention.bytes") == "1073741824", cfg

    alter = ConfigResource(ResourceType.TOPIC, topic, incremental_configs=[
        ConfigEntry("retention.ms", "172800000", incremental_operation=AlterConfigOpType.SET)])
    adm.incremental_alter_configs([alter], request_timeout=T)[alter].result(timeout=T)
    cfg = describe()
    assert cfg.get("retention.ms") == "172800000", cfg
    assert cfg.get("retention.bytes") == "1073741824", "incremental alter reset an untouched key"

    adm.create_partitions([NewPartitions(topic, 5)], request_timeout=T)[topic].result(timeout=T)
    wait_until(lambda: topic_ready(adm, topic, 5), T, "5 partitions in metadata")
    recs = sample_records(2)
    assert produce_records(robustmq.bootstrap, topic, recs, partition=4) == [0, 1]
    assert_messages_match(read_partition(robustmq.bootstrap, topic, partition=4, count=2), recs)

    adm.delete_topics([topic], request_timeout=T)[topic].result(timeout=T)
    wait_until(lambda: topic not in adm.list_topics(timeout=5).topics, T,
               f"{topic} to disappear from metadata")


def test_delete_records_advances_log_start_and_persists(robustmq):
    """DeleteRecords up to offset 4 sets the low watermark to 4, reads from the
    beginning start at 4, and the log start offset survives a restart."""
    topic = unique("delrec")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(10)
    produce_records(robustmq.bootstrap, topic, recs)
    adm = admin(robustmq.bootstrap)
    tp = TopicPartition(topic, 0, 4)
    deleted = adm.delete_records([tp], request_timeout=T)[tp].result(timeout=T)
    assert deleted.low_watermark == 4
    assert watermarks(robustmq.bootstrap, topic) == (4, 10)
    assert_messages_match(read_partition(robustmq.bootstrap, topic), recs[4:], first_offset=4)

    robustmq.restart()
    assert watermarks(robustmq.bootstrap, topic) == (4, 10), "log start offset lost on restart"
    assert_messages_match(read_partition(robustmq.bootstrap, topic), recs[4:], first_offset=4)


def test_list_offsets_earliest_latest_and_by_timestamp(robustmq):
    """ListOffsets: earliest=0, latest=n, and by timestamp the first offset whose
    producer timestamp is >= the query (or -1 past the end), via both the admin
    API and the consumer's offsets_for_times."""
    topic = unique("lo")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(10)  # timestamps strictly increasing by 1s
    produce_records(robustmq.bootstrap, topic, recs, linger_ms=0, batch_num_messages=3)
    adm = admin(robustmq.bootstrap)

    def admin_offset(spec) -> int:
        tp = TopicPartition(topic, 0)
        return adm.list_offsets({tp: spec}, request_timeout=T)[tp].result(timeout=T).offset

    assert admin_offset(OffsetSpec.earliest()) == 0
    assert admin_offset(OffsetSpec.latest()) == 10
    assert admin_offset(OffsetSpec.for_timestamp(recs[6].timestamp)) == 6
    assert admin_offset(OffsetSpec.for_timestamp(recs[6].timestamp - 500)) == 6
    assert admin_offset(OffsetSpec.for_timestamp(recs[0].timestamp - 10_000)) == 0
    assert admin_offset(OffsetSpec.for_timestamp(recs[-1].timestamp + 1)) == -1

    c = consumer(robustmq.bootstrap)
    try:
        # One query per call: a ListOffsets request may name a partition only once.
        queries = [recs[4].timestamp - 1, recs[9].timestamp, recs[9].timestamp + 1000]
        got = [c.offsets_for_times([TopicPartition(topic, 0, ts)], timeout=T)[0].offset for ts in queries]
        assert got == [4, 9, -1]
    finally:
        c.close()


def test_list_offsets_max_timestamp_finds_the_newest_record_not_the_last(robustmq):
    """OffsetSpec.max_timestamp() (ListOffsets v7, KIP-734): the offset of the record with
    the largest timestamp, wherever it is in the log; -1 on an empty partition."""
    topic = unique("lomax")
    create_topic(robustmq.bootstrap, topic)
    adm = admin(robustmq.bootstrap)
    tp = TopicPartition(topic, 0)

    def max_ts():
        got = adm.list_offsets({tp: OffsetSpec.max_timestamp()}, request_timeout=T)[tp].result(timeout=T)
        return got.offset, got.timestamp

    assert max_ts()[0] == -1
    recs = sample_records(6)
    newest = recs[5].timestamp + 60_000
    stamps = [recs[0].timestamp, recs[1].timestamp, newest, recs[3].timestamp, newest, recs[5].timestamp]
    for r, ts in zip(recs, stamps):
        r.timestamp = ts
    produce_records(robustmq.bootstrap, topic, recs, linger_ms=0, batch_num_messages=2)
    assert max_ts() == (2, newest), "the first record with the largest timestamp"


def test_group_admin_list_describe_delete(robustmq):
    """ListGroups shows an active group, DescribeGroups reports it Stable with one
    member owning both partitions, and after the member leaves DeleteGroups
    removes the group and its committed offsets."""
    topic = unique("gadm")
    create_topic(robustmq.bootstrap, topic, partitions=2)
    produce_records(robustmq.bootstrap, topic, sample_records(3), partition=1)
    group = unique("g")
    adm = admin(robustmq.bootstrap)

    c = consumer(robustmq.bootstrap, group, **group_conf())
    c.subscribe([topic])
    poll_messages(c, 3)
    c.commit(asynchronous=False)

    listed = adm.list_consumer_groups(request_timeout=T).result(timeout=T)
    assert not listed.errors, listed.errors
    assert group in {g.group_id for g in listed.valid}

    desc = adm.describe_consumer_groups([group], request_timeout=T)[group].result(timeout=T)
    assert desc.state == ConsumerGroupState.STABLE, desc.state
    assert len(desc.members) == 1
    assert desc.partition_assignor == "range"
    owned = {(tp.topic, tp.partition) for tp in desc.members[0].assignment.topic_partitions}
    assert owned == {(topic, 0), (topic, 1)}

    c.close()
    wait_until(lambda: adm.describe_consumer_groups([group], request_timeout=T)[group]
               .result(timeout=T).state == ConsumerGroupState.EMPTY, T, "group to become Empty")

    adm.delete_consumer_groups([group], request_timeout=T)[group].result(timeout=T)
    listed = adm.list_consumer_groups(request_timeout=T).result(timeout=T)
    assert group not in {g.group_id for g in listed.valid}
    c2 = consumer(robustmq.bootstrap, group)
    try:
        [tp] = c2.committed([TopicPartition(topic, 1)], timeout=T)
        assert tp.offset == OFFSET_INVALID, f"offset {tp.offset} still committed after DeleteGroups"
    finally:
        c2.close()
