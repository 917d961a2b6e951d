//! MQTT 5 properties (spec section 2.2.2): one struct for every packet, with a table of which
//! identifier may appear where. Decoding rejects identifiers not allowed in the packet
//! (Malformed) and repeated single-occurrence properties (Protocol Error); encoding rejects
//! fields set where the spec does not allow them.

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError, Malformed, ProtocolViolation};
use super::primitives::{put_binary, put_string, put_var_int, Reader, MAX_VAR_INT};
use super::PacketType;

/// Where a property list sits: a packet's variable header, or the will properties in a CONNECT
/// payload (which allow a different set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyContext {
    Packet(PacketType),
    Will,
}

impl PropertyContext {
    fn bit(self) -> u16 {
        match self {
            PropertyContext::Will => 1,
            PropertyContext::Packet(t) => 1 << (t as u8),
        }
    }

    fn packet(self) -> PacketType {
        match self {
            PropertyContext::Will => PacketType::Connect,
            PropertyContext::Packet(t) => t,
        }
    }
}

/// Property identifiers (spec 2.2.2.2).
pub mod id {
    pub const PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
    pub const MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
    pub const CONTENT_TYPE: u8 = 0x03;
    pub const RESPONSE_TOPIC: u8 = 0x08;
    pub const CORRELATION_DATA: u8 = 0x09;
    pub const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
    pub const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
    pub const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    pub const AUTHENTICATION_METHOD: u8 = 0x15;
    pub const AUTHENTICATION_DATA: u8 = 0x16;
    pub const REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
    pub const WILL_DELAY_INTERVAL: u8 = 0x18;
    pub const REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
    pub const RESPONSE_INFORMATION: u8 = 0x1A;
    pub const SERVER_REFERENCE: u8 = 0x1C;
    pub const REASON_STRING: u8 = 0x1F;
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    pub const TOPIC_ALIAS: u8 = 0x23;
    pub const MAXIMUM_QOS: u8 = 0x24;
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    pub const USER_PROPERTY: u8 = 0x26;
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    pub const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
    pub const SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
    pub const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;
}

// Bit masks of the contexts each identifier is allowed in (bit 0 = will properties, bit n =
// packet type n).
const WILL: u16 = 1;
const CONNECT: u16 = 1 << 1;
const CONNACK: u16 = 1 << 2;
const PUBLISH: u16 = 1 << 3;
const PUB_ACKS: u16 = (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7);
const SUBSCRIBE: u16 = 1 << 8;
const SUBACK: u16 = 1 << 9;
const UNSUBSCRIBE: u16 = 1 << 10;
const UNSUBACK: u16 = 1 << 11;
const DISCONNECT: u16 = 1 << 14;
const AUTH: u16 = 1 << 15;

/// The contexts where property `id` may appear; 0 for an unknown identifier.
fn allowed(id: u8) -> u16 {
    match id {
        id::PAYLOAD_FORMAT_INDICATOR
        | id::MESSAGE_EXPIRY_INTERVAL
        | id::CONTENT_TYPE
        | id::RESPONSE_TOPIC
        | id::CORRELATION_DATA => PUBLISH | WILL,
        id::SUBSCRIPTION_IDENTIFIER => PUBLISH | SUBSCRIBE,
        id::SESSION_EXPIRY_INTERVAL => CONNECT | CONNACK | DISCONNECT,
        id::ASSIGNED_CLIENT_IDENTIFIER | id::SERVER_KEEP_ALIVE => CONNACK,
        id::AUTHENTICATION_METHOD | id::AUTHENTICATION_DATA => CONNECT | CONNACK | AUTH,
        id::REQUEST_PROBLEM_INFORMATION | id::REQUEST_RESPONSE_INFORMATION => CONNECT,
        id::WILL_DELAY_INTERVAL => WILL,
        id::RESPONSE_INFORMATION => CONNACK,
        id::SERVER_REFERENCE => CONNACK | DISCONNECT,
        id::REASON_STRING => CONNACK | PUB_ACKS | SUBACK | UNSUBACK | DISCONNECT | AUTH,
        id::RECEIVE_MAXIMUM | id::TOPIC_ALIAS_MAXIMUM | id::MAXIMUM_PACKET_SIZE => {
            CONNECT | CONNACK
        }
        id::TOPIC_ALIAS => PUBLISH,
        id::MAXIMUM_QOS
        | id::RETAIN_AVAILABLE
        | id::WILDCARD_SUBSCRIPTION_AVAILABLE
        | id::SUBSCRIPTION_IDENTIFIER_AVAILABLE
        | id::SHARED_SUBSCRIPTION_AVAILABLE => CONNACK,
        id::USER_PROPERTY => {
            WILL | CONNECT
                | CONNACK
                | PUBLISH
                | PUB_ACKS
                | SUBSCRIBE
                | SUBACK
                | UNSUBSCRIBE
                | UNSUBACK
                | DISCONNECT
                | AUTH
        }
        _ => 0,
    }
}

