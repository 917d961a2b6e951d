"""The API versions real clients ask for: confluent-kafka (librdkafka 2.16) negotiates with
ApiVersions and then produces and fetches at its newest versions, which name topics by id
(Fetch v13+), and Kafka 4's answers for unknown groups (DescribeGroups v6)."""

from __future__ import annotations

import logging
import re
import socket
import struct

from confluent_kafka import ConsumerGroupState, KafkaError
from confluent_kafka.admin import AdminClient

from support import (assert_messages_match, consumer, create_topic, poll_messages, produce_records,
                     sample_records, unique)
from test_bad_input import read_response

T = 20


class Captured(logging.Handler):
    """librdkafka's debug lines, as confluent-kafka hands them to a Python logger."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def versions(self, api: str) -> set[int]:
        """Versions of `api` requests the client sent, from its protocol debug lines."""
        pattern = re.compile(rf"Sent {api}Request \(v(\d+)")
        return {int(m.group(1)) for line in self.lines for m in pattern.finditer(line)}


def capturing_logger(name: str) -> tuple[logging.Logger, Captured]:
    log = logging.getLogger(name)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    handler = Captured()
    log.addHandler(handler)
    return log, handler


def test_librdkafka_fetches_by_topic_id_at_its_newest_versions(robustmq):
    topic = unique("ver")
    create_topic(robustmq.bootstrap, topic)
    recs = sample_records(20)
    plog, produced = capturing_logger(unique("prod"))
    produce_records(robustmq.bootstrap, topic, recs, debug="protocol", logger=plog)
    clog, fetched = capturing_logger(unique("cons"))
    c = consumer(robustmq.bootstrap, debug="protocol,fetch", logger=clog)
    try:
        c.subscribe([topic])
        msgs = poll_messages(c, len(recs))
    finally:
        c.close()
    assert_messages_match(msgs, recs)
    fetch = fetched.versions("Fetch")
    assert fetch and max(fetch) >= 13, f"Fetch versions used: {fetch}"
    produce = produced.versions("Produce")
    assert produce and max(produce) > 9, f"Produce versions used: {produce}"


def describe_groups_v6(group: str) -> bytes:
    """A DescribeGroups v6 request (flexible: request header v2, compact strings)."""
    header = struct.pack(">hhih", 15, 6, 7, 3) + b"raw" + b"\x00"
    body = b"\x02" + bytes([len(group) + 1]) + group.encode() + b"\x00" + b"\x00"
    return struct.pack(">i", len(header) + len(body)) + header + body


def test_describe_groups_v6_says_an_unknown_group_is_not_found(robustmq):
    """Kafka 4 answers DescribeGroups v6 for an unknown group with GROUP_ID_NOT_FOUND and a
    message; librdkafka asks with an older version and, as from Kafka, gets a DEAD group."""
    group = unique("nogroup")
    host, port = robustmq.bootstrap.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(describe_groups_v6(group))
        resp = read_response(sock)
    # correlation id, header tags, throttle, groups (compact: 1 + 1), error code, message
    corr, tags, _throttle, count, code, msg_len = struct.unpack(">ibiBhB", resp[:13])
    assert (corr, tags, count) == (7, 0, 2), resp
    assert code == KafkaError.GROUP_ID_NOT_FOUND, code
    assert resp[13:13 + msg_len - 1].decode() == f"Group {group} not found."

    adm = AdminClient({"bootstrap.servers": robustmq.bootstrap})
    desc = adm.describe_consumer_groups([group], request_timeout=T)[group].result(timeout=T)
    assert desc.state == ConsumerGroupState.DEAD and not desc.members, desc


def test_describe_cluster(robustmq):
    """DescribeCluster (KIP-700), as confluent-kafka's describe_cluster sends it; a request for
    the controller endpoints gets MISMATCHED_ENDPOINT_TYPE, as from a Kafka broker."""
    adm = AdminClient({"bootstrap.servers": robustmq.bootstrap})
    desc = adm.describe_cluster(request_timeout=T).result(timeout=T)
    host, port = robustmq.bootstrap.rsplit(":", 1)
    assert desc.cluster_id
    assert [(n.id, n.host, n.port) for n in desc.nodes] == [(0, host, int(port))]
    assert desc.controller.id == 0
    header = struct.pack(">hhih", 60, 1, 9, 3) + b"raw" + b"\x00"
    body = b"\x00" + b"\x02" + b"\x00"  # no authorized operations, endpoint type 2, no tags
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
        resp = read_response(sock)
    corr, tags, _throttle, code = struct.unpack(">ibih", resp[:11])
    assert (corr, tags, code) == (9, 0, 114), resp
