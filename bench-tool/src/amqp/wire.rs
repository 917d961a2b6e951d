//! A blocking AMQP 0-9-1 connection for the load generator, framed by robustmq-amqp's codec
//! with methods from `amq-protocol`.
//!
//! Built like the MQTT one (see `mqtt/wire.rs` for why not a client library): a sender writes
//! every publish that is due in one `write`, a reader decodes everything one `read` returned.
//! Every connection opens one channel (1); heartbeats are turned off in tune-ok, so nothing
//! but the benchmark's own frames crosses the socket.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amq_protocol::protocol::{basic, channel, connection, AMQPClass};
use amq_protocol::types::{AMQPValue, FieldTable, LongString, ShortString};
use anyhow::{bail, Context};
use robustmq_amqp::codec::{self, Frame, PROTOCOL_HEADER};

/// How long connecting and each handshake or setup reply may take.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection waits for connection.close-ok after sending connection.close.
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a blocked reader wakes up to check whether the run is over.
pub const POLL: Duration = Duration::from_millis(50);
/// Bytes a reader asks the kernel for at once.
const READ_CHUNK: usize = 256 * 1024;
/// Frames before tuning may be this large (the broker's connection.start).
const HANDSHAKE_FRAME_MAX: u32 = 131_072;
/// The frame-max asked for when the broker sets no limit.
const DEFAULT_FRAME_MAX: u32 = 131_072;
/// The one channel every connection uses.
pub const CHANNEL: u16 = 1;
/// Content-header property bytes: delivery-mode 2 (the only flag set is bit 12).
pub const PERSISTENT_PROPERTIES: &[u8] = &[0x10, 0x00, 2];
/// Content-header property bytes for no properties.
pub const NO_PROPERTIES: &[u8] = &[0, 0];
/// Basic class id in content headers.
const CLASS_BASIC: u16 = 60;

/// A short string (at most 255 bytes), as an error for longer ones instead of a panic.
pub fn short(what: &str, s: &str) -> anyhow::Result<ShortString> {
    ShortString::try_new(s).map_err(|_| {
        anyhow::anyhow!(
            "{what} {s:?} is {} bytes long; AMQP allows at most 255",
            s.len()
        )
    })
}

/// One method frame; the methods the bench sends always encode, so an empty result is a bug.
pub fn method_frame(channel: u16, m: &AMQPClass) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    codec::put_method(&mut out, channel, m);
    if out.is_empty() {
        bail!("cannot encode {m:?}");
    }
    Ok(out)
}

/// What `connection.close` and `channel.close` from the broker say.
fn close_text(code: u16, text: &ShortString, class_id: u16, method_id: u16) -> String {
    let mut s = format!("{code} {text}");
    if class_id != 0 {
        s.push_str(&format!(" (in method {class_id}.{method_id})"));
    }
    s
}

/// The write side of a connection, shared by a sender and its reader.
pub struct Writer {
    stream: Mutex<TcpStream>,
}

impl Writer {
    /// Writes `bytes` whole, in one call unless the socket is full.
    pub fn send(&self, bytes: &[u8]) -> io::Result<()> {
        let mut s = self
            .stream
            .lock()
            .map_err(|_| io::Error::other("writer poisoned"))?;
        s.write_all(bytes)
    }

    pub fn method(&self, channel: u16, m: &AMQPClass) -> anyhow::Result<()> {
        self.send(&method_frame(channel, m)?)
            .with_context(|| format!("writing {}", method_name(m)))
    }

    /// Sends connection.close (reply-success); the broker answers with close-ok.
    pub fn close(&self) -> anyhow::Result<()> {
        self.method(
            0,
            &AMQPClass::Connection(connection::AMQPMethod::Close(connection::Close {
                reply_code: 200,
                reply_text: "bye".into(),
                class_id: 0,
                method_id: 0,
            })),
        )
    }

