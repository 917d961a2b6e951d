//! PUBACK, PUBREC, PUBREL and PUBCOMP (spec 3.4 to 3.7): the same layout, different reason
//! codes (and PUBREL's fixed-header flags, checked in `decode`).

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError, Malformed};
use super::primitives::Reader;
use super::properties::{self, Properties, PropertyContext};
use super::{reason, PacketType, ProtocolVersion};

/// The acknowledgement of a QoS 1 or 2 PUBLISH, or a step of the QoS 2 exchange.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PubAck {
    pub packet_id: u16,
    /// MQTT 5 only; 0x00 (success) in 3.x.
    pub reason_code: u8,
    /// MQTT 5 only.
    pub properties: Properties,
}

/// PUBREC has PUBACK's layout.
pub type PubRec = PubAck;
/// PUBREL has PUBACK's layout.
pub type PubRel = PubAck;
/// PUBCOMP has PUBACK's layout.
pub type PubComp = PubAck;

fn codes(t: PacketType) -> &'static [u8] {
    match t {
        PacketType::PubAck | PacketType::PubRec => reason::PUBACK,
        _ => reason::PUBREL,
    }
}

pub(crate) fn decode(r: &mut Reader<'_>, v: ProtocolVersion) -> Result<PubAck, DecodeError> {
    let packet_id = r.packet_id()?;
    let mut ack = PubAck {
        packet_id,
        ..PubAck::default()
    };
    // MQTT 5: remaining length 2 means success without properties, 3 means no properties.
    if v.is_v5() && !r.is_empty() {
        let at = r.offset();
        ack.reason_code = r.u8()?;
        if !codes(r.packet).contains(&ack.reason_code) {
            return Err(r.malformed_at(at, Malformed::InvalidReasonCode(ack.reason_code)));
        }
        if !r.is_empty() {
            ack.properties = properties::decode(r, PropertyContext::Packet(r.packet))?;
        }
    }
    Ok(ack)
}

pub(crate) fn encode(
    a: &PubAck,
    t: PacketType,
    v: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if a.packet_id == 0 {
        return Err(EncodeError::ZeroPacketId(t));
    }
    out.put_u16(a.packet_id);
    if v.is_v5() {
        if !codes(t).contains(&a.reason_code) {
            return Err(EncodeError::InvalidReasonCode {
                packet: t,
                code: a.reason_code,
            });
        }
        let no_props = a.properties.is_empty();
        if a.reason_code != reason::SUCCESS || !no_props {
            out.put_u8(a.reason_code);
        }
        if !no_props {
            properties::encode(&a.properties, PropertyContext::Packet(t), out)?;
        }
    }
    Ok(())
}