/// Whether property `id` may appear in `ctx`.
pub fn is_allowed(id: u8, ctx: PropertyContext) -> bool {
    allowed(id) & ctx.bit() != 0
}

/// Value constraints the spec states for single properties (a violation is a Protocol Error).
fn valid_value(id: u8, value: u32) -> bool {
    match id {
        id::PAYLOAD_FORMAT_INDICATOR
        | id::REQUEST_PROBLEM_INFORMATION
        | id::REQUEST_RESPONSE_INFORMATION
        | id::MAXIMUM_QOS
        | id::RETAIN_AVAILABLE
        | id::WILDCARD_SUBSCRIPTION_AVAILABLE
        | id::SUBSCRIPTION_IDENTIFIER_AVAILABLE
        | id::SHARED_SUBSCRIPTION_AVAILABLE => value <= 1,
        id::RECEIVE_MAXIMUM | id::MAXIMUM_PACKET_SIZE => value != 0,
        // Alias 0 decodes: the receiver answers it with 0x94 Topic Alias invalid (3.3.2.3.4),
        // a more specific reason than a protocol error.
        id::SUBSCRIPTION_IDENTIFIER => (1..=MAX_VAR_INT).contains(&value),
        _ => true,
    }
}

/// Every MQTT 5 property. Fields a packet does not allow stay `None`/empty; the 0-or-1 byte
/// properties are kept as the `u8` on the wire so that the struct maps 1:1 to the bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    pub payload_format_indicator: Option<u8>,
    pub message_expiry_interval: Option<u32>,
    pub content_type: Option<String>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Bytes>,
    /// Repeatable in PUBLISH (one per matching subscription); at most one in SUBSCRIBE.
    pub subscription_identifiers: Vec<u32>,
    pub session_expiry_interval: Option<u32>,
    pub assigned_client_identifier: Option<String>,
    pub server_keep_alive: Option<u16>,
    pub authentication_method: Option<String>,
    pub authentication_data: Option<Bytes>,
    pub request_problem_information: Option<u8>,
    pub will_delay_interval: Option<u32>,
    pub request_response_information: Option<u8>,
    pub response_information: Option<String>,
    pub server_reference: Option<String>,
    pub reason_string: Option<String>,
    pub receive_maximum: Option<u16>,
    pub topic_alias_maximum: Option<u16>,
    pub topic_alias: Option<u16>,
    pub maximum_qos: Option<u8>,
    pub retain_available: Option<u8>,
    /// In wire order; names may repeat.
    pub user_properties: Vec<(String, String)>,
    pub maximum_packet_size: Option<u32>,
    pub wildcard_subscription_available: Option<u8>,
    pub subscription_identifier_available: Option<u8>,
    pub shared_subscription_available: Option<u8>,
}

impl Properties {
    pub fn is_empty(&self) -> bool {
        *self == Properties::default()
    }
}

/// Sets a single-occurrence property, failing on a second occurrence.
fn set_once<T>(
    r: &Reader<'_>,
    at: usize,
    id: u8,
    slot: &mut Option<T>,
    value: T,
) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(r.protocol_at(at, ProtocolViolation::DuplicateProperty(id)));
    }
    *slot = Some(value);
    Ok(())
}