    /// Shuts both directions; errors mean the peer is gone already.
    pub fn shutdown(&self) {
        if let Ok(s) = self.stream.lock() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

/// A short name for a method, for messages.
pub fn method_name(m: &AMQPClass) -> String {
    format!(
        "method {}.{}",
        m.get_amqp_class_id(),
        m.get_amqp_method_id()
    )
}

/// What one `read_frames` call saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Got {
    /// Bytes arrived (maybe no whole frame yet).
    Data,
    /// The read timed out: nothing new.
    Idle,
    /// connection.close-ok arrived: the broker handled everything sent before our close.
    CloseOk,
}

/// One AMQP connection after channel.open-ok: a reader owned by one thread and a shared writer.
pub struct Wire {
    pub writer: Arc<Writer>,
    /// The negotiated frame-max (whole frames, in bytes).
    pub frame_max: u32,
    reader: TcpStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Frames that arrived while waiting for a setup reply, for the next `read_frames`
    /// (deliveries can follow consume-ok at once).
    early: VecDeque<Frame>,
}

impl Wire {
    /// Connects with TCP_NODELAY, completes the handshake (PLAIN login, tune without
    /// heartbeats, vhost "/") and opens channel 1.
    pub fn connect(target: &str, user: &str, password: &str) -> anyhow::Result<Wire> {
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
            writer: Arc::new(Writer {
                stream: Mutex::new(stream),
            }),
            frame_max: HANDSHAKE_FRAME_MAX,
            reader,
            buf: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
            early: VecDeque::new(),
        };
        wire.handshake(user, password)
            .with_context(|| format!("AMQP handshake with {target}"))?;
        Ok(wire)
    }

    fn handshake(&mut self, user: &str, password: &str) -> anyhow::Result<()> {
        self.writer.send(PROTOCOL_HEADER)?;
        let start = match self.wait(0, "connection.start", |m| {
            matches!(m, AMQPClass::Connection(connection::AMQPMethod::Start(_)))
        })? {
            AMQPClass::Connection(connection::AMQPMethod::Start(s)) => s,
            _ => bail!("expected connection.start"),
        };
        let offered = String::from_utf8_lossy(start.mechanisms.as_bytes()).to_string();
        if !offered.split_whitespace().any(|m| m == "PLAIN") {
            bail!("the broker does not offer SASL PLAIN (it offers {offered:?})");
        }
        let start_ok = connection::StartOk {
            client_properties: client_properties(),
            mechanism: "PLAIN".into(),
            response: LongString::from(format!("\0{user}\0{password}")),
            locale: "en_US".into(),
        };
        self.writer.method(
            0,
            &AMQPClass::Connection(connection::AMQPMethod::StartOk(start_ok)),
        )?;
        let tune = match self.wait(0, "connection.tune", |m| {
            matches!(m, AMQPClass::Connection(connection::AMQPMethod::Tune(_)))
        })? {
            AMQPClass::Connection(connection::AMQPMethod::Tune(t)) => t,
            _ => bail!("expected connection.tune"),
        };
        let frame_max = if tune.frame_max == 0 {
            DEFAULT_FRAME_MAX
        } else {
            tune.frame_max
        };
        if frame_max < codec::FRAME_MIN_SIZE {
            bail!(
                "the broker's frame-max {frame_max} is below the minimum {}",
                codec::FRAME_MIN_SIZE
            );
        }
        let mut out = method_frame(
            0,
            &AMQPClass::Connection(connection::AMQPMethod::TuneOk(connection::TuneOk {
                channel_max: 1,
                frame_max,
                heartbeat: 0,
            })),
        )?;
        out.extend(method_frame(
            0,
            &AMQPClass::Connection(connection::AMQPMethod::Open(connection::Open {
                virtual_host: "/".into(),
            })),
        )?);
        self.writer.send(&out)?;
        self.frame_max = frame_max;
        self.wait(0, "connection.open-ok", |m| {
            matches!(m, AMQPClass::Connection(connection::AMQPMethod::OpenOk(_)))
        })?;
        self.call(
            AMQPClass::Channel(channel::AMQPMethod::Open(channel::Open {})),
            "channel.open-ok",
            |m| matches!(m, AMQPClass::Channel(channel::AMQPMethod::OpenOk(_))),
        )?;
        Ok(())
    }

