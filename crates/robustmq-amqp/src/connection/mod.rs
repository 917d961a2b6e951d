//! One AMQP connection: the handshake (protocol header, start/start-ok with PLAIN or
//! AMQPLAIN, tune, open), then one task that reads frames, writes replies in request order
//! (publisher confirms wait for durability without holding back reading), writes deliveries
//! from queues, and keeps heartbeats both ways. Never blocked on a write: reading stops while
//! too much output is pending, and deliveries stop being taken.

mod channel;
mod handshake;
mod publish;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use amq_protocol::protocol::{connection, AMQPClass};
use bytes::BytesMut;
use robustmq_transport::replies::Replies;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, watch};

use crate::broker::queue::ToConnection;
use crate::broker::AmqpCore;
use crate::codec::{self, DecodeError, Frame};
use crate::errors::{self, AmqpError};
use channel::Channel;

/// Output pending beyond this stops reading and taking deliveries until it drains.
const OUT_HIGH_WATER: usize = 1 << 20;
/// Deliveries queued for one connection (queues skip it while it is full).
const DELIVERY_QUEUE: usize = 256;

/// Why a connection ended, for the close log line.
#[derive(Debug)]
pub enum Closed {
    /// The client closed it (connection.close or EOF after close-ok).
    Client,
    Eof,
    Io(std::io::Error),
    /// We closed it with this error.
    Error(AmqpError),
    Decode(DecodeError),
    BadHeader,
    HeartbeatTimeout,
    Shutdown,
    /// Its vhost was deleted.
    VhostDeleted,
    HandshakeTimeout,
    /// We sent connection.close and the peer did not answer within 3 s.
    CloseTimeout,
    /// The TLS handshake failed or timed out.
    Tls(String),
}

/// What the handshake settled.
pub(crate) struct Session {
    pub vhost: String,
    /// Which incarnation of the vhost it opened (see `AmqpCore::vhost_id`).
    pub vhost_id: u64,
    pub user: String,
    pub frame_max: u32,
    pub channel_max: u16,
    pub heartbeat: u16,
    /// The client announced the `connection.blocked` capability.
    pub blocked_capable: bool,
}

enum Event {
    Read(std::io::Result<usize>),
    Wrote(std::io::Result<usize>),
    Queue(ToConnection),
    Ready,
    Tick,
    VhostsChanged,
    Shutdown,
    CloseTimeout,
}

pub(crate) struct Conn {
    core: Arc<AmqpCore>,
    id: u64,
    session: Session,
    channels: HashMap<u16, Channel>,
    replies: Replies<Vec<u8>>,
    out: Vec<u8>,
    tx: mpsc::Sender<ToConnection>,
    rx: mpsc::Receiver<ToConnection>,
    /// Bytes of replies owed (ready or waiting behind a confirm), not yet in `out`.
    owed: usize,
    /// Routed messages not stored yet (see `publish`), and their body bytes.
    staged: Vec<publish::Staged>,
    staged_bytes: usize,
    /// Set once we sent connection.close; everything but close-ok is then ignored.
    closing: bool,
    /// The connection has published: a resource alarm stops reading from it.
    pub(crate) published: bool,
    /// The core's alarm, and whether we told the client it is blocked.
    blocked: watch::Receiver<Option<String>>,
    told_blocked: bool,
    /// Changes when a vhost is deleted (this one's closes the connection).
    vhosts: watch::Receiver<u64>,
}

