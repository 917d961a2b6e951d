//! One MQTT connection over any byte stream (TCP, TLS, WebSocket): reads and decodes packets,
//! applies them to the broker state, and writes acknowledgements and deliveries. Publishes that
//! wait for an fsync are pipelined, so one fsync acknowledges many of them, in order.

mod connect;
mod inbound;
mod outbound;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use futures::FutureExt;
use robustmq_broker::DurableWait;
use robustmq_transport::replies::Replies;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::broker::session::{LogPartition, Session};
use crate::broker::MqttCore;
use crate::codec::{self, ConnAck, DecodeError, Disconnect, Packet, ProtocolVersion};
use crate::message::Message;
use outbound::Refill;

/// How long a publisher pauses after a store while sessions catch up on its partitions.
const GIVE_WAY: Duration = Duration::from_micros(500);

/// Publishes stored with one append at most (see `Conn::flush_publishes`).
const PUBLISH_BATCH: usize = 512;
/// An output buffer that grew past this is dropped once written, not kept for the connection's life.
const OUT_KEEP_BYTES: usize = 1 << 20;

/// Why a connection ended.
#[derive(Debug)]
pub enum Closed {
    /// DISCONNECT from the client.
    Normal,
    /// The client closed the stream without DISCONNECT.
    ByPeer,
    Shutdown,
    TakenOver,
    KeepAliveTimeout,
    Io(std::io::Error),
    /// Bad bytes or a protocol violation: the reason code sent (v5) and what was wrong.
    Protocol(u8, String),
    Refused(String),
}

/// An acknowledgement that may wait for an fsync; `frees` says whether it ends an inbound
/// QoS 1 exchange (QoS 2 ends at PUBREL).
struct Ack {
    packet: Packet,
    frees: bool,
}

/// Acknowledgements being gathered (see `Conn::seal_acks`).
#[derive(Default)]
struct AckBatch {
    acks: Vec<Ack>,
    /// Per partition, the end offset that must be durable first.
    waits: DurableWait,
    /// A persistent session whose QoS 2 packet ids are saved once the records are durable.
    remember: Option<(Arc<MqttCore>, Arc<Session>)>,
}

/// The state of an established connection.
pub(crate) struct Conn {
    /// Partitions this connection stored QoS 0 publishes in since it last gave way to
    /// sessions catching up on them.
    stored_in: Vec<LogPartition>,
    core: Arc<MqttCore>,
    peer: SocketAddr,
    version: ProtocolVersion,
    client_id: String,
    /// Who the client is for ACLs (see [`crate::acl`]); `None` when ACLs are off.
    identity: Option<Box<crate::acl::Identity>>,
    session: Arc<Session>,
    conn_id: u64,
    /// The client's limits on what we send.
    client_receive_max: u16,
    client_max_packet: u32,
    client_alias_max: u16,
    /// Topic aliases the client set (inbound) and we set (outbound).
    inbound_aliases: HashMap<u16, String>,
    outbound_aliases: HashMap<String, u16>,
    /// Boxed: most connections have no will, and a message is large.
    will: Option<Box<(Message, u32)>>,
    /// Session expiry given in CONNECT (a DISCONNECT may not raise it from 0).
    connect_expiry: u32,
    /// Inbound QoS 1/2 publishes not yet fully acknowledged, against our Receive Maximum.
    inbound_unacked: usize,
    acks: Replies<Result<Vec<Ack>, String>>,
    ack_batch: AckBatch,
    /// Publishes read but not yet appended, with their packet ids.
    publishes: Vec<(Message, u16)>,
    out: BytesMut,
}

/// Serves one connection until it ends; the caller logs the outcome.
pub async fn serve<S>(
    stream: S,
    peer: SocketAddr,
    core: Arc<MqttCore>,
    mut shutdown: watch::Receiver<bool>,
) -> Closed
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (mut rd, mut wr) = tokio::io::split(stream);
    // Small to start: most connections are idle devices; busy ones grow the buffers.
    let mut buf = BytesMut::with_capacity(256);
    // Each phase is boxed, so a connection holds only the state of the phase it is in: the
    // CONNECT handling is gone once the connection is established (idle connections are most).
    let (mut conn, mut kick, keep_alive) =
        match Box::pin(establish(&mut rd, &mut wr, &mut buf, peer, &core)).await {
            Ok(established) => established,
            Err(closed) => return closed,
        };
    let closed = Box::pin(run(
        &mut conn,
        &mut rd,
        &mut wr,
        &mut buf,
        &mut kick,
        &mut shutdown,
        keep_alive,
    ))
    .await;
    let _ = wr.flush().await;
    let _ = wr.shutdown().await;
    conn.finish(&closed);
    core.stats.connected.fetch_sub(1, Ordering::Relaxed);
    closed
}

