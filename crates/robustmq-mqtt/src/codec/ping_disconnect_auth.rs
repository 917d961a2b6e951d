//! DISCONNECT (spec 3.14) and AUTH (spec 3.15). PINGREQ and PINGRESP have no body and are
//! handled in `mod.rs`.

use bytes::{BufMut, BytesMut};

use super::error::{DecodeError, EncodeError, Malformed};
use super::primitives::Reader;
use super::properties::{self, Properties, PropertyContext};
use super::{reason, PacketType, ProtocolVersion};

/// A DISCONNECT packet. In 3.x it has no body: the reason and properties are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Disconnect {
    pub reason_code: u8,
    pub properties: Properties,
}

/// An AUTH packet (MQTT 5 only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Auth {
    pub reason_code: u8,
    pub properties: Properties,
}

/// Reason code and properties, each omitted when the remaining length ends before it.
fn decode_reason_and_props(
    r: &mut Reader<'_>,
    allowed: &[u8],
) -> Result<(u8, Properties), DecodeError> {
    if r.is_empty() {
        return Ok((reason::SUCCESS, Properties::default()));
    }
    let at = r.offset();
    let code = r.u8()?;
    if !allowed.contains(&code) {
        return Err(r.malformed_at(at, Malformed::InvalidReasonCode(code)));
    }
    let props = if r.is_empty() {
        Properties::default()
    } else {
        properties::decode(r, PropertyContext::Packet(r.packet))?
    };
    Ok((code, props))
}

fn encode_reason_and_props(
    code: u8,
    props: &Properties,
    t: PacketType,
    allowed: &[u8],
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if !allowed.contains(&code) {
        return Err(EncodeError::InvalidReasonCode { packet: t, code });
    }
    let no_props = props.is_empty();
    if code != reason::SUCCESS || !no_props {
        out.put_u8(code);
    }
    if !no_props {
        properties::encode(props, PropertyContext::Packet(t), out)?;
    }
    Ok(())
}

pub(crate) fn decode_disconnect(
    r: &mut Reader<'_>,
    v: ProtocolVersion,
) -> Result<Disconnect, DecodeError> {
    if !v.is_v5() {
        // `decode` rejects any body as trailing bytes.
        return Ok(Disconnect::default());
    }
    let (reason_code, properties) = decode_reason_and_props(r, reason::DISCONNECT)?;
    Ok(Disconnect {
        reason_code,
        properties,
    })
}

pub(crate) fn encode_disconnect(
    d: &Disconnect,
    v: ProtocolVersion,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    if !v.is_v5() {
        return Ok(());
    }
    encode_reason_and_props(
        d.reason_code,
        &d.properties,
        PacketType::Disconnect,
        reason::DISCONNECT,
        out,
    )
}

pub(crate) fn decode_auth(r: &mut Reader<'_>) -> Result<Auth, DecodeError> {
    let (reason_code, properties) = decode_reason_and_props(r, reason::AUTH)?;
    Ok(Auth {
        reason_code,
        properties,
    })
}

pub(crate) fn encode_auth(a: &Auth, out: &mut BytesMut) -> Result<(), EncodeError> {
    encode_reason_and_props(
        a.reason_code,
        &a.properties,
        PacketType::Auth,
        reason::AUTH,
        out,
    )
}
