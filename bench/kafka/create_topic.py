#!/usr/bin/env python3
"""Create a benchmark topic and wait until partition 0 has a leader.

usage: create_topic.py BOOTSTRAP TOPIC [PARTITIONS]

Tries the CreateTopics admin API first; if the broker rejects or lacks it,
falls back to a producer metadata request for the topic, which makes
brokers with auto-create enabled create it. Needs confluent_kafka on
PYTHONPATH (build-rdkafka-performance.sh installs it in $BENCH_DIR/pylib).
Exit 0 once the topic is usable, 1 otherwise.
"""
import sys
import time

from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def ready(client, topic):
    try:
        md = client.list_topics(topic=topic, timeout=5)
    except KafkaException as e:
        return False, str(e)
    t = md.topics.get(topic)
    if t is None:
        return False, "topic missing from metadata"
    if t.error is not None:
        return False, str(t.error)
    p0 = t.partitions.get(0)
    if p0 is None or p0.leader < 0:
        return False, "partition 0 has no leader"
    return True, "%d partition(s)" % len(t.partitions)


def main():
    bootstrap, topic = sys.argv[1], sys.argv[2]
    partitions = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    conf = {"bootstrap.servers": bootstrap, "log_level": 3}
    how = "CreateTopics"
    admin = AdminClient(conf)
    try:
        fut = admin.create_topics(
            [NewTopic(topic, num_partitions=partitions, replication_factor=1)],
            operation_timeout=10, request_timeout=15)[topic]
        fut.result()
    except Exception as e:  # noqa: BLE001 - any failure -> fall back
        msg = str(e)
        if "TOPIC_ALREADY_EXISTS" in msg or "already exists" in msg:
            how = "CreateTopics (already existed)"
        else:
            how = "auto-create via metadata (CreateTopics failed: %s)" % msg
    # A producer's metadata request for the topic has allow_auto_topic_creation
    # set, which covers brokers that only auto-create.
    prod = Producer(dict(conf, **{"allow.auto.create.topics": True}))
    deadline = time.time() + 20
    while True:
        ok, why = ready(prod, topic)
        if ok:
            print("topic %s ready on %s: %s [%s]" % (topic, bootstrap, why, how))
            return 0
        if time.time() > deadline:
            print("topic %s NOT ready on %s: %s [%s]" % (topic, bootstrap, why, how),
                  file=sys.stderr)
            return 1
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