    /// Sends `m` on channel 1 and waits for the reply `is_reply` accepts; frames that come
    /// before it (deliveries) are kept for the next `read_frames`.
    pub fn call(
        &mut self,
        m: AMQPClass,
        what: &str,
        is_reply: impl Fn(&AMQPClass) -> bool,
    ) -> anyhow::Result<AMQPClass> {
        self.writer.method(CHANNEL, &m)?;
        self.wait(CHANNEL, what, is_reply)
    }

    /// Waits for a method on `channel` that `is_reply` accepts, keeping every other frame.
    fn wait(
        &mut self,
        channel: u16,
        what: &str,
        is_reply: impl Fn(&AMQPClass) -> bool,
    ) -> anyhow::Result<AMQPClass> {
        let deadline = Instant::now() + HANDSHAKE_TIMEOUT;
        self.reader.set_read_timeout(Some(POLL))?;
        let mut held = VecDeque::new();
        let mut reply = None;
        while reply.is_none() {
            if Instant::now() > deadline {
                bail!("no {what} within {HANDSHAKE_TIMEOUT:?}");
            }
            let got = self
                .read_frames(|f| match f {
                    Frame::Method { channel: c, method } if c == channel && reply.is_none() => {
                        if is_reply(&method) {
                            reply = Some(*method);
                        } else {
                            held.push_back(Frame::Method { channel: c, method });
                        }
                    }
                    other => held.push_back(other),
                })
                .with_context(|| format!("waiting for {what}"))?;
            if got == Got::CloseOk {
                bail!("connection closed while waiting for {what}");
            }
        }
        self.early = held;
        reply.with_context(|| format!("no {what}"))
    }

    /// One `read`, then hands every whole frame to `f` in order. Errors when the connection
    /// ends, a frame does not decode, or the broker closes the connection or the channel (both
    /// are answered first, with their code and text in the error).
    pub fn read_frames(&mut self, mut f: impl FnMut(Frame)) -> anyhow::Result<Got> {
        if !self.early.is_empty() {
            while let Some(frame) = self.early.pop_front() {
                if let Some(got) = self.closing_frame(&frame)? {
                    return Ok(got);
                }
                f(frame);
            }
            return Ok(Got::Data);
        }
        if self.start > 0 && self.end > self.buf.len() / 2 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            // One frame larger than the buffer (a large frame-max): make room for the rest.
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
                return Ok(Got::Idle)
            }
            Err(e) => return Err(e).context("reading"),
        };
        self.end += n;
        let mut got = Got::Data;
        while got == Got::Data {
            let bytes = &self.buf[self.start..self.end];
            match codec::decode(bytes, self.frame_max) {
                Ok(Some((frame, used))) => {
                    self.start += used;
                    match self.closing_frame(&frame)? {
                        Some(g) => got = g,
                        None => f(frame),
                    }
                }
                Ok(None) => break,
                Err(_) if bytes.starts_with(b"AMQP") => bail!(
                    "the broker answered with protocol header {:?}: it does not accept AMQP 0-9-1",
                    String::from_utf8_lossy(&bytes[..bytes.len().min(8)])
                ),
                Err(e) => bail!("undecodable frame from the broker: {e}"),
            }
        }
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        Ok(got)
    }

    /// connection.close and channel.close from the broker (answered, then an error), and
    /// connection.close-ok; `None` for every other frame.
    fn closing_frame(&self, frame: &Frame) -> anyhow::Result<Option<Got>> {
        let Frame::Method { method, .. } = frame else {
            return Ok(None);
        };
        match method.as_ref() {
            AMQPClass::Connection(connection::AMQPMethod::Close(c)) => {
                let ok =
                    AMQPClass::Connection(connection::AMQPMethod::CloseOk(connection::CloseOk {}));
                let _ = self.writer.method(0, &ok);
                bail!(
                    "the broker closed the connection: {}",
                    close_text(c.reply_code, &c.reply_text, c.class_id, c.method_id)
                )
            }
            AMQPClass::Channel(channel::AMQPMethod::Close(c)) => {
                let ok = AMQPClass::Channel(channel::AMQPMethod::CloseOk(channel::CloseOk {}));
                let _ = self.writer.method(CHANNEL, &ok);
                bail!(
                    "the broker closed the channel: {}",
                    close_text(c.reply_code, &c.reply_text, c.class_id, c.method_id)
                )
            }
            AMQPClass::Connection(connection::AMQPMethod::CloseOk(_)) => Ok(Some(Got::CloseOk)),
            _ => Ok(None),
        }
    }

    /// Sends connection.close and reads (dropping what arrives: unacknowledged deliveries go
    /// back to their queues) until close-ok, so everything sent before was handled. Errors when
    /// close-ok does not come within `CLOSE_TIMEOUT`.
    pub fn close(mut self) -> anyhow::Result<()> {
        self.writer.close()?;
        let deadline = Instant::now() + CLOSE_TIMEOUT;
        let result = loop {
            if Instant::now() > deadline {
                break Err(anyhow::anyhow!(
                    "no connection.close-ok within {CLOSE_TIMEOUT:?}"
                ));
            }
            match self.read_frames(drop) {
                Ok(Got::CloseOk) => break Ok(()),
                Ok(_) => {}
                Err(e) => break Err(e),
            }
        };
        self.writer.shutdown();
        result
    }
}

