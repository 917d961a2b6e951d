"""AMQP 0-9-1 with aio-pika (asyncio, on aiormq/pamqp) as the client: connect_robust by URL, a
durable queue bound to a topic exchange, persistent messages published with publisher confirms
(aio-pika's default) carrying properties and a headers table (str, int, bool, nested table,
array), consumed with queue.iterator() and message.process() (acked on exit); basic.get with
no_ack=False and reject(requeue=True), redelivered with redelivered=True; the RPC pattern (an
exclusive server-named callback queue, reply_to and correlation_id); a mandatory publish of an
unroutable message (basic.return 312 NO_ROUTE: aio-pika raises PublishError on a channel with
on_return_raises=True, and otherwise hands the message to the channel's return callbacks); and
(robustmqd only: it restarts the server) the robust connection reconnecting after a graceful
restart and restoring its channel, durable queues and consumer.

Each test runs its coroutine with asyncio.run (no pytest asyncio plugin), bounded by `T` per
step and `WHOLE` for the test. Generic (but the restart): these run against robustmqd, or against
RabbitMQ with ROBUSTMQ_AMQP_PEER=rabbitmq.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import uuid

import aio_pika
import pytest
from aio_pika import DeliveryMode, ExchangeType, Message
from aio_pika.exceptions import PublishError, QueueEmpty
from pamqp.commands import Basic

from amqp_support import T, uid

pytestmark = [pytest.mark.timeout(60)]

WHOLE = 30.0  # seconds for one test's coroutine


def run(broker, body, **kw) -> None:
    """asyncio.run(body(connection)) with a robust connection to `broker` (connect_robust with
    **kw), closed at the end."""
    async def main():
        conn = await aio_pika.connect_robust(
            f"amqp://guest:guest@{broker.host}:{broker.port}/", timeout=T, **kw)
        try:
            await body(conn)
        finally:
            await asyncio.wait_for(conn.close(), T)
    asyncio.run(asyncio.wait_for(main(), WHOLE))


async def get_one(queue, no_ack: bool = False):
    """basic.get until a message is there (bounded by T)."""
    async with asyncio.timeout(T):
        while True:
            with contextlib.suppress(QueueEmpty):
                return await queue.get(no_ack=no_ack, timeout=T)
            await asyncio.sleep(0.02)


async def message_count(queue) -> int:
    """queue.declare sent again (a passive declare on a robust channel is answered from its
    cache of declared queues, with the first declare's counts)."""
    return (await queue.declare(timeout=T)).message_count


HEADERS = {"tenant": "acme", "attempt": 3, "big": 2**40, "negative": -7, "urgent": True,
           "draft": False, "meta": {"region": "eu", "shard": 12, "flags": {"a": True}},
           "tags": ["x", 1]}


def test_confirmed_persistent_messages_with_properties_through_a_topic_exchange(amqp_broker):
    q, ex = uid("aio-orders"), uid("aio-topic")

    async def body(conn):
        ch = await conn.channel()  # publisher confirms are on by default
        exchange = await ch.declare_exchange(ex, ExchangeType.TOPIC, durable=True)
        queue = await ch.declare_queue(q, durable=True)
        await queue.bind(exchange, routing_key="orders.*.created")
        sent = []
        for i in range(5):
            msg = Message(f'{{"n": {i}}}'.encode(), content_type="application/json",
                          content_encoding="utf-8", delivery_mode=DeliveryMode.PERSISTENT,
                          correlation_id=f"corr-{i}", reply_to="replies", message_id=f"m-{i}",
                          priority=4, type="order.created", app_id="aio-test",
                          timestamp=datetime.datetime(2024, 5, 6, 7, 8, 9,
                                                      tzinfo=datetime.timezone.utc),
                          headers={**HEADERS, "i": i})
            confirm = await exchange.publish(msg, routing_key=f"orders.eu{i}.created", timeout=T)
            assert isinstance(confirm, Basic.Ack)
            sent.append(msg)
        # Not matching the binding: confirmed and dropped.
        assert isinstance(await exchange.publish(Message(b"skip"), "orders.eu.deleted",
                                                 mandatory=False, timeout=T), Basic.Ack)
        assert await message_count(queue) == 5

        got = []
        async with asyncio.timeout(T):
            async with queue.iterator() as it:
                async for message in it:
                    async with message.process():
                        got.append(message)
                    if len(got) == 5:
                        break
        for i, m in enumerate(got):
            assert m.body == f'{{"n": {i}}}'.encode()
            assert (m.exchange, m.routing_key) == (ex, f"orders.eu{i}.created")
            assert not m.redelivered
            assert (m.content_type, m.content_encoding) == ("application/json", "utf-8")
            assert m.delivery_mode == DeliveryMode.PERSISTENT
            assert (m.correlation_id, m.reply_to) == (f"corr-{i}", "replies")
            assert m.message_id == f"m-{i}"
            assert (m.priority, m.type, m.app_id) == (4, "order.created", "aio-test")
            assert m.timestamp == sent[i].timestamp
            assert m.headers == {**HEADERS, "i": i}
            assert m.processed
        # All acked: nothing left, and nothing comes back.
        assert await message_count(queue) == 0
        assert await queue.get(fail=False, timeout=T) is None
        await queue.delete(if_unused=False, if_empty=False)
        await exchange.delete()

    run(amqp_broker, body)


def test_get_then_reject_with_requeue_is_redelivered(amqp_broker):
    async def body(conn):
        ch = await conn.channel()
        queue = await ch.declare_queue(uid("aio-reject"), auto_delete=False, exclusive=True)
        await ch.default_exchange.publish(Message(b"job-1", message_id="j1"), queue.name, timeout=T)
        await ch.default_exchange.publish(Message(b"job-2"), queue.name, timeout=T)

        first = await get_one(queue)
        assert (first.body, first.redelivered, first.message_id) == (b"job-1", False, "j1")
        await first.reject(requeue=True)

        again = await get_one(queue)
        assert (again.body, again.redelivered, again.message_id) == (b"job-1", True, "j1")
        assert again.delivery_tag != first.delivery_tag
        await again.ack()
        second = await get_one(queue)
        assert (second.body, second.redelivered) == (b"job-2", False)
        await second.ack()
        assert await queue.get(fail=False, timeout=T) is None

    run(amqp_broker, body)


def test_rpc_with_an_exclusive_server_named_callback_queue(amqp_broker):
    rpc_name = uid("aio-rpc")

    async def body(conn):
        # The server: answers each request on reply_to with the request's correlation_id.
        server_ch = await conn.channel()
        await server_ch.set_qos(prefetch_count=1)
        requests = await server_ch.declare_queue(rpc_name, auto_delete=True)

        async def serve(request):
            async with request.process():
                n = int(request.body)
                await server_ch.default_exchange.publish(
                    Message(str(n * n).encode(), correlation_id=request.correlation_id,
                            headers={"served-by": "squarer"}),
                    routing_key=request.reply_to, timeout=T)
        await requests.consume(serve)

        # The client: a server-named exclusive queue for the replies. connect_robust names its
        # queues itself (amq_<uuid>) so that it can declare them again after a reconnect, so the
        # client is on a plain aio_pika.connect connection.
        client = await aio_pika.connect(f"amqp://guest:guest@{amqp_broker.host}:"
                                        f"{amqp_broker.port}/", timeout=T)
        try:
            await client_rpc(client)
        finally:
            await asyncio.wait_for(client.close(), T)

    async def client_rpc(client):
        client_ch = await client.channel()
        callback = await client_ch.declare_queue(exclusive=True)
        assert callback.name.startswith("amq.gen-"), callback.name
        pending: dict[str, asyncio.Future] = {}

        async def on_reply(reply):
            fut = pending.pop(reply.correlation_id, None)
            if fut is not None:
                fut.set_result(reply)
        await callback.consume(on_reply, no_ack=True)

        async def call(n: int):
            cid = str(uuid.uuid4())
            pending[cid] = asyncio.get_running_loop().create_future()
            await client_ch.default_exchange.publish(
                Message(str(n).encode(), correlation_id=cid, reply_to=callback.name),
                routing_key=rpc_name, timeout=T)
            reply = await asyncio.wait_for(pending[cid], T)
            assert reply.correlation_id == cid
            assert reply.headers == {"served-by": "squarer"}
            return int(reply.body)

        assert await call(7) == 49
        assert await asyncio.gather(*(call(n) for n in range(10))) == [n * n for n in range(10)]
        assert pending == {}

    run(amqp_broker, body)


def test_mandatory_unroutable_publish_raises_publish_error(amqp_broker):
    ex = uid("aio-direct")

    async def body(conn):
        ch = await conn.channel(on_return_raises=True)
        exchange = await ch.declare_exchange(ex, ExchangeType.DIRECT, auto_delete=True)
        queue = await ch.declare_queue(exclusive=True)
        await queue.bind(exchange, "routed")

        with pytest.raises(PublishError) as e:
            await exchange.publish(Message(b"comes back", message_id="m-1", headers={"h": "v"}),
                                   routing_key="unrouted", mandatory=True, timeout=T)
        ret = e.value.frame
        assert isinstance(ret, Basic.Return)
        assert (ret.reply_code, ret.reply_text) == (312, "NO_ROUTE")
        assert (ret.exchange, ret.routing_key) == (ex, "unrouted")
        returned = e.value.message
        assert returned.body == b"comes back"
        assert (returned.header.properties.message_id, returned.header.properties.headers) == \
            ("m-1", {"h": "v"})

        # The channel is still usable: a routable mandatory message is just confirmed.
        assert isinstance(await exchange.publish(Message(b"routed"), "routed", mandatory=True,
                                                 timeout=T), Basic.Ack)
        assert (await get_one(queue, no_ack=True)).body == b"routed"

        # Without on_return_raises (aio-pika's default) the returned message goes to the
        # channel's return callbacks, and publish returns it instead of an ack.
        plain = await conn.channel()
        seen = []
        plain.return_callbacks.add(lambda _ch, msg: seen.append(msg))
        result = await plain.default_exchange.publish(Message(b"nobody"), uid("no-such-queue"),
                                                      mandatory=True, timeout=T)
        assert not isinstance(result, Basic.Ack)
        assert result.body == b"nobody" and result.delivery.reply_code == 312
        assert [m.body for m in seen] == [b"nobody"]

    run(amqp_broker, body)


@pytest.mark.robustmqd_only
def test_robust_connection_restores_channels_queues_and_consumers_after_a_restart(amqp_broker):
    q, kept = uid("aio-robust"), uid("aio-kept")

    async def body(conn):
        reconnected = asyncio.Event()
        conn.reconnect_callbacks.add(lambda *_: reconnected.set())
        ch = await conn.channel()
        queue = await ch.declare_queue(q, durable=True)
        idle = await ch.declare_queue(kept, durable=True)
        got: asyncio.Queue = asyncio.Queue()

        async def on_message(message):
            async with message.process():
                await got.put(message.body)
        await queue.consume(on_message)
        persistent = {"delivery_mode": DeliveryMode.PERSISTENT}
        await ch.default_exchange.publish(Message(b"before", **persistent), q, timeout=T)
        assert await asyncio.wait_for(got.get(), T) == b"before"
        await ch.default_exchange.publish(Message(b"stored", **persistent), kept, timeout=T)

        # The loop keeps running while the broker restarts, so aio-pika sees the connection go.
        await asyncio.get_running_loop().run_in_executor(None, amqp_broker.restart)
        await asyncio.wait_for(reconnected.wait(), 20)

        # The same channel, queue and consumer objects work again.
        await ch.default_exchange.publish(Message(b"after", **persistent), q, timeout=T)
        assert await asyncio.wait_for(got.get(), T) == b"after"
        stored = await get_one(idle)
        assert stored.body == b"stored"
        await stored.ack()

    run(amqp_broker, body, reconnect_interval=0.2)
