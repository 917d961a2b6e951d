//! CONNECT (spec 3.1) and CONNACK (spec 3.2).

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError, Malformed, ProtocolViolation};
use super::primitives::{put_binary, put_string, Reader};
use super::properties::{self, Properties, PropertyContext};
use super::{reason, PacketType, ProtocolVersion, QoS};

const CTX: PropertyContext = PropertyContext::Packet(PacketType::Connect);

/// A CONNECT packet. The protocol version is the one the client asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub protocol: ProtocolVersion,
    /// "Clean Session" in 3.x, "Clean Start" in 5.
    pub clean_start: bool,
    pub keep_alive: u16,
    /// MQTT 5 only.
    pub properties: Properties,
    /// May be empty; whether an empty or long one is accepted is the broker's decision.
    pub client_id: String,
    pub will: Option<Will>,
    pub username: Option<String>,
    pub password: Option<Bytes>,
}

/// The will message in a CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    /// Not checked for wildcards here: the broker answers an invalid will topic with a CONNACK.
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    /// MQTT 5 only.
    pub properties: Properties,
}

/// A CONNACK packet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnAck {
    /// Not in MQTT 3.1, where the byte is reserved: encoded as 0 for 3.1.
    pub session_present: bool,
    /// A 3.x return code (0..=5) or an MQTT 5 reason code, per the session's version.
    pub code: u8,
    /// MQTT 5 only.
    pub properties: Properties,
}

const USERNAME: u8 = 0x80;
const PASSWORD: u8 = 0x40;
const WILL_RETAIN: u8 = 0x20;
const WILL_QOS_SHIFT: u8 = 3;
const WILL: u8 = 0x04;
const CLEAN_START: u8 = 0x02;
const RESERVED: u8 = 0x01;

pub(crate) fn decode_connect(r: &mut Reader<'_>) -> Result<Connect, DecodeError> {
    let name_at = r.offset();
    let name = r.binary()?;
    let level = r.u8()?;
    let protocol = match (name, level) {
        (b"MQTT", 4) => ProtocolVersion::V3_1_1,
        (b"MQTT", 5) => ProtocolVersion::V5,
        (b"MQIsdp", 3) => ProtocolVersion::V3_1,
        (b"MQTT" | b"MQIsdp", _) => return Err(DecodeError::UnsupportedProtocolVersion { level }),
        _ => return Err(r.malformed_at(name_at, Malformed::InvalidProtocolName)),
    };
    let v5 = protocol.is_v5();
    let flags_at = r.offset();
    let flags = r.u8()?;
    let malformed = |reason| DecodeError::Malformed {
        packet: Some(PacketType::Connect),
        offset: flags_at,
        reason,
    };
    if flags & RESERVED != 0 {
        return Err(malformed(Malformed::ReservedConnectFlag));
    }
    let will_qos_bits = (flags >> WILL_QOS_SHIFT) & 0b11;
    let will_qos =
        QoS::from_u8(will_qos_bits).ok_or(malformed(Malformed::InvalidQoS(will_qos_bits)))?;
    let will_retain = flags & WILL_RETAIN != 0;
    if flags & WILL == 0 && (will_qos != QoS::AtMostOnce || will_retain) {
        return Err(malformed(Malformed::WillFlagsWithoutWill));
    }
    if !v5 && flags & PASSWORD != 0 && flags & USERNAME == 0 {
        return Err(malformed(Malformed::PasswordWithoutUsername));
    }
    let keep_alive = r.u16()?;
    let props_at = r.offset();
    let properties = if v5 {
        properties::decode(r, CTX)?
    } else {
        Properties::default()
    };
    if properties.authentication_data.is_some() && properties.authentication_method.is_none() {
        return Err(r.protocol_at(props_at, ProtocolViolation::AuthDataWithoutMethod));
    }
    let client_id = r.string()?;
    let will = if flags & WILL != 0 {
        let properties = if v5 {
            properties::decode(r, PropertyContext::Will)?
        } else {
            Properties::default()
        };
        let topic = r.string()?;
        let payload = r.bytes()?;
        Some(Will {
            topic,
            payload,
            qos: will_qos,
            retain: will_retain,
            properties,
        })
    } else {
        None
    };
    let username = if flags & USERNAME != 0 {
        Some(r.string()?)
    } else {
        None
    };
    let password = if flags & PASSWORD != 0 {
        Some(r.bytes()?)
    } else {
        None
    };
    Ok(Connect {
        protocol,
        clean_start: flags & CLEAN_START != 0,
        keep_alive,
        properties,
        client_id,
        will,
        username,
        password,
    })
}