/// Reads the CONNECT (within a deadline), accepts or refuses it, and queues the CONNACK.
async fn establish<R, W>(
    rd: &mut R,
    wr: &mut W,
    buf: &mut BytesMut,
    peer: SocketAddr,
    core: &Arc<MqttCore>,
) -> Result<(Conn, tokio::sync::oneshot::Receiver<u8>, Duration), Closed>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let max = core.config.max_packet_size as usize;
    let first = tokio::time::timeout(core.config.connect_timeout, async {
        loop {
            match codec::decode(buf, None, max) {
                Ok(Some((p, n))) => {
                    buf.advance(n);
                    return Ok(p);
                }
                Ok(None) => {}
                Err(e) => return Err(Err(e)),
            }
            match rd.read_buf(buf).await {
                Ok(0) => return Err(Ok(Closed::ByPeer)),
                Ok(_) => {}
                Err(e) => return Err(Ok(Closed::Io(e))),
            }
        }
    })
    .await;
    let connect = match first {
        Err(_) => return Err(Closed::Protocol(0, "no CONNECT within 10 s".into())),
        Ok(Err(Ok(closed))) => return Err(closed),
        Ok(Err(Err(e))) => return Err(refuse_bad_connect(wr, buf, e).await),
        Ok(Ok(Packet::Connect(c))) => c,
        Ok(Ok(_)) => {
            return Err(Closed::Protocol(
                0x82,
                "the first packet must be CONNECT".into(),
            ))
        }
    };
    let clean_expiry = connect.properties.session_expiry_interval.unwrap_or(0);
    let accepted = match connect::accept(core, connect, peer).await {
        Ok(a) => a,
        Err(r) => {
            let mut out = BytesMut::new();
            let version = if r.connack.properties.reason_string.is_some() {
                ProtocolVersion::V5
            } else {
                ProtocolVersion::V3_1_1
            };
            let _ = codec::encode(&Packet::ConnAck(r.connack), version, &mut out);
            let _ = send(wr, &out).await;
            let _ = wr.shutdown().await;
            return Err(Closed::Refused(r.why));
        }
    };
    core.stats.connected.fetch_add(1, Ordering::Relaxed);
    let mut conn = Conn {
        peer,
        version: accepted.version,
        client_id: accepted.client_id,
        identity: accepted.identity,
        session: Arc::clone(&accepted.session),
        conn_id: accepted.conn_id,
        client_receive_max: accepted.receive_maximum,
        client_max_packet: accepted.max_packet_size,
        client_alias_max: accepted.topic_alias_maximum,
        inbound_aliases: HashMap::new(),
        outbound_aliases: HashMap::new(),
        will: accepted.will.map(Box::new),
        connect_expiry: if accepted.version.is_v5() {
            clean_expiry
        } else {
            0
        },
        inbound_unacked: 0,
        acks: Replies::default(),
        ack_batch: AckBatch::default(),
        publishes: Vec::new(),
        stored_in: Vec::new(),
        out: BytesMut::new(),
        core: Arc::clone(core),
    };
    tracing::debug!(%peer, client_id = %conn.client_id, version = ?conn.version, present = accepted.session_present, "mqtt client connected");
    conn.write(Packet::ConnAck(ConnAck { ..accepted.connack }));
    if accepted.session_present {
        conn.resend_inflight();
    }
    Ok((conn, accepted.kick, accepted.keep_alive))
}