/// Reads a property length and the properties it covers.
pub(crate) fn decode(r: &mut Reader<'_>, ctx: PropertyContext) -> Result<Properties, DecodeError> {
    let len = r.var_int()? as usize;
    let start = r.offset();
    let raw = r.take(len)?;
    let mut p = Reader::new(raw, start, r.packet);
    let mut props = Properties::default();
    while !p.is_empty() {
        let at = p.offset();
        let raw_id = p.var_int()?;
        let id = match u8::try_from(raw_id) {
            Ok(id) if allowed(id) != 0 => id,
            _ => return Err(p.malformed_at(at, Malformed::UnknownProperty(raw_id))),
        };
        if !is_allowed(id, ctx) {
            return Err(p.malformed_at(at, Malformed::PropertyNotAllowed(id)));
        }
        let value_at = p.offset();
        let check = |p: &Reader<'_>, v: u32| {
            if valid_value(id, v) {
                Ok(())
            } else {
                Err(p.protocol_at(
                    value_at,
                    ProtocolViolation::InvalidPropertyValue { id, value: v },
                ))
            }
        };
        match id {
            id::PAYLOAD_FORMAT_INDICATOR => {
                let v = p.u8()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.payload_format_indicator, v)?;
            }
            id::MESSAGE_EXPIRY_INTERVAL => {
                let v = p.u32()?;
                set_once(&p, at, id, &mut props.message_expiry_interval, v)?;
            }
            id::CONTENT_TYPE => {
                let v = p.string()?;
                set_once(&p, at, id, &mut props.content_type, v)?;
            }
            id::RESPONSE_TOPIC => {
                let v = p.string()?;
                set_once(&p, at, id, &mut props.response_topic, v)?;
            }
            id::CORRELATION_DATA => {
                let v = p.bytes()?;
                set_once(&p, at, id, &mut props.correlation_data, v)?;
            }
            id::SUBSCRIPTION_IDENTIFIER => {
                let v = p.var_int()?;
                check(&p, v)?;
                if ctx == PropertyContext::Packet(PacketType::Subscribe)
                    && !props.subscription_identifiers.is_empty()
                {
                    return Err(p.protocol_at(at, ProtocolViolation::DuplicateProperty(id)));
                }
                props.subscription_identifiers.push(v);
            }
            id::SESSION_EXPIRY_INTERVAL => {
                let v = p.u32()?;
                set_once(&p, at, id, &mut props.session_expiry_interval, v)?;
            }
            id::ASSIGNED_CLIENT_IDENTIFIER => {
                let v = p.string()?;
                set_once(&p, at, id, &mut props.assigned_client_identifier, v)?;
            }
            id::SERVER_KEEP_ALIVE => {
                let v = p.u16()?;
                set_once(&p, at, id, &mut props.server_keep_alive, v)?;
            }
            id::AUTHENTICATION_METHOD => {
                let v = p.string()?;
                set_once(&p, at, id, &mut props.authentication_method, v)?;
            }
            id::AUTHENTICATION_DATA => {
                let v = p.bytes()?;
                set_once(&p, at, id, &mut props.authentication_data, v)?;
            }
            id::REQUEST_PROBLEM_INFORMATION => {
                let v = p.u8()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.request_problem_information, v)?;
            }
            id::WILL_DELAY_INTERVAL => {
                let v = p.u32()?;
                set_once(&p, at, id, &mut props.will_delay_interval, v)?;
            }
            id::REQUEST_RESPONSE_INFORMATION => {
                let v = p.u8()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.request_response_information, v)?;
            }
            id::RESPONSE_INFORMATION => {
                let v = p.string()?;
                set_once(&p, at, id, &mut props.response_information, v)?;
            }
            id::SERVER_REFERENCE => {
                let v = p.string()?;
                set_once(&p, at, id, &mut props.server_reference, v)?;
            }
            id::REASON_STRING => {
                let v = p.string()?;
                set_once(&p, at, id, &mut props.reason_string, v)?;
            }
            id::RECEIVE_MAXIMUM => {
                let v = p.u16()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.receive_maximum, v)?;
            }
            id::TOPIC_ALIAS_MAXIMUM => {
                let v = p.u16()?;
                set_once(&p, at, id, &mut props.topic_alias_maximum, v)?;
            }
            id::TOPIC_ALIAS => {
                let v = p.u16()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.topic_alias, v)?;
            }
            id::MAXIMUM_QOS => {
                let v = p.u8()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.maximum_qos, v)?;
            }
            id::RETAIN_AVAILABLE => {
                let v = p.u8()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.retain_available, v)?;
            }
            id::USER_PROPERTY => {
                let k = p.string()?;
                let v = p.string()?;
                props.user_properties.push((k, v));
            }
            id::MAXIMUM_PACKET_SIZE => {
                let v = p.u32()?;
                check(&p, v)?;
                set_once(&p, at, id, &mut props.maximum_packet_size, v)?;
            }
            id::WILDCARD_SUBSCRIPTION_AVAILABLE => {
                let v = p.u8()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.wildcard_subscription_available, v)?;
            }
            id::SUBSCRIPTION_IDENTIFIER_AVAILABLE => {
                let v = p.u8()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.subscription_identifier_available, v)?;
            }
            id::SHARED_SUBSCRIPTION_AVAILABLE => {
                let v = p.u8()?;
                check(&p, v.into())?;
                set_once(&p, at, id, &mut props.shared_subscription_available, v)?;
            }
            // `allowed` returned 0 for every other identifier.
            other => return Err(p.malformed_at(at, Malformed::UnknownProperty(other.into()))),
        }
    }
    Ok(props)
}

