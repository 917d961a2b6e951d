//! Decode and encode errors.
//!
//! A decode error says which packet, at which byte offset from the start of the packet (the
//! first fixed-header byte is offset 0), and what was wrong, as a value callers can match on.
//! [`DecodeError::reason_code`] gives the MQTT 5 reason code the connection should send in its
//! CONNACK or DISCONNECT before closing.

use super::{PacketType, ProtocolVersion};

/// Why a packet is a Malformed Packet (MQTT 5 reason code 0x81).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("reserved packet type {0}")]
    ReservedPacketType(u8),
    #[error("invalid fixed header flags {0:#06b}")]
    InvalidFlags(u8),
    #[error("variable byte integer longer than 4 bytes")]
    VarIntTooLong,
    #[error("variable byte integer not in its shortest form")]
    NonMinimalVarInt,
    #[error("needed {needed} more bytes, {available} left in the packet")]
    Truncated { needed: usize, available: usize },
    #[error("{count} unexpected bytes at the end of the packet")]
    TrailingBytes { count: usize },
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    #[error("string contains U+0000")]
    NullCharacter,
    #[error("unknown protocol name")]
    InvalidProtocolName,
    #[error("reserved CONNECT flag bit 0 is set")]
    ReservedConnectFlag,
    #[error("will QoS or will retain set without the will flag")]
    WillFlagsWithoutWill,
    #[error("password flag set without the user name flag")]
    PasswordWithoutUsername,
    #[error("invalid QoS {0}")]
    InvalidQoS(u8),
    #[error("reserved bits set in {0:#010b}")]
    ReservedBits(u8),
    #[error("DUP flag set on a QoS 0 PUBLISH")]
    DupWithQoS0,
    #[error("topic name contains a wildcard")]
    TopicNameWildcard,
    #[error("empty topic name")]
    EmptyTopicName,
    #[error("packet identifier is 0")]
    ZeroPacketId,
    #[error("unknown property identifier {0:#04x}")]
    UnknownProperty(u32),
    #[error("property {0:#04x} is not allowed in this packet")]
    PropertyNotAllowed(u8),
    #[error("reason code {0:#04x} is not valid in this packet")]
    InvalidReasonCode(u8),
}

/// Why a packet is a Protocol Error (MQTT 5 reason code 0x82).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolViolation {
    #[error("the first packet must be CONNECT")]
    FirstPacketNotConnect,
    #[error("property {0:#04x} appears more than once")]
    DuplicateProperty(u8),
    #[error("property {id:#04x} has invalid value {value}")]
    InvalidPropertyValue { id: u8, value: u32 },
    #[error("authentication data without an authentication method")]
    AuthDataWithoutMethod,
    #[error("empty topic name without a topic alias")]
    EmptyTopicWithoutAlias,
    #[error("no topic filters")]
    NoTopicFilters,
    #[error("no reason codes")]
    NoReasonCodes,
    #[error("retain handling 3")]
    RetainHandling3,
}

/// A packet that cannot be decoded. Incomplete input is not an error: [`super::decode`]
/// returns `Ok(None)` for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The fixed header announces a packet larger than the limit; detected before the body
    /// is buffered.
    #[error("packet of {size} bytes exceeds the maximum of {max}")]
    PacketTooLarge { size: usize, max: usize },
    /// CONNECT with a protocol level this codec does not speak (or a name/level mismatch).
    #[error("unsupported protocol level {level}")]
    UnsupportedProtocolVersion { level: u8 },
    #[error("malformed {} at byte {offset}: {reason}", packet_name(.packet))]
    Malformed {
        /// `None` when the packet type itself is unknown.
        packet: Option<PacketType>,
        offset: usize,
        reason: Malformed,
    },
    #[error("protocol error in {packet} at byte {offset}: {reason}")]
    ProtocolError {
        packet: PacketType,
        offset: usize,
        reason: ProtocolViolation,
    },
}

fn packet_name(p: &Option<PacketType>) -> String {
    p.map_or_else(|| "packet".to_owned(), |t| t.to_string())
}

impl DecodeError {
    /// The MQTT 5 reason code to put in the CONNACK (when the failing packet is the CONNECT)
    /// or the DISCONNECT the server sends before closing.
    pub fn reason_code(&self) -> u8 {
        match self {
            DecodeError::PacketTooLarge { .. } => 0x95,
            DecodeError::UnsupportedProtocolVersion { .. } => 0x84,
            DecodeError::Malformed { .. } => 0x81,
            DecodeError::ProtocolError { .. } => 0x82,
        }
    }

    /// The MQTT 3.x CONNACK return code to send, if any. Only an unsupported protocol level has
    /// one (0x01); for every other error a 3.x server just closes the connection.
    pub fn v3_connack_code(&self) -> Option<u8> {
        match self {
            DecodeError::UnsupportedProtocolVersion { .. } => Some(0x01),
            _ => None,
        }
    }
}

/// A packet that cannot be encoded as given. `encode` leaves the output buffer untouched when it
/// returns one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("remaining length {0} exceeds 268435455")]
    PacketTooLarge(usize),
    #[error("{field}: {len} bytes do not fit a 2-byte length prefix")]
    TooLong { field: &'static str, len: usize },
    #[error("{field}: string contains U+0000")]
    NullCharacter { field: &'static str },
    #[error("{packet}: {field} {value} does not fit a variable byte integer")]
    VarIntTooLarge {
        packet: PacketType,
        field: &'static str,
        value: u32,
    },
    #[error("{0}: packet identifier must not be 0")]
    ZeroPacketId(PacketType),
    #[error("PUBLISH: a packet identifier is required iff QoS > 0")]
    PacketIdPresence,
    #[error("PUBLISH: DUP set on a QoS 0 message")]
    DupWithQoS0,
    #[error("{packet} does not exist in {version:?}")]
    NotInVersion {
        packet: PacketType,
        version: ProtocolVersion,
    },
    #[error("CONNECT for {connect:?} encoded for a {session:?} session")]
    VersionMismatch {
        connect: ProtocolVersion,
        session: ProtocolVersion,
    },
    #[error("{packet}: property {id:#04x} not allowed")]
    PropertyNotAllowed { packet: PacketType, id: u8 },
    #[error("{packet}: property {id:#04x} has invalid value {value}")]
    InvalidPropertyValue {
        packet: PacketType,
        id: u8,
        value: u32,
    },
    #[error("{packet}: reason code {code:#04x} not valid")]
    InvalidReasonCode { packet: PacketType, code: u8 },
    #[error("{0}: the list must not be empty")]
    EmptyList(PacketType),
    #[error("PUBLISH: invalid topic name: {0}")]
    InvalidTopicName(Malformed),
    #[error("CONNECT: a password requires a user name before MQTT 5")]
    PasswordWithoutUsername,
    #[error("CONNECT: authentication data requires an authentication method")]
    AuthDataWithoutMethod,
}