pub async fn serve<S>(
    stream: S,
    peer: SocketAddr,
    core: Arc<AmqpCore>,
    mut shutdown: watch::Receiver<bool>,
) -> Closed
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let (mut reader, mut writer) = tokio::io::split(stream);
    let mut rbuf = BytesMut::with_capacity(8192);
    let session = match tokio::time::timeout(
        Duration::from_secs(10),
        handshake::run(&mut reader, &mut writer, &mut rbuf, &core, peer),
    )
    .await
    {
        Ok(Ok(s)) => s,
        Ok(Err(closed)) => return closed,
        Err(_) => return Closed::HandshakeTimeout,
    };
    let (tx, rx) = mpsc::channel(DELIVERY_QUEUE);
    let mut conn = Conn {
        id: core.next_id(),
        core: Arc::clone(&core),
        session,
        channels: HashMap::new(),
        replies: Replies::default(),
        out: Vec::new(),
        tx,
        rx,
        owed: 0,
        staged: Vec::new(),
        staged_bytes: 0,
        published: false,
        blocked: core.blocked.subscribe(),
        told_blocked: false,
        vhosts: {
            // Checked at once: the vhost may have gone during the handshake.
            let mut rx = core.vhosts_changed.subscribe();
            rx.mark_changed();
            rx
        },
        closing: false,
    };
    tracing::debug!(%peer, user = %conn.session.user, vhost = %conn.session.vhost, "amqp connection open");
    let closed = conn
        .run(&mut reader, &mut writer, &mut rbuf, &mut shutdown)
        .await;
    // Dropping `conn` gives back everything it held (also when a bug panics this task).
    drop(conn);
    let _ = writer.shutdown().await;
    closed
}

