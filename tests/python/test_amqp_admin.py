"""AMQP virtual hosts, exchanges, queues and bindings through the `robustmq` CLI (and so the
admin API) against a real robustmqd, with pika on the AMQP side: what the CLI creates is what
clients see, and what clients do shows in the CLI's counts."""

from __future__ import annotations

import pika
import pytest
from pika.exceptions import AMQPConnectionError, ChannelClosedByBroker, ConnectionClosedByBroker

from amqp_support import AmqpBroker, get_one, message_count, pump_until, uid
from test_cli import Cli, cli_binary  # noqa: F401  (the fixture is used by `cli`)

pytestmark = pytest.mark.robustmqd_only

EXIT_NOT_FOUND = 4
EXIT_INVALID = 6


@pytest.fixture
def node(daemon_factory):
    return daemon_factory()


@pytest.fixture
def cli(cli_binary, node):  # noqa: F811
    return Cli(cli_binary, node.admin_addr)


@pytest.fixture
def broker(node) -> AmqpBroker:
    return AmqpBroker.of_daemon(node)


def queues(cli, vhost: str) -> dict:
    return {q["name"]: q for q in cli.json("queue", "list", "-p", vhost)["queues"]}


def test_a_vhost_is_its_own_namespace_and_deleting_it_closes_its_connections(cli, broker):
    assert cli.json("vhost", "add", "staging") == {"name": "staging", "created": True}
    assert cli.json("vhost", "add", "staging")["created"] is False
    staging = broker.connect(vhost="staging")
    ch = staging.channel()
    ch.queue_declare("jobs", durable=True)
    ch.confirm_delivery()
    for i in range(3):
        ch.basic_publish("", "jobs", b"%d" % i, pika.BasicProperties(delivery_mode=2))
    # The same name in "/" is another queue.
    default = broker.connect().channel()
    with pytest.raises(ChannelClosedByBroker) as e:
        default.queue_declare("jobs", passive=True)
    assert e.value.reply_code == 404
    q = queues(cli, "staging")["jobs"]
    assert (q["messages_ready"], q["messages_unacked"], q["consumers"]) == (3, 0, 0)
    assert q["durable"] and not q["exclusive"]
    vhosts = {v["name"]: v for v in cli.json("vhost", "list")["vhosts"]}
    assert vhosts["staging"]["queues"] == 1 and vhosts["staging"]["messages"] == 3
    assert "/" in vhosts
    # An unknown vhost is refused at connection.open (530, as RabbitMQ does).
    with pytest.raises(AMQPConnectionError):
        broker.connect(vhost="nope")

    r = cli("vhost", "delete", "/")
    assert r.rc == EXIT_INVALID, repr(r)
    cli.ok("vhost", "delete", "staging")
    with pytest.raises(ConnectionClosedByBroker):
        pump_until(staging, lambda: False, timeout=5, what="the connection closed by the broker")
    assert "staging" not in {v["name"] for v in cli.json("vhost", "list")["vhosts"]}
    assert cli("queue", "list", "-p", "staging").rc == EXIT_NOT_FOUND
    # Connections to other vhosts go on.
    default.connection.channel().queue_declare("still-here")
    with pytest.raises(AMQPConnectionError):
        broker.connect(vhost="staging")
    assert cli("vhost", "delete", "staging").rc == EXIT_NOT_FOUND


def test_the_connection_of_a_deleted_vhost_hears_320(cli, broker):
    cli.ok("vhost", "add", "gone")
    conn = broker.connect(vhost="gone")
    conn.channel()
    cli.ok("vhost", "delete", "gone")
    with pytest.raises(ConnectionClosedByBroker) as e:
        pump_until(conn, lambda: False, timeout=5, what="connection.close")
    assert e.value.reply_code == 320
    assert "gone" in e.value.reply_text