/// The main loop of an established connection.
async fn run<R, W>(
    conn: &mut Conn,
    rd: &mut R,
    wr: &mut W,
    buf: &mut BytesMut,
    kick: &mut tokio::sync::oneshot::Receiver<u8>,
    shutdown: &mut watch::Receiver<bool>,
    keep_alive: Duration,
) -> Closed
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let max = conn.core.config.max_packet_size as usize;
    // 1.5 times the keep alive without a packet ends the connection (spec 3.1.2.10).
    let grace = keep_alive.mul_f32(1.5);
    let mut deadline = Instant::now() + grace;
    let mut kicked = false;
    let mut refill;
    let mut read_size = ReadSize::default();
    loop {
        // Every whole packet already read, in order.
        loop {
            match codec::decode(buf, Some(conn.version), max) {
                Ok(Some((packet, n))) => {
                    buf.advance(n);
                    conn.core
                        .stats
                        .bytes_received
                        .fetch_add(n as u64, Ordering::Relaxed);
                    let mut closed = conn.handle(packet);
                    if closed.is_none() && conn.publishes.len() >= PUBLISH_BATCH {
                        closed = conn.flush_publishes();
                    }
                    if let Some(closed) = closed {
                        let _ = send(wr, &conn.out).await;
                        return closed;
                    }
                }
                Ok(None) => {
                    if let Some(closed) = conn.flush_publishes() {
                        let _ = send(wr, &conn.out).await;
                        return closed;
                    }
                    break;
                }
                Err(e) => {
                    // What was read before the bad packet is kept and acknowledged.
                    conn.flush_publishes();
                    return conn.protocol_error(wr, e).await;
                }
            }
        }
        refill = conn.fill_window();
        if !conn.stored_in.is_empty() {
            // Sessions reading the log behind this publisher: they run before it reads more.
            let wait = conn.core.publishers_should_wait(&conn.stored_in);
            conn.stored_in.clear();
            if wait {
                tokio::time::sleep(GIVE_WAY).await;
            }
        }
        if !conn.out.is_empty() {
            let n = conn.out.len() as u64;
            if let Err(e) = send(wr, &conn.out).await {
                return Closed::Io(e);
            }
            conn.core.stats.bytes_sent.fetch_add(n, Ordering::Relaxed);
            conn.out.clear();
            // A burst (or one large message) grew the buffer: give the memory back.
            if conn.out.capacity() > OUT_KEEP_BYTES {
                conn.out = BytesMut::new();
            }
        }
        read_size.prepare(buf);
        tokio::select! {
            read = rd.read_buf(buf) => match read {
                Ok(0) => return Closed::ByPeer,
                Ok(n) => {
                    read_size.after_read(n);
                    deadline = Instant::now() + grace;
                }
                Err(e) => return Closed::Io(e),
            },
            _ = conn.acks.next_ready(), if conn.acks.waiting() => {
                // Every batch already durable goes out in the same write.
                while let Some(acks) = conn.acks.pop_ready() {
                    match acks {
                        Ok(acks) => conn.write_acks(acks),
                        Err(why) => {
                            conn.disconnect(0x80, &why);
                            let _ = send(wr, &conn.out).await;
                            return Closed::Protocol(0x80, why);
                        }
                    }
                }
            }
            _ = conn.session.wake.notified() => {}
            code = &mut *kick, if !kicked => {
                kicked = true;
                if let Ok(code) = code {
                    conn.last_packets(rd, buf);
                    conn.disconnect(code, "another connection took over the session");
                    let _ = send(wr, &conn.out).await;
                    return Closed::TakenOver;
                }
            }
            _ = tokio::time::sleep_until(deadline), if !keep_alive.is_zero() => {
                conn.disconnect(0x8D, "keep alive timeout");
                let _ = send(wr, &conn.out).await;
                return Closed::KeepAliveTimeout;
            }
            _ = tokio::time::sleep(Duration::from_millis(2)), if refill == Refill::Soon => {}
            _ = tokio::task::yield_now(), if refill == Refill::Now => {}
            _ = shutdown.changed() => {
                conn.disconnect(0x8B, "server shutting down");
                let _ = send(wr, &conn.out).await;
                return Closed::Shutdown;
            }
        }
    }
}

/// How much a connection reads at once: small while it is quiet (most connections are idle
/// devices), doubling while reads fill the buffer, so a busy publisher's packets arrive
/// hundreds at a time and are stored with one append.
struct ReadSize {
    want: usize,
}

impl Default for ReadSize {
    fn default() -> Self {
        ReadSize {
            want: ReadSize::MIN,
        }
    }
}

impl ReadSize {
    const MIN: usize = 256;
    const MAX: usize = 64 * 1024;

    /// Makes room for the next read; gives back a large buffer once it is empty and quiet.
    fn prepare(&self, buf: &mut BytesMut) {
        if buf.is_empty() && buf.capacity() > 4 * self.want.max(4096) {
            *buf = BytesMut::with_capacity(self.want);
        }
        if buf.capacity() - buf.len() < self.want {
            buf.reserve(self.want);
        }
    }