fn client_properties() -> FieldTable {
    let mut caps = FieldTable::default();
    for cap in [
        "publisher_confirms",
        "basic.nack",
        "consumer_cancel_notify",
        "authentication_failure_close",
    ] {
        caps.insert(cap.into(), AMQPValue::Boolean(true));
    }
    let mut p = FieldTable::default();
    let s = |v: &str| AMQPValue::LongString(v.into());
    p.insert("product".into(), s("robustmq-bench"));
    p.insert("version".into(), s(env!("CARGO_PKG_VERSION")));
    p.insert("platform".into(), s("Rust"));
    p.insert("capabilities".into(), AMQPValue::FieldTable(caps));
    p
}

/// A basic.publish with its content header and body frames, encoded once; each send patches
/// only the payload's stamp.
pub struct PublishTemplate {
    bytes: Vec<u8>,
    payload_at: usize,
}

impl PublishTemplate {
    pub fn new(
        exchange: &str,
        routing_key: &str,
        persistent: bool,
        payload: &[u8],
        frame_max: u32,
    ) -> anyhow::Result<Self> {
        let publish = AMQPClass::Basic(basic::AMQPMethod::Publish(basic::Publish {
            exchange: short("exchange", exchange)?,
            routing_key: short("queue name", routing_key)?,
            // Unroutable messages come back as basic.return: a misrouted run shows as errors.
            mandatory: true,
            immediate: false,
        }));
        let mut out = method_frame(CHANNEL, &publish)?;
        let props = if persistent {
            PERSISTENT_PROPERTIES
        } else {
            NO_PROPERTIES
        };
        codec::put_header(&mut out, CHANNEL, payload.len() as u64, props);
        // The first body frame's payload starts after its type, channel and size.
        let payload_at = out.len() + 7;
        codec::put_body(&mut out, CHANNEL, payload, frame_max);
        Ok(PublishTemplate {
            bytes: out,
            payload_at,
        })
    }

