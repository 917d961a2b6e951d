//! PUBLISH (spec 3.3).

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError, Malformed, ProtocolViolation};
use super::primitives::{put_string, Reader};
use super::properties::{self, Properties, PropertyContext};
use super::{PacketType, ProtocolVersion, QoS};

const CTX: PropertyContext = PropertyContext::Packet(PacketType::Publish);

/// A PUBLISH packet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Publish {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    /// Without wildcards. Empty only in MQTT 5 with a topic alias; resolving the alias is the
    /// connection's job.
    pub topic: String,
    /// `Some` (and non-zero) iff `qos` > 0.
    pub packet_id: Option<u16>,
    /// MQTT 5 only.
    pub properties: Properties,
    pub payload: Bytes,
}

/// Checks a topic name's syntax: no wildcards, and non-empty unless `allow_empty`.
pub(crate) fn check_topic_name(topic: &str, allow_empty: bool) -> Result<(), Malformed> {
    if topic.is_empty() && !allow_empty {
        Err(Malformed::EmptyTopicName)
    } else if topic.contains(['+', '#']) {
        Err(Malformed::TopicNameWildcard)
    } else {
        Ok(())
    }
}

pub(crate) fn decode(
    r: &mut Reader<'_>,
    flags: u8,
    v: ProtocolVersion,
) -> Result<Publish, DecodeError> {
    let dup = flags & 0b1000 != 0;
    let qos_bits = (flags >> 1) & 0b11;
    let header_error = |reason| DecodeError::Malformed {
        packet: Some(PacketType::Publish),
        offset: 0,
        reason,
    };
    let qos = QoS::from_u8(qos_bits).ok_or(header_error(Malformed::InvalidQoS(qos_bits)))?;
    if dup && qos == QoS::AtMostOnce {
        return Err(header_error(Malformed::DupWithQoS0));
    }
    let topic_at = r.offset();
    let topic = r.string()?;
    check_topic_name(&topic, v.is_v5()).map_err(|e| r.malformed_at(topic_at, e))?;
    let packet_id = if qos == QoS::AtMostOnce {
        None
    } else {
        Some(r.packet_id()?)
    };
    let properties = if v.is_v5() {
        properties::decode(r, CTX)?
    } else {
        Properties::default()
    };
    if topic.is_empty() && properties.topic_alias.is_none() {
        return Err(r.protocol_at(topic_at, ProtocolViolation::EmptyTopicWithoutAlias));
    }
    let payload = Bytes::copy_from_slice(r.rest());
    Ok(Publish {
        dup,
        qos,
        retain: flags & 1 != 0,
        topic,
        packet_id,
        properties,
        payload,
    })
}

/// Writes the variable header (the payload is appended by the caller) and returns the
/// fixed-header flags.
pub(crate) fn encode(
    p: &Publish,
    v: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<u8, EncodeError> {
    let v5 = v.is_v5();
    check_topic_name(&p.topic, v5 && p.properties.topic_alias.is_some())
        .map_err(EncodeError::InvalidTopicName)?;
    if p.dup && p.qos == QoS::AtMostOnce {
        return Err(EncodeError::DupWithQoS0);
    }
    put_string(out, "topic name", &p.topic)?;
    match (p.qos, p.packet_id) {
        (QoS::AtMostOnce, None) => {}
        (QoS::AtMostOnce, Some(_)) | (_, None) => return Err(EncodeError::PacketIdPresence),
        (_, Some(0)) => return Err(EncodeError::ZeroPacketId(PacketType::Publish)),
        (_, Some(id)) => out.put_u16(id),
    }
    if v5 {
        properties::encode(&p.properties, CTX, out)?;
    }
    Ok((u8::from(p.dup) << 3) | ((p.qos as u8) << 1) | u8::from(p.retain))
}
