"""AMQP transactions (tx.select / commit / rollback): a channel's publishes and
acknowledgements take effect at commit and not before; rollback drops the publishes and leaves
the acknowledged deliveries unacknowledged; a channel in confirm mode cannot become
transactional. Checked against RabbitMQ 3.10 with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import pytest
from pika.exceptions import ChannelClosedByBroker

from amqp_support import drain, get_one, message_count, uid

pytestmark = [pytest.mark.timeout(60)]


def test_publishes_appear_at_commit(amqp):
    q = uid("tx")
    watcher = amqp.channel()
    watcher.queue_declare(q)
    ch = amqp.channel()
    ch.tx_select()
    ch.basic_publish("", q, b"one")
    ch.basic_publish("", q, b"two")
    assert message_count(watcher, q) == 0
    ch.tx_commit()
    assert drain(watcher, q) == [b"one", b"two"]


def test_rollback_drops_publishes(amqp):
    q = uid("tx")
    ch = amqp.channel()
    ch.queue_declare(q)
    ch.tx_select()
    ch.basic_publish("", q, b"dropped")
    ch.tx_rollback()
    ch.basic_publish("", q, b"kept")
    ch.tx_commit()
    assert drain(ch, q) == [b"kept"]


def test_acks_take_effect_at_commit(amqp):
    q = uid("tx")
    pub = amqp.publisher()
    pub.queue_declare(q)
    for b in (b"a", b"b"):
        pub.basic_publish("", q, b)
    ch = amqp.channel()
    ch.tx_select()
    m1, _, _ = get_one(ch, q, auto_ack=False)
    m2, _, _ = get_one(ch, q, auto_ack=False)
    ch.basic_ack(m2.delivery_tag, multiple=True)
    ch.tx_rollback()
    # Rolled back: both are unacknowledged again, and closing the channel requeues them.
    ch.close()
    assert message_count(pub, q) == 2
    ch = amqp.channel()
    ch.tx_select()
    m1, _, _ = get_one(ch, q, auto_ack=False)
    ch.basic_ack(m1.delivery_tag)
    ch.tx_commit()
    ch.close()
    assert drain(pub, q) == [b"b"]


def test_confirm_mode_cannot_become_transactional(amqp):
    ch = amqp.channel()
    ch.confirm_delivery()
    with pytest.raises(ChannelClosedByBroker) as e:
        ch.tx_select()
    assert e.value.reply_code == 406