    /// Appends one publish whose body starts with `stamp` (at most the first body frame's
    /// length is patched, which holds at least 4,088 bytes).
    pub fn put(&self, out: &mut Vec<u8>, stamp: &[u8]) {
        let at = out.len();
        out.extend_from_slice(&self.bytes);
        let p = at + self.payload_at;
        let n = stamp.len().min(out.len().saturating_sub(p + 1));
        if let Some(dst) = out.get_mut(p..p + n) {
            dst.copy_from_slice(&stamp[..n]);
        }
    }
}

/// Whether a content header belongs to the basic class (the only content class).
pub fn is_basic(class_id: u16) -> bool {
    class_id == CLASS_BASIC
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(mut b: &[u8], frame_max: u32) -> Vec<Frame> {
        let mut frames = Vec::new();
        while !b.is_empty() {
            let (f, used) = codec::decode(b, frame_max).unwrap().unwrap();
            frames.push(f);
            b = &b[used..];
        }
        frames
    }

    #[test]
    fn template_is_a_publish_with_header_and_stamped_body() {
        for persistent in [false, true] {
            let t = PublishTemplate::new("ex", "q1", persistent, &[b'x'; 10_000], 4096).unwrap();
            let mut out = Vec::new();
            t.put(&mut out, &[1, 2, 3]);
            let frames = decode_all(&out, 4096);
            let Frame::Method { channel, method } = &frames[0] else {
                panic!("not a method: {:?}", frames[0]);
            };
            assert_eq!(*channel, CHANNEL);
            let AMQPClass::Basic(basic::AMQPMethod::Publish(p)) = method.as_ref() else {
                panic!("not a publish: {method:?}");
            };
            assert_eq!((p.exchange.as_str(), p.routing_key.as_str()), ("ex", "q1"));
            assert!(p.mandatory);
            let Frame::Header {
                class_id,
                body_size,
                properties,
                ..
            } = &frames[1]
            else {
                panic!("not a header: {:?}", frames[1]);
            };
            assert!(is_basic(*class_id));
            assert_eq!(*body_size, 10_000);
            let mode = properties.delivery_mode();
            assert_eq!(*mode, persistent.then_some(2));
            let mut body = Vec::new();
            for f in &frames[2..] {
                let Frame::Body { data, .. } = f else {
                    panic!("not a body: {f:?}");
                };
                body.extend_from_slice(data);
            }
            assert_eq!(frames.len(), 2 + 3, "10,000 bytes in frames of 4,088");
            assert_eq!(body.len(), 10_000);
            assert_eq!(&body[..4], &[1, 2, 3, b'x']);
        }
    }

    #[test]
    fn empty_and_short_payloads() {
        let t = PublishTemplate::new("", "q", false, &[], 4096).unwrap();
        let mut out = Vec::new();
        t.put(&mut out, &[]);
        assert_eq!(decode_all(&out, 4096).len(), 2, "method and header only");
        let t = PublishTemplate::new("", "q", false, &[0; 2], 4096).unwrap();
        let mut out = Vec::new();
        t.put(&mut out, &[9; 16]);
        let frames = decode_all(&out, 4096);
        assert!(matches!(&frames[2], Frame::Body { data, .. } if data[..] == [9, 9]));
    }

    #[test]
    fn long_names_are_errors() {
        let long = "q".repeat(256);
        assert!(PublishTemplate::new("", &long, false, b"x", 4096).is_err());
        assert!(short("queue name", &"q".repeat(255)).is_ok());
    }

    /// A scripted broker: handshake, then a channel.close in answer to the first call.
    #[test]
    fn handshake_and_broker_close_with_its_code_and_text() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut b, mut frames) = fake::Broker::accept(&listener, 8192);
            frames.push(b.next());
            b.send(
                1,
                AMQPClass::Channel(channel::AMQPMethod::Close(channel::Close {
                    reply_code: 404,
                    reply_text: "NOT_FOUND - no queue 'x'".into(),
                    class_id: 60,
                    method_id: 20,
                })),
            );
            frames.push(b.next());
            frames
        });
        let mut w = Wire::connect(&addr, "u", "p").unwrap();
        assert_eq!(w.frame_max, 8192);
        let err = w
            .call(
                AMQPClass::Basic(basic::AMQPMethod::Qos(basic::Qos {
                    prefetch_count: 10,
                    global: false,
                })),
                "basic.qos-ok",
                |m| matches!(m, AMQPClass::Basic(basic::AMQPMethod::QosOk(_))),
            )
            .unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("404 NOT_FOUND - no queue 'x' (in method 60.20)"),
            "{text}"
        );
        let frames = server.join().unwrap();
        let method = |i: usize| match &frames[i] {
            Frame::Method { method, .. } => method.as_ref().clone(),
            f => panic!("not a method: {f:?}"),
        };
        let AMQPClass::Connection(connection::AMQPMethod::StartOk(so)) = method(0) else {
            panic!("expected start-ok");
        };
        assert_eq!(so.mechanism.as_str(), "PLAIN");
        assert_eq!(so.response.as_bytes(), b"\0u\0p");
        let AMQPClass::Connection(connection::AMQPMethod::TuneOk(t)) = method(1) else {
            panic!("expected tune-ok");
        };
        assert_eq!((t.channel_max, t.frame_max, t.heartbeat), (1, 8192, 0));
        assert!(matches!(
            method(2),
            AMQPClass::Connection(connection::AMQPMethod::Open(_))
        ));
        assert!(matches!(
            method(5),
            AMQPClass::Channel(channel::AMQPMethod::CloseOk(_))
        ));
    }
}

