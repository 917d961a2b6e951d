//! A blocking MQTT connection for the load generator, framed by robustmq-mqtt's codec.
//!
//! Why not a general-purpose client: a benchmark on a small machine shares its CPUs with the
//! broker, so the generator must cost far less per message than any broker. Clients built for
//! applications write each publish in its own syscall and hand it between threads; here a sender
//! writes as many publishes as are due in one `write`, and a reader decodes everything one `read`
//! returned and answers it in one `write`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::{Bytes, BytesMut};
use robustmq_mqtt::codec::{
    self, Connect, Disconnect, Packet, PacketType, Properties, ProtocolVersion, PubAck, Publish,
    QoS, Subscribe, SubscriptionOptions,
};

/// How long connecting, CONNACK and SUBACK may take.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Keep alive sent in CONNECT; the connection sends PINGREQ after half of it without writing.
pub const KEEP_ALIVE_SECS: u16 = 60;
/// How often a blocked reader wakes up to check whether the run is over.
pub const POLL: Duration = Duration::from_millis(50);
/// Bytes a reader asks the kernel for at once.
const READ_CHUNK: usize = 256 * 1024;

pub fn version(v: u8) -> anyhow::Result<ProtocolVersion> {
    match v {
        3 => Ok(ProtocolVersion::V3_1_1),
        5 => Ok(ProtocolVersion::V5),
        v => bail!("--mqtt-version {v}: use 3 (MQTT 3.1.1) or 5"),
    }
}

pub fn qos(q: u8) -> QoS {
    QoS::from_u8(q.min(2)).unwrap_or(QoS::AtMostOnce)
}

/// Encodes `packet`; the bench only encodes packets the codec accepts, so a failure is a bug.
pub fn encode(packet: &Packet, v: ProtocolVersion, out: &mut BytesMut) -> anyhow::Result<()> {
    codec::encode(packet, v, out).map_err(|e| anyhow::anyhow!("encoding {packet:?}: {e}"))
}

/// A clean-session CONNECT without credentials.
pub fn connect_packet(
    v: ProtocolVersion,
    client_id: &str,
    keep_alive: u16,
) -> anyhow::Result<Vec<u8>> {
    let connect = Connect {
        protocol: v,
        clean_start: true,
        keep_alive,
        properties: Properties::default(),
        client_id: client_id.to_string(),
        will: None,
        username: None,
        password: None,
    };
    let mut out = BytesMut::new();
    encode(&Packet::Connect(connect), v, &mut out)?;
    Ok(out.to_vec())
}

/// The write side of a connection, shared by a sender and the reader that answers QoS 2 steps.
pub struct Writer {
    stream: Mutex<TcpStream>,
    last_write: Mutex<Instant>,
}

impl Writer {
    /// Writes `bytes` whole, in one call unless the socket is full.
    pub fn send(&self, bytes: &[u8]) -> io::Result<()> {
        let mut s = self
            .stream
            .lock()
            .map_err(|_| io::Error::other("writer poisoned"))?;
        s.write_all(bytes)?;
        if let Ok(mut t) = self.last_write.lock() {
            *t = Instant::now();
        }
        Ok(())
    }

    /// Sends PINGREQ when nothing was written for half the keep alive.
    pub fn keep_alive(&self) -> io::Result<()> {
        let idle = self
            .last_write
            .lock()
            .map(|t| t.elapsed())
            .unwrap_or_default();
        if idle >= Duration::from_secs(u64::from(KEEP_ALIVE_SECS / 2)) {
            self.send(&[0xc0, 0x00])?;
        }
        Ok(())
    }

    /// Sends DISCONNECT (normal) and shuts the write side; errors mean the peer is gone already.
    pub fn close(&self, v: ProtocolVersion) {
        let mut out = BytesMut::new();
        let d = Packet::Disconnect(Disconnect {
            reason_code: 0,
            properties: Properties::default(),
        });
        if encode(&d, v, &mut out).is_ok() {
            let _ = self.send(&out);
        }
        if let Ok(s) = self.stream.lock() {
            let _ = s.shutdown(Shutdown::Write);
        }
    }
}

/// One MQTT connection after CONNACK: a reader owned by one thread and a shared writer.
pub struct Wire {
    pub version: ProtocolVersion,
    /// The broker's Receive Maximum (MQTT 5), else 65,535.
    pub receive_maximum: u16,
    pub writer: Arc<Writer>,
    reader: TcpStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Packets that came in the same read as a CONNACK or SUBACK, for the next `read_packets`
    /// (a retained message can follow the SUBACK at once).
    early: Vec<Packet>,
}

