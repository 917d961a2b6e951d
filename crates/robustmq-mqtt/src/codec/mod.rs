//! The MQTT 3.1, 3.1.1 and 5.0 wire codec: pure functions between bytes and [`Packet`]s.
//!
//! No I/O, no runtime, no connection state beyond the protocol version, which the caller passes
//! in. What needs session state (topic aliases, receive maximum, the client's maximum packet size
//! for outgoing packets, "second CONNECT is a protocol error", subscription filter syntax) is the
//! connection's and the broker's job.
//!
//! # Why these signatures
//!
//! * [`decode`] takes `&[u8]` and returns how many bytes the packet took. It never mutates the
//!   caller's buffer, so an error leaves the buffer as it was (for logging) and the fuzzer and
//!   property tests can call it on any slice. The connection calls `buf.advance(consumed)`.
//!   The cost is one copy of payloads and binary fields into their own `Bytes`; only bytes that
//!   are present are ever copied, so no untrusted length drives an allocation.
//! * `Ok(None)` means "read more", as a value, not an error.
//! * `version: None` means "no CONNECT yet": only a CONNECT decodes, and it carries its own
//!   version. A CONNECT is decoded whatever `version` says.
//! * `max_packet_size` bounds the whole packet (fixed header included), as MQTT 5's Maximum
//!   Packet Size does; it is checked as soon as the remaining length is known.
//! * [`encode`] appends to a `BytesMut` and leaves it untouched on error.

mod ack;
mod connect;
mod error;
mod ping_disconnect_auth;
mod primitives;
mod properties;
mod publish;
pub mod reason;
mod subscribe;

use std::fmt;

use bytes::{BufMut, BytesMut};

pub use ack::{PubAck, PubComp, PubRec, PubRel};
pub use connect::{ConnAck, Connect, Will};
pub use error::{DecodeError, EncodeError, Malformed, ProtocolViolation};
pub use ping_disconnect_auth::{Auth, Disconnect};
pub use primitives::MAX_VAR_INT;
pub use properties::{
    id as property_id, is_allowed as property_allowed, Properties, PropertyContext,
};
pub use publish::Publish;
pub use subscribe::{
    RetainHandling, SubAck, Subscribe, SubscriptionOptions, UnsubAck, Unsubscribe,
};

use primitives::{put_var_int, read_var_int, Reader, VarInt};

/// The largest remaining length a fixed header can carry.
pub const MAX_REMAINING_LENGTH: usize = MAX_VAR_INT as usize;

/// The protocol revisions this codec speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtocolVersion {
    /// MQTT 3.1: protocol name "MQIsdp", level 3.
    V3_1,
    /// MQTT 3.1.1: protocol name "MQTT", level 4.
    V3_1_1,
    /// MQTT 5.0: protocol name "MQTT", level 5.
    V5,
}

impl ProtocolVersion {
    pub fn level(self) -> u8 {
        match self {
            ProtocolVersion::V3_1 => 3,
            ProtocolVersion::V3_1_1 => 4,
            ProtocolVersion::V5 => 5,
        }
    }

    pub fn protocol_name(self) -> &'static str {
        match self {
            ProtocolVersion::V3_1 => "MQIsdp",
            _ => "MQTT",
        }
    }

    pub fn is_v5(self) -> bool {
        self == ProtocolVersion::V5
    }
}