impl Conn {
    async fn run<R, W>(
        &mut self,
        reader: &mut R,
        writer: &mut W,
        rbuf: &mut BytesMut,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Closed
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let hb = Duration::from_secs(u64::from(self.session.heartbeat));
        let mut last_read = Instant::now();
        let mut last_write = Instant::now();
        let mut tick = tokio::time::interval(if hb.is_zero() {
            Duration::from_secs(3600)
        } else {
            hb / 2
        });
        let mut close_deadline: Option<Instant> = None;
        loop {
            // Decode and handle the whole frames already read, until output backs up.
            while self.out.len() + self.owed < OUT_HIGH_WATER {
                match codec::decode(rbuf, self.session.frame_max) {
                    Ok(Some((frame, used))) => {
                        let _ = rbuf.split_to(used);
                        if let Some(closed) = self.on_frame(frame) {
                            let _ = self.flush_all(writer).await;
                            return closed;
                        }
                        if self.staged_bytes >= publish::STAGE_BYTES {
                            self.store_staged();
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = self.flush_publishes();
                        tracing::warn!(conn = self.id, error = %e, "closing an AMQP connection: bad frame");
                        self.close_with(AmqpError::connection(e.reply_code(), e.to_string()));
                        let _ = self.flush_all(writer).await;
                        return Closed::Decode(e);
                    }
                }
            }
            self.store_staged();
            if self.closing && close_deadline.is_none() {
                close_deadline = Some(Instant::now() + Duration::from_secs(3));
            }
            // Before the ready replies go out, so a connection.blocked is written now, not
            // after the next event (a blocked connection is not read: there may be none).
            self.tell_blocked();
            while let Some(r) = self.replies.pop_ready() {
                self.owed = self.owed.saturating_sub(r.len());
                self.out.extend_from_slice(&r);
            }
            let backlog = self.out.len() + self.owed;
            let alarm = self.published && self.blocked.borrow().is_some();
            let can_read = backlog < OUT_HIGH_WATER && !alarm;
            let can_deliver = backlog < OUT_HIGH_WATER / 4 && !self.closing;
            if !can_read {
                // Not reading is our doing: the peer's heartbeats wait in the socket.
                last_read = Instant::now();
            }
            let event = {
                let out = &self.out;
                let replies = &mut self.replies;
                let rx = &mut self.rx;
                let blocked = &mut self.blocked;
                let vhosts = &mut self.vhosts;
                let closing = self.closing;
                let close_by = close_deadline.map(tokio::time::Instant::from_std);
                tokio::select! {
                    read = reader.read_buf(rbuf), if can_read => Event::Read(read),
                    written = writer.write(out), if !out.is_empty() => Event::Wrote(written),
                    Some(msg) = rx.recv(), if can_deliver => Event::Queue(msg),
                    _ = replies.next_ready(), if replies.waiting() => Event::Ready,
                    _ = tick.tick() => Event::Tick,
                    _ = blocked.changed() => Event::Ready,
                    _ = vhosts.changed() => Event::VhostsChanged,
                    _ = shutdown.changed(), if !closing => Event::Shutdown,
                    // A peer that never answers our connection.close is dropped.
                    _ = tokio::time::sleep_until(close_by.unwrap_or_else(tokio::time::Instant::now)), if close_by.is_some() => Event::CloseTimeout,
                }
            };
            match event {
                Event::Read(Ok(0)) => {
                    return if self.closing {
                        Closed::Client
                    } else {
                        Closed::Eof
                    };
                }
                Event::Read(Ok(_)) => last_read = Instant::now(),
                Event::Read(Err(e)) | Event::Wrote(Err(e)) => return Closed::Io(e),
                Event::Wrote(Ok(0)) => return Closed::Eof,
                Event::Wrote(Ok(n)) => {
                    self.out.drain(..n);
                    last_write = Instant::now();
                    if self.out.is_empty() {
                        if let Err(e) = writer.flush().await {
                            return Closed::Io(e);
                        }
                    }
                }
                Event::Queue(msg) => self.on_queue(msg),
                Event::CloseTimeout => return Closed::CloseTimeout,
                Event::Ready => {}
                Event::Tick => {
                    if close_deadline.is_some_and(|d| Instant::now() > d) {
                        return Closed::Client;
                    }
                    if !hb.is_zero() {
                        if last_read.elapsed() > hb * 2 {
                            tracing::info!(conn = self.id, "amqp heartbeat timeout");
                            return Closed::HeartbeatTimeout;
                        }
                        if last_write.elapsed() >= hb / 2 && self.out.is_empty() {
                            codec::put_heartbeat(&mut self.out);
                        }
                    }
                }
                Event::VhostsChanged
                    if self.core.vhost_id(&self.session.vhost) != Some(self.session.vhost_id) =>
                {
                    self.close_with(AmqpError::connection(
                        errors::CONNECTION_FORCED,
                        format!("vhost '{}' is deleted", self.session.vhost),
                    ));
                    let _ = self.flush_all(writer).await;
                    return Closed::VhostDeleted;
                }
                Event::VhostsChanged => {}
                Event::Shutdown => {
                    self.close_with(AmqpError::connection(
                        errors::CONNECTION_FORCED,
                        "broker shutdown",
                    ));
                    let _ = self.flush_all(writer).await;
                    return Closed::Shutdown;
                }
            }
        }
    }

    /// Writes everything owed, waiting up to 2 s for replies still waiting on durability
    /// (confirms ahead of a close-ok).
    async fn flush_all<W: AsyncWrite + Unpin>(&mut self, writer: &mut W) -> std::io::Result<()> {
        let written = tokio::time::timeout(Duration::from_secs(2), async {
            loop {
                while let Some(r) = self.replies.pop_ready() {
                    self.owed = self.owed.saturating_sub(r.len());
                    self.out.extend_from_slice(&r);
                }
                let out = std::mem::take(&mut self.out);
                writer.write_all(&out).await?;
                if !self.replies.waiting() {
                    return writer.flush().await;
                }
                self.replies.next_ready().await;
            }
        })
        .await;
        written.unwrap_or(Ok(()))
    }

    /// Counts a delivered message in its topic's outgoing metrics (`robustmq top`, /metrics).
    pub(crate) fn count_out(&self, labels: &robustmq_broker::metrics::TopicLabels, bytes: usize) {
        let m = &self.core.broker.metrics;
        m.records_out.get_or_create(labels).inc();
        m.bytes_out.get_or_create(labels).inc_by(bytes as u64);
    }

    /// Sends connection.blocked / unblocked when the alarm changed for a publisher that
    /// understands them.
    fn tell_blocked(&mut self) {
        if !self.session.blocked_capable || self.closing {
            return;
        }
        let reason = self.blocked.borrow().clone();
        match reason {
            Some(why) if self.published && !self.told_blocked => {
                self.told_blocked = true;
                self.reply(
                    0,
                    AMQPClass::Connection(connection::AMQPMethod::Blocked(connection::Blocked {
                        reason: codec::short(&why),
                    })),
                );
            }
            None if self.told_blocked => {
                self.told_blocked = false;
                self.reply(
                    0,
                    AMQPClass::Connection(connection::AMQPMethod::Unblocked(
                        connection::Unblocked {},
                    )),
                );
            }
            _ => {}
        }
    }

    /// Stores the staged publishes; a failure closes the connection.
    fn store_staged(&mut self) {
        if let Err(e) = self.flush_publishes() {
            self.close_with(e);
        }
    }

    /// Handles one frame; `Some` ends the connection.
    fn on_frame(&mut self, frame: Frame) -> Option<Closed> {
        if matches!(frame, Frame::Method { channel: 0, .. }) {
            // A connection.close covers the publishes before it.
            self.store_staged();
        }
        match frame {
            Frame::Heartbeat { channel: 0 } => None,
            Frame::Heartbeat { .. } => {
                self.close_with(AmqpError::connection(
                    errors::FRAME_ERROR,
                    "heartbeat frame on a channel other than 0",
                ));
                None
            }
            Frame::Method { channel: 0, method } => self.on_connection_method(*method),
            frame => {
                if self.closing {
                    return None;
                }
                let id = match &frame {
                    Frame::Method { channel, .. }
                    | Frame::Header { channel, .. }
                    | Frame::Body { channel, .. }
                    | Frame::Heartbeat { channel } => *channel,
                };
                if let Err(e) = self.on_channel_frame(id, frame) {
                    self.fail(id, e);
                }
                None
            }
        }
    }

    fn on_connection_method(&mut self, method: AMQPClass) -> Option<Closed> {
        match method {
            AMQPClass::Connection(connection::AMQPMethod::Close(c)) => {
                if c.reply_code != errors::REPLY_SUCCESS {
                    tracing::info!(conn = self.id, code = c.reply_code, text = %c.reply_text.as_str(), "amqp client closed the connection with an error");
                }
                self.reply(
                    0,
                    AMQPClass::Connection(connection::AMQPMethod::CloseOk(connection::CloseOk {})),
                );
                Some(Closed::Client)
            }
            AMQPClass::Connection(connection::AMQPMethod::CloseOk(_)) if self.closing => {
                Some(Closed::Client)
            }
            AMQPClass::Connection(connection::AMQPMethod::Blocked(_))
            | AMQPClass::Connection(connection::AMQPMethod::Unblocked(_)) => None,
            _ if self.closing => None,
            other => {
                self.close_with(
                    AmqpError::connection(
                        errors::COMMAND_INVALID,
                        "unexpected method on channel 0",
                    )
                    .at(other.get_amqp_class_id(), other.get_amqp_method_id()),
                );
                None
            }
        }
    }

    /// Sends connection.close and stops handling anything but close-ok.
    fn close_with(&mut self, e: AmqpError) {
        if self.closing {
            return;
        }
        tracing::info!(conn = self.id, code = e.code, text = %e.text, "closing an AMQP connection");
        self.closing = true;
        self.reply(
            0,
            AMQPClass::Connection(connection::AMQPMethod::Close(connection::Close {
                reply_code: e.code,
                reply_text: codec::short(&e.text),
                class_id: e.class_id,
                method_id: e.method_id,
            })),
        );
    }

    /// A channel or connection exception raised on channel `id`.
    fn fail(&mut self, id: u16, e: AmqpError) {
        // Publishes completed before the error are stored and confirmed before the close.
        if let Err(store) = self.flush_publishes() {
            self.close_with(store);
            return;
        }
        if e.connection {
            self.close_with(e);
            return;
        }
        tracing::debug!(conn = self.id, channel = id, code = e.code, text = %e.text, "closing an AMQP channel");
        if let Some(mut ch) = self.channels.remove(&id) {
            ch.release(&self.core);
            // Keep it known as closing, so frames still in flight are dropped until close-ok.
            self.channels.insert(id, Channel::closing(id));
        }
        self.reply(
            id,
            AMQPClass::Channel(amq_protocol::protocol::channel::AMQPMethod::Close(
                amq_protocol::protocol::channel::Close {
                    reply_code: e.code,
                    reply_text: codec::short(&e.text),
                    class_id: e.class_id,
                    method_id: e.method_id,
                },
            )),
        );
    }

    /// Queues a method reply (in request order).
    fn reply(&mut self, channel: u16, method: AMQPClass) {
        let mut out = Vec::new();
        codec::put_method(&mut out, channel, &method);
        self.owe(out);
    }

    /// Queues frames that are ready, behind every reply owed before them.
    pub(crate) fn owe(&mut self, frames: Vec<u8>) {
        self.owed += frames.len();
        self.replies.push_ready(frames);
    }

    /// A delivery or a cancel from a queue.
    fn on_queue(&mut self, msg: ToConnection) {
        match msg {
            ToConnection::Deliver(d) => {
                let live = self
                    .channels
                    .get(&d.channel)
                    .is_some_and(|c| c.has_consumer(&d.consumer_tag, d.consumer));
                if !live {
                    // The consumer went while this was on its way: back to the queue, and make
                    // sure the queue has forgotten it.
                    if !d.no_ack {
                        d.credit.release();
                        if let Some(ch) = self.channels.get(&d.channel) {
                            ch.wake_consumers();
                        }
                    }
                    d.queue.cancel(d.consumer);
                    if !d.no_ack {
                        d.queue.requeue(d.offset);
                    }
                    return;
                }
                let frame_max = self.session.frame_max;
                self.count_out(&d.queue.labels, d.message.body.len());
                if let Some(ch) = self.channels.get_mut(&d.channel) {
                    let frames = ch.deliver(d, frame_max);
                    self.owe(frames);
                }
            }
            ToConnection::Reply {
                channel,
                consumer_tag,
                message,
            } => {
                let frame_max = self.session.frame_max;
                if let Some(ch) = self.channels.get_mut(&channel) {
                    if let Some(frames) =
                        ch.deliver_reply(channel, &consumer_tag, &message, frame_max)
                    {
                        self.owe(frames);
                    }
                }
            }
            ToConnection::Cancelled {
                channel,
                consumer_tag,
                consumer,
            } => {
                if let Some(ch) = self.channels.get_mut(&channel) {
                    if ch.forget_consumer(&consumer_tag, consumer) {
                        self.reply(
                            channel,
                            AMQPClass::Basic(amq_protocol::protocol::basic::AMQPMethod::Cancel(
                                amq_protocol::protocol::basic::Cancel {
                                    consumer_tag: codec::short(&consumer_tag),
                                    nowait: true,
                                },
                            )),
                        );
                    }
                }
            }
        }
    }

    /// At the end: every unacknowledged delivery goes back to its queue, consumers are
    /// cancelled, exclusive queues deleted.
    fn release_all(&mut self) {
        for (_, mut ch) in self.channels.drain() {
            ch.release(&self.core);
        }
        self.rx.close();
        while let Ok(msg) = self.rx.try_recv() {
            if let ToConnection::Deliver(d) = msg {
                if !d.no_ack {
                    d.queue.requeue(d.offset);
                }
            }
        }
        self.core.connection_closed(self.id);
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.release_all();
    }
}

/// The close log line, one per connection.
pub fn log_close(peer: SocketAddr, closed: &Closed) {
    match closed {
        Closed::Client | Closed::Shutdown => {
            tracing::debug!(%peer, ?closed, "amqp connection closed")
        }
        Closed::Eof => {
            tracing::debug!(%peer, "amqp connection closed by the client without connection.close")
        }
        other => tracing::info!(%peer, closed = ?other, "amqp connection closed"),
    }
}