def test_declarations_made_with_the_cli_route_pika_publishes_and_survive_a_restart(cli, broker, node):
    cli.ok("vhost", "add", "shop")
    cli.ok("exchange", "declare", "-p", "shop", "orders", "--type", "topic")
    r = cli.json("queue", "declare", "-p", "shop", "eu", "--arg", "x-max-length=2")
    assert r == {"declared": "eu", "vhost": "shop"}
    cli.ok("binding", "add", "-p", "shop", "orders", "eu", "--routing-key", "eu.*")
    node.restart()

    ex = {e["name"]: e for e in cli.json("exchange", "list", "-p", "shop")["exchanges"]}
    assert ex["orders"]["type"] == "topic" and ex["orders"]["durable"]
    assert {"amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match"} <= set(ex)
    q = queues(cli, "shop")["eu"]
    assert q["arguments"] == {"x-max-length": 2}
    assert q["topic"].startswith("amqp.q-")  # outside "/", queues get generated topic names
    bindings = cli.json("binding", "list", "-p", "shop")["bindings"]
    assert {"vhost": "shop", "source": "orders", "destination": "eu", "destination_type": "queue",
            "routing_key": "eu.*", "arguments": {}} in bindings

    ch = broker.connect(vhost="shop").channel()
    ch.confirm_delivery()
    for key in ["eu.de", "us.ny", "eu.fr", "eu.it"]:
        ch.basic_publish("orders", key, key.encode())
    # x-max-length=2 drops the oldest: eu.fr and eu.it are left.
    assert message_count(ch, "eu") == 2
    assert queues(cli, "shop")["eu"]["messages_ready"] == 2
    assert get_one(ch, "eu")[2] == b"eu.fr"

    # A redeclare that differs is refused, as queue.declare would be (406).
    r = cli("queue", "declare", "-p", "shop", "eu", "--arg", "x-max-length=3")
    assert r.rc == EXIT_INVALID and "inequivalent" in r.err, repr(r)
    r = cli("exchange", "declare", "-p", "shop", "orders", "--type", "fanout")
    assert r.rc == EXIT_INVALID, repr(r)

    cli.ok("binding", "delete", "-p", "shop", "orders", "eu", "--routing-key", "eu.*")
    assert cli.json("binding", "list", "-p", "shop")["bindings"] == []
    ch.basic_publish("orders", "eu.es", b"unrouted")
    assert message_count(ch, "eu") == 1


def test_an_empty_vhost_survives_a_restart_and_a_deleted_one_stays_deleted(cli, broker, node):
    cli.ok("vhost", "add", "empty")
    cli.ok("vhost", "add", "doomed")
    cli.ok("queue", "declare", "-p", "doomed", "q")
    topic = queues(cli, "doomed")["q"]["topic"]
    cli.ok("vhost", "delete", "doomed")
    node.restart()
    names = {v["name"] for v in cli.json("vhost", "list")["vhosts"]}
    assert "empty" in names and "doomed" not in names
    broker.connect(vhost="empty").channel().queue_declare("q")
    assert topic not in {t["name"] for t in cli.json("topic", "list")["topics"]}


def test_a_vhost_made_again_is_another_one(cli, broker):
    cli.ok("vhost", "add", "again")
    first = broker.connect(vhost="again")
    first.channel()
    cli.ok("vhost", "delete", "again")
    cli.ok("vhost", "add", "again")
    with pytest.raises(ConnectionClosedByBroker):
        pump_until(first, lambda: False, timeout=5, what="the old connection closed")
    broker.connect(vhost="again").channel().queue_declare("fresh")


def test_integer_arguments_compare_by_value_between_pika_and_the_cli(cli, broker):
    ch = broker.connect().channel()
    ch.queue_declare("limited", durable=True, arguments={"x-max-length": 10})  # a 32-bit int
    cli.ok("queue", "declare", "limited", "--arg", "x-max-length=10")  # the CLI a 64-bit one
    ch.queue_declare("hq")
    ch.queue_bind("hq", "amq.headers", routing_key="", arguments={"x-match": "all", "n": 1})
    [b] = [b for b in cli.json("binding", "list", "-p", "/")["bindings"] if b["destination"] == "hq"]
    assert b["arguments"] == {"x-match": "all", "n": 1}
    r = cli("binding", "delete", "amq.headers", "hq", "--arg", "x-match=all", "--arg", "n=2")
    assert r.rc == EXIT_NOT_FOUND, repr(r)
    cli.ok("binding", "delete", "amq.headers", "hq", "--arguments", '{"x-match": "all", "n": 1}')
    assert not [b for b in cli.json("binding", "list")["bindings"] if b["destination"] == "hq"]