/// Quality of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum QoS {
    #[default]
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    pub fn from_u8(v: u8) -> Option<QoS> {
        match v {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// Control packet types; the discriminant is the value in the fixed header's high nibble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketType {
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    Auth = 15,
}

impl PacketType {
    fn from_nibble(n: u8) -> Option<PacketType> {
        use PacketType::*;
        Some(match n {
            1 => Connect,
            2 => ConnAck,
            3 => Publish,
            4 => PubAck,
            5 => PubRec,
            6 => PubRel,
            7 => PubComp,
            8 => Subscribe,
            9 => SubAck,
            10 => Unsubscribe,
            11 => UnsubAck,
            12 => PingReq,
            13 => PingResp,
            14 => Disconnect,
            15 => Auth,
            _ => return None,
        })
    }

    /// The fixed-header flags every packet but PUBLISH must carry.
    fn required_flags(self) -> u8 {
        match self {
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => 0b0010,
            _ => 0,
        }
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use PacketType::*;
        f.write_str(match self {
            Connect => "CONNECT",
            ConnAck => "CONNACK",
            Publish => "PUBLISH",
            PubAck => "PUBACK",
            PubRec => "PUBREC",
            PubRel => "PUBREL",
            PubComp => "PUBCOMP",
            Subscribe => "SUBSCRIBE",
            SubAck => "SUBACK",
            Unsubscribe => "UNSUBSCRIBE",
            UnsubAck => "UNSUBACK",
            PingReq => "PINGREQ",
            PingResp => "PINGRESP",
            Disconnect => "DISCONNECT",
            Auth => "AUTH",
        })
    }
}

/// One MQTT control packet. Fields that only exist in MQTT 5 (properties, most reason codes)
/// decode to their defaults for 3.x and are ignored when encoding 3.x.
// CONNECT is large (two property sets) and PINGREQ empty; boxing would cost an allocation on
// every packet for the benefit of a few hundred bytes of stack.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Connect(Connect),
    ConnAck(ConnAck),
    Publish(Publish),
    PubAck(PubAck),
    PubRec(PubRec),
    PubRel(PubRel),
    PubComp(PubComp),
    Subscribe(Subscribe),
    SubAck(SubAck),
    Unsubscribe(Unsubscribe),
    UnsubAck(UnsubAck),
    PingReq,
    PingResp,
    Disconnect(Disconnect),
    Auth(Auth),
}

impl Packet {
    pub fn packet_type(&self) -> PacketType {
        match self {
            Packet::Connect(_) => PacketType::Connect,
            Packet::ConnAck(_) => PacketType::ConnAck,
            Packet::Publish(_) => PacketType::Publish,
            Packet::PubAck(_) => PacketType::PubAck,
            Packet::PubRec(_) => PacketType::PubRec,
            Packet::PubRel(_) => PacketType::PubRel,
            Packet::PubComp(_) => PacketType::PubComp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::SubAck(_) => PacketType::SubAck,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::UnsubAck(_) => PacketType::UnsubAck,
            Packet::PingReq => PacketType::PingReq,
            Packet::PingResp => PacketType::PingResp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }
}

/// Decodes one packet from the start of `buf`.
///
/// Returns `Ok(None)` when `buf` holds only part of a packet, `Ok(Some((packet, consumed)))`
/// when a whole one was decoded from `buf[..consumed]`, and an error, as soon as the bytes seen
/// prove it, when the packet is malformed, violates the protocol, or exceeds `max_packet_size`
/// (counted over the whole packet, fixed header included).
///
/// `version` is the session's protocol version, `None` before the CONNECT.
pub fn decode(
    buf: &[u8],
    version: Option<ProtocolVersion>,
    max_packet_size: usize,
) -> Result<Option<(Packet, usize)>, DecodeError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let nibble = first >> 4;
    let flags = first & 0x0f;
    let reserved = |reason| DecodeError::Malformed {
        packet: None,
        offset: 0,
        reason,
    };
    let packet_type = match PacketType::from_nibble(nibble) {
        // AUTH does not exist before MQTT 5: type 15 is reserved there.
        Some(PacketType::Auth) if version.is_some_and(|v| !v.is_v5()) => {
            return Err(reserved(Malformed::ReservedPacketType(nibble)))
        }
        Some(t) => t,
        None => return Err(reserved(Malformed::ReservedPacketType(nibble))),
    };
    if packet_type != PacketType::Publish && flags != packet_type.required_flags() {
        return Err(DecodeError::Malformed {
            packet: Some(packet_type),
            offset: 0,
            reason: Malformed::InvalidFlags(flags),
        });
    }
    let version = match (version, packet_type) {
        (_, PacketType::Connect) => version,
        (None, _) => {
            return Err(DecodeError::ProtocolError {
                packet: packet_type,
                offset: 0,
                reason: ProtocolViolation::FirstPacketNotConnect,
            })
        }
        (Some(v), _) => Some(v),
    };
    let (remaining, len_bytes) = match read_var_int(&buf[1..]) {
        Ok(VarInt::Value(v, n)) => (v as usize, n),
        Ok(VarInt::Incomplete) => return Ok(None),
        Err(reason) => {
            return Err(DecodeError::Malformed {
                packet: Some(packet_type),
                offset: 1,
                reason,
            })
        }
    };
    let header_len = 1 + len_bytes;
    let total = header_len + remaining;
    if total > max_packet_size {
        return Err(DecodeError::PacketTooLarge {
            size: total,
            max: max_packet_size,
        });
    }
    if buf.len() < total {
        return Ok(None);
    }
    let mut r = Reader::new(&buf[header_len..total], header_len, packet_type);
    let packet = match (packet_type, version) {
        (PacketType::Connect, _) => Packet::Connect(connect::decode_connect(&mut r)?),
        (t, Some(v)) => decode_body(t, flags, v, &mut r)?,
        // `version` is `Some` for everything but CONNECT (checked above).
        (t, None) => {
            return Err(DecodeError::ProtocolError {
                packet: t,
                offset: 0,
                reason: ProtocolViolation::FirstPacketNotConnect,
            })
        }
    };
    r.finish()?;
    Ok(Some((packet, total)))
}