/// Writes properties one by one, checking each is allowed in the context.
struct Out<'a> {
    buf: &'a mut BytesMut,
    ctx: PropertyContext,
}

impl Out<'_> {
    fn id(&mut self, id: u8) -> Result<(), EncodeError> {
        if !is_allowed(id, self.ctx) {
            return Err(EncodeError::PropertyNotAllowed {
                packet: self.ctx.packet(),
                id,
            });
        }
        self.buf.put_u8(id);
        Ok(())
    }

    fn check(&self, id: u8, value: u32) -> Result<(), EncodeError> {
        if valid_value(id, value) {
            Ok(())
        } else {
            Err(EncodeError::InvalidPropertyValue {
                packet: self.ctx.packet(),
                id,
                value,
            })
        }
    }

    fn u8(&mut self, id: u8, v: Option<u8>) -> Result<(), EncodeError> {
        if let Some(v) = v {
            self.check(id, v.into())?;
            self.id(id)?;
            self.buf.put_u8(v);
        }
        Ok(())
    }

    fn u16(&mut self, id: u8, v: Option<u16>) -> Result<(), EncodeError> {
        if let Some(v) = v {
            self.check(id, v.into())?;
            self.id(id)?;
            self.buf.put_u16(v);
        }
        Ok(())
    }

    fn u32(&mut self, id: u8, v: Option<u32>) -> Result<(), EncodeError> {
        if let Some(v) = v {
            self.check(id, v)?;
            self.id(id)?;
            self.buf.put_u32(v);
        }
        Ok(())
    }

    fn string(
        &mut self,
        id: u8,
        field: &'static str,
        v: &Option<String>,
    ) -> Result<(), EncodeError> {
        if let Some(v) = v {
            self.id(id)?;
            put_string(self.buf, field, v)?;
        }
        Ok(())
    }

    fn binary(
        &mut self,
        id: u8,
        field: &'static str,
        v: &Option<Bytes>,
    ) -> Result<(), EncodeError> {
        if let Some(v) = v {
            self.id(id)?;
            put_binary(self.buf, field, v)?;
        }
        Ok(())
    }
}

