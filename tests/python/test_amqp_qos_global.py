"""basic.qos with `global`: one limit of unacknowledged deliveries shared by all the consumers
of a channel, across queues (RabbitMQ's meaning); acknowledging frees room for any of them.
Checked against RabbitMQ 3.10 with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pytest

from amqp_support import Deliveries, pump_quiet, uid

pytestmark = [pytest.mark.timeout(60)]


def test_a_global_prefetch_is_shared_by_the_channels_consumers(amqp):
    pub = amqp.publisher()
    q1, q2 = uid("g1"), uid("g2")
    for q in (q1, q2):
        pub.queue_declare(q)
        for i in range(3):
            pub.basic_publish("", q, b"%s-%d" % (q.encode(), i))
    ch = amqp.channel()
    ch.basic_qos(prefetch_count=2, global_qos=True)
    a = Deliveries(ch, q1)
    b = Deliveries(ch, q2)
    pump_quiet(ch.connection, 0.5)
    assert len(a.got) + len(b.got) == 2
    first = (a.got + b.got)[0]
    ch.basic_ack(first.tag)
    pump_quiet(ch.connection, 0.5)
    assert len(a.got) + len(b.got) == 3