pub(crate) fn encode_connect(
    c: &Connect,
    version: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if c.protocol != version {
        return Err(EncodeError::VersionMismatch {
            connect: c.protocol,
            session: version,
        });
    }
    let v5 = version.is_v5();
    if !v5 && c.password.is_some() && c.username.is_none() {
        return Err(EncodeError::PasswordWithoutUsername);
    }
    if v5
        && c.properties.authentication_data.is_some()
        && c.properties.authentication_method.is_none()
    {
        return Err(EncodeError::AuthDataWithoutMethod);
    }
    put_string(out, "protocol name", version.protocol_name())?;
    out.put_u8(version.level());
    let mut flags = 0;
    if c.username.is_some() {
        flags |= USERNAME;
    }
    if c.password.is_some() {
        flags |= PASSWORD;
    }
    if let Some(w) = &c.will {
        flags |= WILL | ((w.qos as u8) << WILL_QOS_SHIFT);
        if w.retain {
            flags |= WILL_RETAIN;
        }
    }
    if c.clean_start {
        flags |= CLEAN_START;
    }
    out.put_u8(flags);
    out.put_u16(c.keep_alive);
    if v5 {
        properties::encode(&c.properties, CTX, out)?;
    }
    put_string(out, "client identifier", &c.client_id)?;
    if let Some(w) = &c.will {
        if v5 {
            properties::encode(&w.properties, PropertyContext::Will, out)?;
        }
        put_string(out, "will topic", &w.topic)?;
        put_binary(out, "will payload", &w.payload)?;
    }
    if let Some(u) = &c.username {
        put_string(out, "user name", u)?;
    }
    if let Some(p) = &c.password {
        put_binary(out, "password", p)?;
    }
    Ok(())
}

fn connack_codes(v: ProtocolVersion) -> &'static [u8] {
    if v.is_v5() {
        reason::CONNACK
    } else {
        reason::V3_CONNACK
    }
}

pub(crate) fn decode_connack(
    r: &mut Reader<'_>,
    v: ProtocolVersion,
) -> Result<ConnAck, DecodeError> {
    let flags_at = r.offset();
    let flags = r.u8()?;
    if flags & 0xfe != 0 {
        return Err(r.malformed_at(flags_at, Malformed::ReservedBits(flags)));
    }
    let code_at = r.offset();
    let code = r.u8()?;
    if !connack_codes(v).contains(&code) {
        return Err(r.malformed_at(code_at, Malformed::InvalidReasonCode(code)));
    }
    let properties = if v.is_v5() {
        properties::decode(r, PropertyContext::Packet(PacketType::ConnAck))?
    } else {
        Properties::default()
    };
    Ok(ConnAck {
        // MQTT 3.1 has no Session Present flag; its bit 0 carries nothing.
        session_present: flags & 1 != 0 && v != ProtocolVersion::V3_1,
        code,
        properties,
    })
}

pub(crate) fn encode_connack(
    c: &ConnAck,
    v: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if !connack_codes(v).contains(&c.code) {
        return Err(EncodeError::InvalidReasonCode {
            packet: PacketType::ConnAck,
            code: c.code,
        });
    }
    out.put_u8(u8::from(c.session_present && v != ProtocolVersion::V3_1));
    out.put_u8(c.code);
    if v.is_v5() {
        properties::encode(
            &c.properties,
            PropertyContext::Packet(PacketType::ConnAck),
            out,
        )?;
    }
    Ok(())
}