/// Writes the property length and the properties.
pub(crate) fn encode(
    props: &Properties,
    ctx: PropertyContext,
    out: &mut BytesMut,
) -> Result<(), EncodeError> {
    let mut buf = BytesMut::new();
    let mut o = Out { buf: &mut buf, ctx };
    o.u8(id::PAYLOAD_FORMAT_INDICATOR, props.payload_format_indicator)?;
    o.u32(id::MESSAGE_EXPIRY_INTERVAL, props.message_expiry_interval)?;
    o.string(id::CONTENT_TYPE, "content type", &props.content_type)?;
    o.string(id::RESPONSE_TOPIC, "response topic", &props.response_topic)?;
    o.binary(
        id::CORRELATION_DATA,
        "correlation data",
        &props.correlation_data,
    )?;
    if props.subscription_identifiers.len() > 1
        && ctx == PropertyContext::Packet(PacketType::Subscribe)
    {
        return Err(EncodeError::PropertyNotAllowed {
            packet: PacketType::Subscribe,
            id: id::SUBSCRIPTION_IDENTIFIER,
        });
    }
    for &v in &props.subscription_identifiers {
        if !valid_value(id::SUBSCRIPTION_IDENTIFIER, v) {
            return Err(EncodeError::VarIntTooLarge {
                packet: ctx.packet(),
                field: "subscription identifier",
                value: v,
            });
        }
        o.id(id::SUBSCRIPTION_IDENTIFIER)?;
        put_var_int(o.buf, v as usize);
    }
    o.u32(id::SESSION_EXPIRY_INTERVAL, props.session_expiry_interval)?;
    o.string(
        id::ASSIGNED_CLIENT_IDENTIFIER,
        "assigned client identifier",
        &props.assigned_client_identifier,
    )?;
    o.u16(id::SERVER_KEEP_ALIVE, props.server_keep_alive)?;
    o.string(
        id::AUTHENTICATION_METHOD,
        "authentication method",
        &props.authentication_method,
    )?;
    o.binary(
        id::AUTHENTICATION_DATA,
        "authentication data",
        &props.authentication_data,
    )?;
    o.u8(
        id::REQUEST_PROBLEM_INFORMATION,
        props.request_problem_information,
    )?;
    o.u32(id::WILL_DELAY_INTERVAL, props.will_delay_interval)?;
    o.u8(
        id::REQUEST_RESPONSE_INFORMATION,
        props.request_response_information,
    )?;
    o.string(
        id::RESPONSE_INFORMATION,
        "response information",
        &props.response_information,
    )?;
    o.string(
        id::SERVER_REFERENCE,
        "server reference",
        &props.server_reference,
    )?;
    o.string(id::REASON_STRING, "reason string", &props.reason_string)?;
    o.u16(id::RECEIVE_MAXIMUM, props.receive_maximum)?;
    o.u16(id::TOPIC_ALIAS_MAXIMUM, props.topic_alias_maximum)?;
    o.u16(id::TOPIC_ALIAS, props.topic_alias)?;
    o.u8(id::MAXIMUM_QOS, props.maximum_qos)?;
    o.u8(id::RETAIN_AVAILABLE, props.retain_available)?;
    for (k, v) in &props.user_properties {
        o.id(id::USER_PROPERTY)?;
        put_string(o.buf, "user property name", k)?;
        put_string(o.buf, "user property value", v)?;
    }
    o.u32(id::MAXIMUM_PACKET_SIZE, props.maximum_packet_size)?;
    o.u8(
        id::WILDCARD_SUBSCRIPTION_AVAILABLE,
        props.wildcard_subscription_available,
    )?;
    o.u8(
        id::SUBSCRIPTION_IDENTIFIER_AVAILABLE,
        props.subscription_identifier_available,
    )?;
    o.u8(
        id::SHARED_SUBSCRIPTION_AVAILABLE,
        props.shared_subscription_available,
    )?;
    if buf.len() > MAX_VAR_INT as usize {
        return Err(EncodeError::PacketTooLarge(buf.len()));
    }
    put_var_int(out, buf.len());
    out.put_slice(&buf);
    Ok(())
}
