"""AMQP publisher confirms under a simulated power loss, through robustmqd's storage
fault-injection seam (ROBUSTMQD_FAULT_INJECTION=1; see test_power_loss.py): SIGUSR1 cuts every
journal file back to what was fsynced and aborts. Every confirmed message must be in its durable
queue after the restart, in order; messages published without confirms to another queue, never
fsynced, show that the cut is real.
"""

from __future__ import annotations

import pika
import pytest

from amqp_support import AmqpBroker, drain, uid
from test_power_loss import FAULTS, power_loss, restart_without_faults

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(120)]

PERSISTENT = pika.BasicProperties(delivery_mode=2)


def test_confirmed_messages_survive_a_power_loss(daemon_factory):
    d = daemon_factory(env=FAULTS)
    broker = AmqpBroker.of_daemon(d)
    confirmed, loose = uid("pl-confirmed"), uid("pl-loose")
    conn = broker.connect()
    pub = conn.channel()
    pub.confirm_delivery()
    pub.queue_declare(confirmed, durable=True)
    plain = conn.channel()
    plain.queue_declare(loose, durable=True)
    sent = []
    for i in range(300):
        body = b"confirmed-%05d" % i
        pub.basic_publish("", confirmed, body, PERSISTENT)  # returns once confirmed
        sent.append(body)
        if i % 3 == 0:
            plain.basic_publish("", loose, b"loose-%05d" % i, PERSISTENT)
    # A confirmed publish to the loose queue's channel would fsync it too; instead make sure
    # the broker has read the unconfirmed ones (a round trip on their channel).
    plain.queue_declare(loose, passive=True)
    power_loss(d)
    restart_without_faults(d)

    conn = broker.connect()
    try:
        ch = conn.channel()
        assert drain(ch, confirmed) == sent
        # Never fsynced, so cut (a queue that was declared survives: declarations are synced
        # meta writes).
        assert len(drain(ch, loose)) < 100
    finally:
        conn.close()
