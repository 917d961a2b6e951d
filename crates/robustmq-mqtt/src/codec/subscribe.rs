//! SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (spec 3.8 to 3.11).
//!
//! Topic filter syntax (`#` last, `+` alone in its level, shared subscriptions) is not checked
//! here: an invalid filter fails that one subscription (SUBACK 0x8F / 0x80), not the packet.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError, Malformed, ProtocolViolation};
use super::primitives::{put_string, Reader};
use super::properties::{self, Properties, PropertyContext};
use super::{reason, PacketType, ProtocolVersion, QoS};

/// MQTT 5 Retain Handling subscription option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetainHandling {
    /// 0: send retained messages at subscribe time.
    #[default]
    SendAtSubscribe = 0,
    /// 1: send them only if the subscription did not exist.
    SendIfNew = 1,
    /// 2: do not send them.
    DoNotSend = 2,
}

/// The options byte of one subscription. Only `qos` exists before MQTT 5; the others are
/// ignored when encoding 3.x and decode to their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SubscriptionOptions {
    pub qos: QoS,
    pub no_local: bool,
    pub retain_as_published: bool,
    pub retain_handling: RetainHandling,
}

/// A SUBSCRIBE packet: at least one filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscribe {
    pub packet_id: u16,
    /// MQTT 5 only: at most one subscription identifier, and user properties.
    pub properties: Properties,
    pub filters: Vec<(String, SubscriptionOptions)>,
}

/// A SUBACK packet: one code per filter, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubAck {
    pub packet_id: u16,
    /// MQTT 5 only.
    pub properties: Properties,
    /// Granted QoS (0..=2) or a failure code. MQTT 5 failure codes are sent as 0x80 to 3.x.
    pub reason_codes: Vec<u8>,
}

/// An UNSUBSCRIBE packet: at least one filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unsubscribe {
    pub packet_id: u16,
    /// MQTT 5 only.
    pub properties: Properties,
    pub filters: Vec<String>,
}

/// An UNSUBACK packet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnsubAck {
    pub packet_id: u16,
    /// MQTT 5 only.
    pub properties: Properties,
    /// MQTT 5 only (one per filter); empty in 3.x, where UNSUBACK has no payload.
    pub reason_codes: Vec<u8>,
}

fn props(r: &mut Reader<'_>, v: ProtocolVersion, t: PacketType) -> Result<Properties, DecodeError> {
    if v.is_v5() {
        properties::decode(r, PropertyContext::Packet(t))
    } else {
        Ok(Properties::default())
    }
}

fn put_props(
    p: &Properties,
    v: ProtocolVersion,
    t: PacketType,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if v.is_v5() {
        properties::encode(p, PropertyContext::Packet(t), out)?;
    }
    Ok(())
}

fn decode_options(
    r: &mut Reader<'_>,
    v: ProtocolVersion,
) -> Result<SubscriptionOptions, DecodeError> {
    let at = r.offset();
    let byte = r.u8()?;
    let reserved = if v.is_v5() { 0b1100_0000 } else { 0b1111_1100 };
    if byte & reserved != 0 {
        return Err(r.malformed_at(at, Malformed::ReservedBits(byte)));
    }
    let qos =
        QoS::from_u8(byte & 0b11).ok_or(r.malformed_at(at, Malformed::InvalidQoS(byte & 0b11)))?;
    let retain_handling = match (byte >> 4) & 0b11 {
        0 => RetainHandling::SendAtSubscribe,
        1 => RetainHandling::SendIfNew,
        2 => RetainHandling::DoNotSend,
        _ => return Err(r.protocol_at(at, ProtocolViolation::RetainHandling3)),
    };
    Ok(SubscriptionOptions {
        qos,
        no_local: byte & 0b0100 != 0,
        retain_as_published: byte & 0b1000 != 0,
        retain_handling,
    })
}

fn encode_options(o: &SubscriptionOptions, v: ProtocolVersion) -> u8 {
    let mut byte = o.qos as u8;
    if v.is_v5() {
        byte |= (u8::from(o.no_local) << 2)
            | (u8::from(o.retain_as_published) << 3)
            | ((o.retain_handling as u8) << 4);
    }
    byte
}

pub(crate) fn decode_subscribe(
    r: &mut Reader<'_>,
    v: ProtocolVersion,
) -> Result<Subscribe, DecodeError> {
    let packet_id = r.packet_id()?;
    let properties = props(r, v, PacketType::Subscribe)?;
    if r.is_empty() {
        return Err(r.protocol(ProtocolViolation::NoTopicFilters));
    }
    let mut filters = Vec::new();
    while !r.is_empty() {
        let filter = r.string()?;
        let options = decode_options(r, v)?;
        filters.push((filter, options));
    }
    Ok(Subscribe {
        packet_id,
        properties,
        filters,
    })
}

