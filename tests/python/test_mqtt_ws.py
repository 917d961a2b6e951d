"""MQTT over WebSocket (robustmqd --mqtt-ws-listen; path /mqtt, subprotocol `mqtt`): paho-mqtt
with transport="websockets" in MQTT 3.1.1 and 5, mixed with TCP clients, and a hand-written
WebSocket client for the handshake and for MQTT packets split across and packed into frames.

Every test here is marked `mqtt_ws` (select them with `-m mqtt_ws`). They are robustmqd-only
because Debian's mosquitto 2.0.11 is built without WebSocket support.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import struct

import pytest

from mqtt_support import (BOTH_VERSIONS, CONNACK, PUBLISH, SUBACK, T, V5, Packet, connect_packet,
                          decode_varint, publish_packet, subscribe_packet, uid)

pytestmark = [pytest.mark.mqtt_ws, pytest.mark.robustmqd_only, pytest.mark.timeout(60)]

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


@BOTH_VERSIONS
def test_ws_publish_and_subscribe(mqtt, version):
    topic = uid("ws") + "/t"
    sub = mqtt.connect(version, transport="websockets")
    assert sub.subscribe(topic, 2) == [2]
    pub = mqtt.connect(version, transport="websockets")
    payloads = [b"", bytes(range(256)), b"x" * 70000]  # the last needs a 64-bit frame length
    for q, p in enumerate(payloads):
        pub.publish(topic, p, qos=q)
    got = sub.messages.wait_exactly(3)
    # Sorted: order is only guaranteed among messages delivered at the same QoS.
    assert sorted((m.payload, m.qos) for m in got) == sorted((p, q) for q, p in enumerate(payloads))


@BOTH_VERSIONS
def test_ws_and_tcp_clients_share_topics(mqtt, version):
    topic = uid("ws") + "/mixed"
    ws_sub = mqtt.subscriber(version, topic, 1, transport="websockets")
    tcp_sub = mqtt.subscriber(version, topic, 1)
    mqtt.connect(version).publish(topic, b"from-tcp", qos=1)
    mqtt.connect(version, transport="websockets").publish(topic, b"from-ws", qos=1)
    for s in (ws_sub, tcp_sub):
        assert sorted(m.payload for m in s.messages.wait_exactly(2, quiet=0.1)) == [b"from-tcp", b"from-ws"]


def test_ws_persistent_session_and_will(mqtt):
    base = uid("ws")
    watcher = mqtt.subscriber(V5, f"{base}/will", 1)
    cid = uid("wssess")
    c = mqtt.new(V5, client_id=cid, clean=False, transport="websockets")
    c.connect(SessionExpiryInterval=60, will=dict(topic=f"{base}/will", payload=b"ws-gone", qos=1))
    assert c.subscribe(f"{base}/q", 1) == [1]
    c.drop()
    assert [m.payload for m in watcher.messages.wait_exactly(1)] == [b"ws-gone"]
    mqtt.connect(V5).publish(f"{base}/q", b"queued", qos=1)
    back = mqtt.new(V5, client_id=cid, clean=False, transport="websockets")
    assert back.connect(SessionExpiryInterval=60).session_present
    assert [m.payload for m in back.messages.wait_exactly(1)] == [b"queued"]


# --------------------------------------------------------------------------
# A minimal WebSocket client
# --------------------------------------------------------------------------

class Ws:
    def __init__(self, broker, path: str = "/mqtt", protocols: str | None = "mqtt"):
        self.sock = socket.create_connection((broker.host, broker.ws_port), timeout=T)
        key = base64.b64encode(os.urandom(16))
        lines = [f"GET {path} HTTP/1.1", f"Host: {broker.host}:{broker.ws_port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key.decode()}", "Sec-WebSocket-Version: 13"]
        if protocols:
            lines.append(f"Sec-WebSocket-Protocol: {protocols}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            assert chunk, f"connection closed during the handshake: {head!r}"
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        status, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status.split()[1])
        self.headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
        self.accept_expected = base64.b64encode(hashlib.sha1(key + WS_GUID).digest()).decode()  # noqa: S324
        self.mqtt_buf = bytearray()

    def send_frame(self, data: bytes, opcode: int = 2, fin: bool = True) -> None:
        mask = os.urandom(4)
        n = len(data)
        head = bytes([(0x80 if fin else 0) | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _need(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            assert chunk, "WebSocket connection closed"
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self) -> tuple[int, bytes]:
        b0, b1 = self._need(2)
        assert not b1 & 0x80, "server frames must not be masked"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._need(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._need(8))[0]
        return b0 & 0x0F, self._need(n)

    def read_mqtt(self) -> Packet:
        """The next MQTT packet, however the server split it into binary frames."""
        while True:
            if len(self.mqtt_buf) >= 2:
                try:
                    length, pos = decode_varint(self.mqtt_buf, 1)
                    if len(self.mqtt_buf) >= pos + length:
                        b0 = self.mqtt_buf[0]
                        body = bytes(self.mqtt_buf[pos:pos + length])
                        del self.mqtt_buf[:pos + length]
                        return Packet(b0 >> 4, b0 & 0xF, body, V5)
                except IndexError:
                    pass
            opcode, data = self.recv_frame()
            assert opcode in (0, 2), f"expected a binary frame, got opcode {opcode}"
            self.mqtt_buf += data

    def close(self):
        self.sock.close()


def test_ws_handshake(mqtt_broker):
    ws = Ws(mqtt_broker)
    try:
        assert ws.status == 101, ws.headers
        assert ws.headers.get("upgrade", "").lower() == "websocket"
        assert ws.headers.get("sec-websocket-accept") == ws.accept_expected
        assert ws.headers.get("sec-websocket-protocol") == "mqtt"
        ws.send_frame(connect_packet(V5, client_id=uid("rawws")))
        ack = ws.read_mqtt()
        assert ack.type == CONNACK and ack.reason == 0
    finally:
        ws.close()


def test_ws_packets_split_across_and_packed_into_frames(mqtt_broker, mqtt):
    topic = uid("wsframes") + "/t"
    ws = Ws(mqtt_broker)
    try:
        assert ws.status == 101
        conn = connect_packet(V5, client_id=uid("rawws"))
        # CONNECT in three frames, the middle one a continuation.
        ws.send_frame(conn[:3], opcode=2, fin=False)
        ws.send_frame(conn[3:7], opcode=0, fin=False)
        ws.send_frame(conn[7:], opcode=0, fin=True)
        assert ws.read_mqtt().type == CONNACK
        # SUBSCRIBE and a PUBLISH to itself in one frame.
        ws.send_frame(subscribe_packet(V5, 1, [(topic, 0)]) + publish_packet(V5, topic, b"packed"))
        assert ws.read_mqtt().type == SUBACK
        p = ws.read_mqtt()
        assert p.type == PUBLISH and p.publish()[0] == topic and p.publish()[2] == b"packed"
        # A ping frame is answered with a pong carrying the same data.
        ws.send_frame(b"hi", opcode=9)
        opcode, data = ws.recv_frame()
        assert (opcode, data) == (10, b"hi")
    finally:
        ws.close()