fn decode_body(
    t: PacketType,
    flags: u8,
    v: ProtocolVersion,
    r: &mut Reader<'_>,
) -> Result<Packet, DecodeError> {
    Ok(match t {
        PacketType::Connect => Packet::Connect(connect::decode_connect(r)?),
        PacketType::ConnAck => Packet::ConnAck(connect::decode_connack(r, v)?),
        PacketType::Publish => Packet::Publish(publish::decode(r, flags, v)?),
        PacketType::PubAck => Packet::PubAck(ack::decode(r, v)?),
        PacketType::PubRec => Packet::PubRec(ack::decode(r, v)?),
        PacketType::PubRel => Packet::PubRel(ack::decode(r, v)?),
        PacketType::PubComp => Packet::PubComp(ack::decode(r, v)?),
        PacketType::Subscribe => Packet::Subscribe(subscribe::decode_subscribe(r, v)?),
        PacketType::SubAck => Packet::SubAck(subscribe::decode_suback(r, v)?),
        PacketType::Unsubscribe => Packet::Unsubscribe(subscribe::decode_unsubscribe(r, v)?),
        PacketType::UnsubAck => Packet::UnsubAck(subscribe::decode_unsuback(r, v)?),
        PacketType::PingReq => {
            r.finish()?;
            Packet::PingReq
        }
        PacketType::PingResp => {
            r.finish()?;
            Packet::PingResp
        }
        PacketType::Disconnect => {
            Packet::Disconnect(ping_disconnect_auth::decode_disconnect(r, v)?)
        }
        PacketType::Auth => Packet::Auth(ping_disconnect_auth::decode_auth(r)?),
    })
}

/// Appends the encoding of `packet` for a session speaking `version` to `out`.
///
/// MQTT 5-only fields are dropped for 3.x (see each packet type); a packet that cannot exist
/// in `version` (AUTH before 5) or that the decoder would reject is an error, and `out` is left
/// as it was.
pub fn encode(
    packet: &Packet,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    let mut body = BytesMut::new();
    let t = packet.packet_type();
    let mut payload: &[u8] = &[];
    let flags = match packet {
        Packet::Connect(c) => {
            connect::encode_connect(c, version, &mut body)?;
            0
        }
        Packet::ConnAck(c) => {
            connect::encode_connack(c, version, &mut body)?;
            0
        }
        Packet::Publish(p) => {
            payload = &p.payload;
            publish::encode(p, version, &mut body)?
        }
        Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
            ack::encode(a, t, version, &mut body)?;
            t.required_flags()
        }
        Packet::Subscribe(s) => {
            subscribe::encode_subscribe(s, version, &mut body)?;
            t.required_flags()
        }
        Packet::SubAck(s) => {
            subscribe::encode_suback(s, version, &mut body)?;
            0
        }
        Packet::Unsubscribe(u) => {
            subscribe::encode_unsubscribe(u, version, &mut body)?;
            t.required_flags()
        }
        Packet::UnsubAck(u) => {
            subscribe::encode_unsuback(u, version, &mut body)?;
            0
        }
        Packet::PingReq | Packet::PingResp => 0,
        Packet::Disconnect(d) => {
            ping_disconnect_auth::encode_disconnect(d, version, &mut body)?;
            0
        }
        Packet::Auth(a) => {
            if !version.is_v5() {
                return Err(EncodeError::NotInVersion { packet: t, version });
            }
            ping_disconnect_auth::encode_auth(a, &mut body)?;
            0
        }
    };
    let remaining = body.len() + payload.len();
    if remaining > MAX_REMAINING_LENGTH {
        return Err(EncodeError::PacketTooLarge(remaining));
    }
    out.reserve(1 + 4 + remaining);
    out.put_u8(((t as u8) << 4) | flags);
    put_var_int(out, remaining);
    out.put_slice(&body);
    out.put_slice(payload);
    Ok(())
}