pub(crate) fn encode_subscribe(
    s: &Subscribe,
    v: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if s.packet_id == 0 {
        return Err(EncodeError::ZeroPacketId(PacketType::Subscribe));
    }
    if s.filters.is_empty() {
        return Err(EncodeError::EmptyList(PacketType::Subscribe));
    }
    out.put_u16(s.packet_id);
    put_props(&s.properties, v, PacketType::Subscribe, out)?;
    for (filter, options) in &s.filters {
        put_string(out, "topic filter", filter)?;
        out.put_u8(encode_options(options, v));
    }
    Ok(())
}

fn codes(r: &mut Reader<'_>, allowed: &[u8]) -> Result<Vec<u8>, DecodeError> {
    if r.is_empty() {
        return Err(r.protocol(ProtocolViolation::NoReasonCodes));
    }
    let start = r.offset();
    let raw = r.rest();
    if let Some(i) = raw.iter().position(|c| !allowed.contains(c)) {
        return Err(r.malformed_at(start + i, Malformed::InvalidReasonCode(raw[i])));
    }
    Ok(raw.to_vec())
}

pub(crate) fn decode_suback(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<SubAck, DecodeError> {
    let packet_id = r.packet_id()?;
    let properties = props(r, v, PacketType::SubAck)?;
    let allowed = if v.is_v5() {
        reason::SUBACK
    } else {
        reason::V3_SUBACK
    };
    let reason_codes = codes(r, allowed)?;
    Ok(SubAck {
        packet_id,
        properties,
        reason_codes,
    })
}

pub(crate) fn encode_suback(
    s: &SubAck,
    v: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if s.packet_id == 0 {
        return Err(EncodeError::ZeroPacketId(PacketType::SubAck));
    }
    if s.reason_codes.is_empty() {
        return Err(EncodeError::EmptyList(PacketType::SubAck));
    }
    if let Some(&code) = s.reason_codes.iter().find(|c| !reason::SUBACK.contains(c)) {
        return Err(EncodeError::InvalidReasonCode {
            packet: PacketType::SubAck,
            code,
        });
    }
    out.put_u16(s.packet_id);
    put_props(&s.properties, v, PacketType::SubAck, out)?;
    for &code in &s.reason_codes {
        out.put_u8(if !v.is_v5() && code >= 0x80 {
            0x80
        } else {
            code
        });
    }
    Ok(())
}

pub(crate) fn decode_unsubscribe(
    r: &mut Reader<'_>,
    v: ProtocolVersion,
) -> Result<Unsubscribe, DecodeError> {
    let packet_id = r.packet_id()?;
    let properties = props(r, v, PacketType::Unsubscribe)?;
    if r.is_empty() {
        return Err(r.protocol(ProtocolViolation::NoTopicFilters));
    }
    let mut filters = Vec::new();
    while !r.is_empty() {
        filters.push(r.string()?);
    }
    Ok(Unsubscribe {
        packet_id,
        properties,
        filters,
    })
}

pub(crate) fn encode_unsubscribe(
    u: &Unsubscribe,
    v: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if u.packet_id == 0 {
        return Err(EncodeError::ZeroPacketId(PacketType::Unsubscribe));
    }
    if u.filters.is_empty() {
        return Err(EncodeError::EmptyList(PacketType::Unsubscribe));
    }
    out.put_u16(u.packet_id);
    put_props(&u.properties, v, PacketType::Unsubscribe, out)?;
    for filter in &u.filters {
        put_string(out, "topic filter", filter)?;
    }
    Ok(())
}

pub(crate) fn decode_unsuback(
    r: &mut Reader<'_>,
    v: ProtocolVersion,
) -> Result<UnsubAck, DecodeError> {
    let packet_id = r.packet_id()?;
    if !v.is_v5() {
        return Ok(UnsubAck {
            packet_id,
            ..UnsubAck::default()
        });
    }
    let properties = props(r, v, PacketType::UnsubAck)?;
    let reason_codes = codes(r, reason::UNSUBACK)?;
    Ok(UnsubAck {
        packet_id,
        properties,
        reason_codes,
    })
}

pub(crate) fn encode_unsuback(
    u: &UnsubAck,
    v: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if u.packet_id == 0 {
        return Err(EncodeError::ZeroPacketId(PacketType::UnsubAck));
    }
    out.put_u16(u.packet_id);
    if !v.is_v5() {
        return Ok(());
    }
    if u.reason_codes.is_empty() {
        return Err(EncodeError::EmptyList(PacketType::UnsubAck));
    }
    if let Some(&code) = u
        .reason_codes
        .iter()
        .find(|c| !reason::UNSUBACK.contains(c))
    {
        return Err(EncodeError::InvalidReasonCode {
            packet: PacketType::UnsubAck,
            code,
        });
    }
    put_props(&u.properties, v, PacketType::UnsubAck, out)?;
    out.put_slice(&u.reason_codes);
    Ok(())
}
