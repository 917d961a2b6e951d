"""connection.blocked on a resource alarm (robustmqd only): above `amqp.memory_high_watermark_bytes`
of resident memory, or below `amqp.disk_free_limit_bytes`
of free space on the data directory's file system, a connection that has published is told
`connection.blocked` (when it announced the capability, as pika does) and is no longer read,
so its publishes wait; connections that only consume keep working."""

from __future__ import annotations

import pytest

from amqp_support import AmqpBroker, get_one, message_count, pump_quiet, pump_until, uid

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(60)]


def blocked_publisher_and_working_consumer(d) -> str:
    """Publishes once (read before the alarm blocks the connection), waits for
    connection.blocked, publishes again (not read), and checks a consumer on another connection
    still gets the first message and nothing else. Returns the blocked reason."""
    broker = AmqpBroker.of_daemon(d)
    q = uid("blocked")
    pub_conn = broker.connect()
    reasons = []
    pub_conn.add_on_connection_blocked_callback(
        lambda _conn, frame: reasons.append(frame.method.reason))
    pub = pub_conn.channel()
    pub.queue_declare(q)
    pub.basic_publish("", q, b"read before the block")
    pump_until(pub_conn, lambda: reasons, what="connection.blocked")
    pub.basic_publish("", q, b"waits")
    consumer_conn = broker.connect()
    try:
        ch = consumer_conn.channel()
        assert get_one(ch, q)[2] == b"read before the block"
        pump_quiet(consumer_conn, 0.5)
        assert message_count(ch, q) == 0
    finally:
        consumer_conn.close()
    return reasons[0]


def test_publishers_are_blocked_while_the_disk_alarm_is_on(daemon_factory):
    # More free space than any disk has: the alarm is on from the start.
    d = daemon_factory(env={"ROBUSTMQ_AMQP__DISK_FREE_LIMIT_BYTES": str(10**18)})
    assert "low on disk space" in blocked_publisher_and_working_consumer(d)
    d.kill9()


def test_publishers_are_blocked_while_the_memory_alarm_is_on(daemon_factory):
    # A high watermark of one byte: the process is always above it.
    d = daemon_factory(env={"ROBUSTMQ_AMQP__MEMORY_HIGH_WATERMARK_BYTES": "1"})
    reason = blocked_publisher_and_working_consumer(d)
    assert "memory alarm" in reason and "amqp.memory_high_watermark_bytes" in reason
    assert "blocking AMQP publishers: memory alarm" in d.log_text()
    d.kill9()


def test_the_default_memory_watermark_leaves_a_small_node_unblocked(daemon_factory):
    """40 % of the machine's memory: an idle daemon is far below it."""
    d = daemon_factory()
    broker = AmqpBroker.of_daemon(d)
    conn = broker.connect()
    reasons = []
    conn.add_on_connection_blocked_callback(lambda _c, f: reasons.append(f.method.reason))
    ch = conn.channel()
    q = uid("free")
    ch.queue_declare(q)
    ch.confirm_delivery()
    ch.basic_publish("", q, b"x")
    pump_quiet(conn, 1.5)
    assert reasons == []
    conn.close()


def test_both_alarms_give_both_reasons(daemon_factory):
    d = daemon_factory(env={"ROBUSTMQ_AMQP__MEMORY_HIGH_WATERMARK_BYTES": "1",
                            "ROBUSTMQ_AMQP__DISK_FREE_LIMIT_BYTES": str(10**18)})
    conn = AmqpBroker.of_daemon(d).connect()
    reasons = []
    conn.add_on_connection_blocked_callback(lambda _c, f: reasons.append(f.method.reason))
    ch = conn.channel()
    ch.basic_publish("", uid("q"), b"x")
    pump_until(conn, lambda: reasons, what="connection.blocked")
    assert "low on disk space" in reasons[0] and "memory alarm" in reasons[0]
    # Checked every second: an alarm that stays on is not raised again.
    pump_quiet(conn, 2.5)
    assert d.log_text().count("blocking AMQP publishers: memory alarm") == 1
    d.kill9()