/// A scripted broker for tests: it accepts one connection and answers the handshake.
#[cfg(test)]
pub mod fake {
    use super::*;

    pub struct Broker {
        s: TcpStream,
        buf: Vec<u8>,
    }

    impl Broker {
        /// Accepts one connection and completes the handshake with `frame_max`; returns the
        /// client's frames (start-ok, tune-ok, open, channel.open).
        pub fn accept(listener: &std::net::TcpListener, frame_max: u32) -> (Broker, Vec<Frame>) {
            let (s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut b = Broker { s, buf: Vec::new() };
            let mut header = [0u8; 8];
            b.s.read_exact(&mut header).unwrap();
            assert_eq!(&header, PROTOCOL_HEADER);
            let mut frames = Vec::new();
            b.send(
                0,
                AMQPClass::Connection(connection::AMQPMethod::Start(connection::Start {
                    version_major: 0,
                    version_minor: 9,
                    server_properties: FieldTable::default(),
                    mechanisms: "AMQPLAIN PLAIN".into(),
                    locales: "en_US".into(),
                })),
            );
            frames.push(b.next());
            b.send(
                0,
                AMQPClass::Connection(connection::AMQPMethod::Tune(connection::Tune {
                    channel_max: 0,
                    frame_max,
                    heartbeat: 60,
                })),
            );
            frames.push(b.next());
            frames.push(b.next());
            b.send(
                0,
                AMQPClass::Connection(connection::AMQPMethod::OpenOk(connection::OpenOk {})),
            );
            frames.push(b.next());
            b.send(
                CHANNEL,
                AMQPClass::Channel(channel::AMQPMethod::OpenOk(channel::OpenOk {})),
            );
            (b, frames)
        }

        pub fn send(&mut self, ch: u16, m: AMQPClass) {
            self.send_raw(&method_frame(ch, &m).unwrap());
        }

        pub fn send_raw(&mut self, bytes: &[u8]) {
            self.s.write_all(bytes).unwrap();
        }

        /// The next frame from the client.
        pub fn next(&mut self) -> Frame {
            loop {
                if let Some((f, used)) = codec::decode(&self.buf, 1 << 20).unwrap() {
                    self.buf.drain(..used);
                    return f;
                }
                let mut chunk = [0u8; 65536];
                let n = self.s.read(&mut chunk).unwrap();
                assert!(n > 0, "client hung up");
                self.buf.extend_from_slice(&chunk[..n]);
            }
        }
    }
}
