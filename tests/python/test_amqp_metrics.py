"""AMQP in the daemon's metrics (robustmqd only): open AMQP connections in
`robustmq_connections{protocol="amqp"}` (what `robustmq top` shows), and messages stored and
delivered through a queue in the per-topic in/out counters of its log topic."""

from __future__ import annotations

import re

import pytest

from amqp_support import get_one, uid

pytestmark = [pytest.mark.robustmqd_only, pytest.mark.timeout(60)]


def metric(text: str, name: str, labels: str) -> float:
    m = re.search(rf"^{re.escape(name)}{{{re.escape(labels)}}} (\S+)$", text, re.M)
    assert m, f"no {name}{{{labels}}} in:\n{text[:3000]}"
    return float(m.group(1))


def test_connections_and_queue_traffic_are_counted(amqp_broker, amqp):
    d = amqp_broker.daemon
    ch = amqp.publisher()
    q = uid("metered")
    ch.queue_declare(q)
    for i in range(3):
        ch.basic_publish("", q, b"m%d" % i)
    for _ in range(3):
        get_one(ch, q)
    status, text = d.http_get("/metrics")
    assert status == 200
    assert metric(text, "robustmq_connections", 'protocol="amqp"') == 1
    topic = f'topic="amqp.{q}"'
    assert metric(text, "robustmq_records_in_total", topic) == 3
    assert metric(text, "robustmq_records_out_total", topic) == 3