impl Wire {
    /// Connects with TCP_NODELAY and completes CONNECT/CONNACK.
    pub fn connect(target: &str, v: ProtocolVersion, client_id: &str) -> anyhow::Result<Wire> {
        let addr = target
            .to_socket_addrs()
            .with_context(|| format!("resolving {target}"))?
            .next()
            .with_context(|| format!("{target} has no address"))?;
        let stream = TcpStream::connect_timeout(&addr, HANDSHAKE_TIMEOUT)
            .with_context(|| format!("connecting to {target}"))?;
        stream.set_nodelay(true)?;
        let reader = stream.try_clone()?;
        let mut wire = Wire {
            version: v,
            receive_maximum: u16::MAX,
            writer: Arc::new(Writer {
                stream: Mutex::new(stream),
                last_write: Mutex::new(Instant::now()),
            }),
            reader,
            buf: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
            early: Vec::new(),
        };
        wire.writer
            .send(&connect_packet(v, client_id, KEEP_ALIVE_SECS)?)?;
        match wire.next_packet(HANDSHAKE_TIMEOUT)? {
            Packet::ConnAck(a) if a.code == 0 => {
                wire.receive_maximum = a.properties.receive_maximum.unwrap_or(u16::MAX);
                wire.reader.set_read_timeout(Some(POLL))?;
                Ok(wire)
            }
            Packet::ConnAck(a) => bail!("CONNACK refused with code {:#04x}", a.code),
            p => bail!("expected CONNACK, got {:?}", p.packet_type()),
        }
    }

    /// Subscribes to every filter at `qos` and waits for a SUBACK granting all of them.
    pub fn subscribe(&mut self, filters: &[String], q: QoS) -> anyhow::Result<()> {
        let opts = SubscriptionOptions {
            qos: q,
            ..Default::default()
        };
        let sub = Subscribe {
            packet_id: 1,
            properties: Properties::default(),
            filters: filters.iter().map(|f| (f.clone(), opts)).collect(),
        };
        let mut out = BytesMut::new();
        encode(&Packet::Subscribe(sub), self.version, &mut out)?;
        self.writer.send(&out)?;
        match self.next_packet(HANDSHAKE_TIMEOUT)? {
            Packet::SubAck(a) if a.reason_codes.iter().all(|c| *c < 0x80) => Ok(()),
            Packet::SubAck(a) => bail!("SUBACK refused: {:02x?}", a.reason_codes),
            p => bail!("expected SUBACK, got {:?}", p.packet_type()),
        }
    }

    /// Reads until one whole packet is there (handshakes only).
    fn next_packet(&mut self, timeout: Duration) -> anyhow::Result<Packet> {
        self.reader.set_read_timeout(Some(timeout))?;
        loop {
            let mut packets = Vec::new();
            let got = self.read_packets(|p| packets.push(p))?;
            if !packets.is_empty() {
                let first = packets.remove(0);
                self.early = packets;
                return Ok(first);
            }
            if !got {
                bail!("no answer within {timeout:?}");
            }
        }
    }

    /// One `read`, then hands every whole packet in the buffer to `f`. Returns `Ok(false)` when
    /// the read timed out (nothing new), and an error when the connection closed or a packet
    /// does not decode.
    pub fn read_packets(&mut self, mut f: impl FnMut(Packet)) -> anyhow::Result<bool> {
        if !self.early.is_empty() {
            self.early.drain(..).for_each(&mut f);
            return Ok(true);
        }
        if self.start > 0 && self.end > self.buf.len() / 2 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            // One packet larger than the buffer (a large --size): make room for the rest.
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = match self.reader.read(&mut self.buf[self.end..]) {
            Ok(0) => bail!("connection closed by the broker"),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(false)
            }
            Err(e) => return Err(e).context("reading"),
        };
        self.end += n;
        loop {
            // Any size the protocol allows: the buffer grows to fit.
            let max = usize::MAX;
            match codec::decode(&self.buf[self.start..self.end], Some(self.version), max) {
                Ok(Some((p, used))) => {
                    self.start += used;
                    f(p);
                }
                Ok(None) => break,
                Err(e) => bail!("undecodable packet from the broker: {e}"),
            }
        }
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        Ok(true)
    }
}

/// A PUBLISH encoded once; each send patches only the packet id and the payload's stamp.
pub struct PublishTemplate {
    bytes: Vec<u8>,
    payload_at: usize,
    id_at: Option<usize>,
}