def test_exchange_to_exchange_bindings_with_the_cli(cli, broker):
    cli.ok("exchange", "declare", "front", "--type", "fanout")
    cli.ok("exchange", "declare", "back", "--type", "direct")
    cli.ok("queue", "declare", "sink")
    cli.ok("binding", "add", "front", "back", "--to-exchange")
    cli.ok("binding", "add", "back", "sink", "--routing-key", "k")
    [b] = [b for b in cli.json("binding", "list")["bindings"] if b["source"] == "front"]
    assert b["destination_type"] == "exchange" and b["destination"] == "back"
    ch = broker.connect().channel()
    ch.confirm_delivery()
    ch.basic_publish("front", "k", b"through two exchanges")
    assert get_one(ch, "sink")[2] == b"through two exchanges"


def test_counts_of_consumers_and_unacked_messages_and_purge(cli, broker):
    ch = broker.connect().channel()
    ch.queue_declare("work", durable=True)
    ch.confirm_delivery()
    for i in range(5):
        ch.basic_publish("", "work", b"%d" % i)
    consumer = broker.connect().channel()
    consumer.basic_qos(prefetch_count=2)
    got = []
    consumer.basic_consume("work", lambda c, m, p, b: got.append(m.delivery_tag))
    pump_until(consumer.connection, lambda: len(got) == 2, what="two deliveries")
    q = queues(cli, "/")["work"]
    assert (q["messages_ready"], q["messages_unacked"], q["consumers"]) == (3, 2, 1)
    table = cli.ok("queue", "list").out
    assert "work" in table and "READY" in table and "UNACKED" in table

    r = cli("queue", "delete", "work", "--if-unused")
    assert r.rc == EXIT_INVALID, repr(r)
    assert cli.json("queue", "purge", "work") == {"purged": "work", "messages": 3}
    assert queues(cli, "/")["work"]["messages_unacked"] == 2
    r = cli("queue", "delete", "nope")
    assert r.rc == EXIT_NOT_FOUND, repr(r)


def test_an_exclusive_queue_can_be_deleted_by_the_operator_and_its_consumer_is_cancelled(cli, broker):
    conn = broker.connect()
    ch = conn.channel()
    name = ch.queue_declare("", exclusive=True).method.queue
    cancelled = []
    ch.add_on_cancel_callback(lambda frame: cancelled.append(frame))
    ch.basic_consume(name, lambda *a: None)
    assert queues(cli, "/")[name]["exclusive"]
    cli.ok("queue", "delete", name)
    pump_until(conn, lambda: cancelled, what="basic.cancel from the broker")
    assert name not in queues(cli, "/")


def test_bad_arguments_and_reserved_names_are_refused(cli):
    for args in (["queue", "declare", "q", "--arguments", "[1]"],
                 ["queue", "declare", "q" * 256],
                 ["binding", "add", "amq.direct", "q", "--routing-key", "k" * 256],
                 ["queue", "declare", "q", "--arg", "x-queue-type=lazy"],
                 ["exchange", "declare", "amq.mine"],
                 ["exchange", "declare", "x", "--type", "nope"],
                 ["exchange", "delete", "amq.direct"]):
        r = cli(*args)
        assert r.rc == EXIT_INVALID, repr(r)
    r = cli("exchange", "delete", "-p", "nope", "x")
    assert r.rc == EXIT_NOT_FOUND, repr(r)
    r = cli("queue", "declare", "-p", "nope", "q")
    assert r.rc == EXIT_NOT_FOUND, repr(r)
    name = uid("x")
    cli.ok("exchange", "declare", name, "--type", "headers", "--arg", "alternate-exchange=amq.fanout")
    ex = {e["name"]: e for e in cli.json("exchange", "list", "-p", "/")["exchanges"]}
    assert ex[name]["arguments"] == {"alternate-exchange": "amq.fanout"}
    cli.ok("exchange", "delete", name)
    assert cli("exchange", "delete", name).rc == EXIT_NOT_FOUND