    fn after_read(&mut self, n: usize) {
        if n >= self.want {
            self.want = (self.want * 2).min(ReadSize::MAX);
        } else if n < self.want / 4 {
            self.want = (self.want / 2).max(ReadSize::MIN);
        }
    }
}

/// Writes and flushes (TLS and WebSocket streams hold bytes until flushed).
async fn send<W: AsyncWrite + Unpin>(wr: &mut W, bytes: &[u8]) -> std::io::Result<()> {
    wr.write_all(bytes).await?;
    wr.flush().await
}

/// The protocol level of a (possibly malformed) CONNECT: after the fixed header, the
/// protocol name and its length.
fn connect_level(buf: &[u8]) -> Option<u8> {
    let vbi = buf.iter().skip(1).take(4).position(|b| b & 0x80 == 0)? + 1;
    let at = 1 + vbi;
    let name_len = u16::from_be_bytes([*buf.get(at)?, *buf.get(at + 1)?]) as usize;
    buf.get(at + 2 + name_len).copied()
}

/// A CONNECT that does not decode: CONNACK with the reason where the version allows one.
async fn refuse_bad_connect<W: AsyncWrite + Unpin>(
    wr: &mut W,
    buf: &[u8],
    e: DecodeError,
) -> Closed {
    let level = connect_level(buf).unwrap_or(0);
    let mut out = BytesMut::new();
    if level == 5 {
        let connack = ConnAck {
            session_present: false,
            code: e.reason_code(),
            properties: Default::default(),
        };
        let _ = codec::encode(&Packet::ConnAck(connack), ProtocolVersion::V5, &mut out);
    } else if let Some(code) = e.v3_connack_code() {
        let connack = ConnAck {
            session_present: false,
            code,
            properties: Default::default(),
        };
        let _ = codec::encode(&Packet::ConnAck(connack), ProtocolVersion::V3_1_1, &mut out);
    }
    if !out.is_empty() {
        let _ = send(wr, &out).await;
    }
    let _ = wr.shutdown().await;
    Closed::Protocol(e.reason_code(), e.to_string())
}

impl Conn {
    fn write(&mut self, packet: Packet) {
        if let Err(e) = codec::encode(&packet, self.version, &mut self.out) {
            tracing::warn!(peer = %self.peer, client_id = %self.client_id, error = %e, "cannot encode an outgoing packet");
        }
    }

    /// Before a takeover closes this connection: the packets its client sent before it
    /// reconnected still count (a PUBREC, say, which decides whether the session resends a
    /// PUBLISH or a PUBREL). Reads only what is already there.
    fn last_packets<R: AsyncRead + Unpin>(&mut self, rd: &mut R, buf: &mut BytesMut) {
        while let Some(Ok(n)) = rd.read_buf(buf).now_or_never() {
            if n == 0 {
                break;
            }
        }
        let max = self.core.config.max_packet_size as usize;
        while let Ok(Some((packet, n))) = codec::decode(buf, Some(self.version), max) {
            buf.advance(n);
            if self.handle(packet).is_some() {
                break;
            }
        }
        self.flush_publishes();
    }

    fn write_acks(&mut self, acks: Vec<Ack>) {
        for a in acks {
            if a.frees {
                self.inbound_unacked = self.inbound_unacked.saturating_sub(1);
            }
            self.write(a.packet);
        }
    }

    /// Queues a v5 DISCONNECT with `code` (3.x has none: the connection just closes).
    fn disconnect(&mut self, code: u8, why: &str) {
        if self.version.is_v5() {
            let mut d = Disconnect {
                reason_code: code,
                ..Default::default()
            };
            d.properties.reason_string = Some(why.to_string());
            self.write(Packet::Disconnect(d));
        }
    }

    async fn protocol_error<W: AsyncWrite + Unpin>(
        &mut self,
        wr: &mut W,
        e: DecodeError,
    ) -> Closed {
        let code = e.reason_code();
        self.disconnect(code, &e.to_string());
        let _ = send(wr, &self.out).await;
        Closed::Protocol(code, e.to_string())
    }

    /// The connection is over: the will (unless a normal DISCONNECT discarded it) and the
    /// session's fate.
    fn finish(&mut self, closed: &Closed) {
        let abnormal = !matches!(closed, Closed::Normal);
        if let Some((will, delay)) = self.will.take().map(|b| *b) {
            if abnormal && !matches!(closed, Closed::Shutdown) {
                self.core.schedule_will(&self.session, will, delay);
            }
        }
        self.core.close_session(&self.session, self.conn_id);
    }
}