impl PublishTemplate {
    pub fn new(
        v: ProtocolVersion,
        topic: &str,
        q: QoS,
        retain: bool,
        payload: &[u8],
    ) -> anyhow::Result<Self> {
        let p = Publish {
            qos: q,
            retain,
            topic: topic.to_string(),
            packet_id: (q != QoS::AtMostOnce).then_some(1),
            payload: Bytes::copy_from_slice(payload),
            ..Default::default()
        };
        let mut out = BytesMut::new();
        encode(&Packet::Publish(p), v, &mut out)?;
        let payload_at = out.len() - payload.len();
        // Before the payload: the packet id, then (MQTT 5) an empty property length byte.
        let props = usize::from(v.is_v5());
        let id_at = (q != QoS::AtMostOnce).then(|| payload_at - props - 2);
        Ok(PublishTemplate {
            bytes: out.to_vec(),
            payload_at,
            id_at,
        })
    }

    /// Appends one PUBLISH with `packet_id` (ignored for QoS 0) whose payload starts with `stamp`.
    pub fn put(&self, out: &mut Vec<u8>, packet_id: u16, stamp: &[u8]) {
        let at = out.len();
        out.extend_from_slice(&self.bytes);
        if let Some(i) = self.id_at {
            out[at + i..at + i + 2].copy_from_slice(&packet_id.to_be_bytes());
        }
        let p = at + self.payload_at;
        let n = stamp.len().min(out.len() - p);
        out[p..p + n].copy_from_slice(&stamp[..n]);
    }
}

/// An acknowledgement (`kind`: PUBACK, PUBREC, PUBREL or PUBCOMP) for `id`, appended to `out`.
pub fn put_ack(
    out: &mut BytesMut,
    v: ProtocolVersion,
    kind: PacketType,
    id: u16,
) -> anyhow::Result<()> {
    let a = PubAck {
        packet_id: id,
        ..Default::default()
    };
    let p = match kind {
        PacketType::PubAck => Packet::PubAck(a),
        PacketType::PubRec => Packet::PubRec(a),
        PacketType::PubRel => Packet::PubRel(a),
        PacketType::PubComp => Packet::PubComp(a),
        other => bail!("{other:?} is not an acknowledgement"),
    };
    encode(&p, v, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_one(v: ProtocolVersion, b: &[u8]) -> Publish {
        match codec::decode(b, Some(v), b.len()) {
            Ok(Some((Packet::Publish(p), n))) if n == b.len() => p,
            other => panic!("not one PUBLISH: {other:?}"),
        }
    }

    #[test]
    fn template_patches_id_and_stamp_in_every_version_and_qos() {
        for v in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
            for q in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
                let t =
                    PublishTemplate::new(v, "a/b", q, q == QoS::AtLeastOnce, &[b'x'; 20]).unwrap();
                let mut out = Vec::new();
                t.put(&mut out, 0xbeef, &[1, 2, 3]);
                let p = decode_one(v, &out);
                assert_eq!(p.topic, "a/b");
                assert_eq!(p.qos, q);
                assert_eq!(p.retain, q == QoS::AtLeastOnce);
                let want_id = (q != QoS::AtMostOnce).then_some(0xbeef);
                assert_eq!(p.packet_id, want_id);
                assert_eq!(&p.payload[..4], &[1, 2, 3, b'x']);
                assert_eq!(p.payload.len(), 20);
            }
        }
    }

    #[test]
    fn packets_after_the_connack_and_larger_than_the_buffer_are_read_whole() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let v = ProtocolVersion::V3_1_1;
        let big = vec![7u8; 3 * READ_CHUNK];
        let t = PublishTemplate::new(v, "big", QoS::AtMostOnce, false, &big).unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut connect = [0u8; 64];
            let _ = s.read(&mut connect).unwrap();
            // CONNACK, then in the same write a small PUBLISH and the big one.
            let mut out = vec![0x20, 2, 0, 0];
            let small = PublishTemplate::new(v, "small", QoS::AtMostOnce, false, b"s").unwrap();
            small.put(&mut out, 0, &[]);
            t.put(&mut out, 0, &[]);
            s.write_all(&out).unwrap();
            s
        });
        let mut w = Wire::connect(&addr, v, "c").unwrap();
        let mut got = Vec::new();
        while got.len() < 2 {
            w.read_packets(|p| got.push(p)).unwrap();
        }
        let sizes: Vec<usize> = got
            .iter()
            .map(|p| match p {
                Packet::Publish(p) => p.payload.len(),
                other => panic!("expected PUBLISHes, got {other:?}"),
            })
            .collect();
        assert_eq!(sizes, [1, big.len()]);
        drop(server.join().unwrap());
    }

    #[test]
    fn stamp_longer_than_payload_is_cut() {
        let t = PublishTemplate::new(ProtocolVersion::V5, "t", QoS::AtMostOnce, false, &[0; 2])
            .unwrap();
        let mut out = Vec::new();
        t.put(&mut out, 0, &[9; 16]);
        assert_eq!(&decode_one(ProtocolVersion::V5, &out).payload[..], &[9, 9]);
    }
}
