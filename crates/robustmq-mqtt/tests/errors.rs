//! Every decode rule that rejects a packet, each with a minimal hand-built packet, the error
//! (kind, reason and byte offset) and the reason code to send.

use bytes::BytesMut;
use robustmq_mqtt::codec::*;

const V3: Option<ProtocolVersion> = Some(ProtocolVersion::V3_1_1);
const V5: Option<ProtocolVersion> = Some(ProtocolVersion::V5);

fn err(bytes: &[u8], version: Option<ProtocolVersion>) -> DecodeError {
    decode(bytes, version, usize::MAX).expect_err("must be rejected")
}

fn malformed(bytes: &[u8], version: Option<ProtocolVersion>) -> (usize, Malformed) {
    match err(bytes, version) {
        e @ DecodeError::Malformed { offset, reason, .. } => {
            assert_eq!(e.reason_code(), 0x81);
            (offset, reason)
        }
        other => panic!("expected malformed, got {other:?}"),
    }
}

fn protocol(bytes: &[u8], version: Option<ProtocolVersion>) -> (usize, ProtocolViolation) {
    match err(bytes, version) {
        e @ DecodeError::ProtocolError { offset, reason, .. } => {
            assert_eq!(e.reason_code(), 0x82);
            (offset, reason)
        }
        other => panic!("expected protocol error, got {other:?}"),
    }
}

#[test]
fn fixed_header() {
    assert_eq!(
        malformed(&[0x00, 0x00], V3),
        (0, Malformed::ReservedPacketType(0))
    );
    // AUTH does not exist in 3.1.1.
    assert_eq!(
        malformed(&[0xF0, 0x00], V3),
        (0, Malformed::ReservedPacketType(15))
    );
    // PUBREL, SUBSCRIBE and UNSUBSCRIBE need flags 0b0010; the others 0 (PUBLISH aside).
    assert_eq!(
        malformed(&[0x60, 0x02, 0, 1], V3),
        (0, Malformed::InvalidFlags(0))
    );
    assert_eq!(
        malformed(&[0x80, 0x02, 0, 1], V3),
        (0, Malformed::InvalidFlags(0))
    );
    assert_eq!(
        malformed(&[0xA0, 0x02, 0, 1], V5),
        (0, Malformed::InvalidFlags(0))
    );
    assert_eq!(
        malformed(&[0x21, 0x02, 0, 0], V3),
        (0, Malformed::InvalidFlags(1))
    );
    assert_eq!(
        malformed(&[0xC8, 0x00], V3),
        (0, Malformed::InvalidFlags(8))
    );
}

#[test]
fn remaining_length() {
    // A fifth length byte.
    assert_eq!(
        malformed(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], V3),
        (1, Malformed::VarIntTooLong)
    );
    // Four bytes seen, all with the continuation bit: a fifth would be needed.
    assert_eq!(
        malformed(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF], V3),
        (1, Malformed::VarIntTooLong)
    );
    // Three bytes, still continuing: need more input.
    assert_eq!(decode(&[0x30, 0xFF, 0xFF, 0xFF], V3, usize::MAX), Ok(None));
    // Not the shortest form.
    assert_eq!(
        malformed(&[0xC0, 0x80, 0x00], V3),
        (1, Malformed::NonMinimalVarInt)
    );
}

#[test]
fn packet_too_large_before_the_body_arrives() {
    // Remaining length 2,097,151 (3 bytes): 2,097,155 bytes in all; only the header is here.
    let e = decode(&[0x30, 0xFF, 0xFF, 0x7F], V3, 1024).unwrap_err();
    assert_eq!(
        e,
        DecodeError::PacketTooLarge {
            size: 2_097_155,
            max: 1024
        }
    );
    assert_eq!(e.reason_code(), 0x95);
    // Exactly at the limit is fine.
    assert!(decode(&[0xC0, 0x00], V3, 2).unwrap().is_some());
    assert!(decode(&[0xC0, 0x00], V3, 1).is_err());
}

#[test]
fn first_packet_must_be_connect() {
    assert_eq!(
        protocol(&[0xC0, 0x00], None),
        (0, ProtocolViolation::FirstPacketNotConnect)
    );
}

/// A CONNECT with the given name, level and flags, keep alive 60 and client id "c".
fn connect(name: &[u8], level: u8, flags: u8, v5: bool) -> Vec<u8> {
    let mut body = vec![0, name.len() as u8];
    body.extend_from_slice(name);
    body.extend_from_slice(&[level, flags, 0, 60]);
    if v5 {
        body.push(0);
    }
    body.extend_from_slice(&[0, 1, b'c']);
    if flags & 0x40 != 0 {
        body.extend_from_slice(&[0, 1, b'p']);
    }
    let mut p = vec![0x10, body.len() as u8];
    p.extend(body);
    p
}

#[test]
fn connect_rules() {
    let e = err(&connect(b"MQTT", 6, 0x02, false), None);
    assert_eq!(e, DecodeError::UnsupportedProtocolVersion { level: 6 });
    assert_eq!(e.reason_code(), 0x84);
    assert_eq!(e.v3_connack_code(), Some(1));
    // Name and level must agree.
    assert_eq!(
        err(&connect(b"MQIsdp", 4, 0x02, false), None),
        DecodeError::UnsupportedProtocolVersion { level: 4 }
    );
    assert_eq!(
        malformed(&connect(b"MQTX", 4, 0x02, false), None),
        (2, Malformed::InvalidProtocolName)
    );
    // Flags are at offset 2 + 6 + 1.
    assert_eq!(
        malformed(&connect(b"MQTT", 4, 0x03, false), None),
        (9, Malformed::ReservedConnectFlag)
    );
    assert_eq!(
        malformed(&connect(b"MQTT", 4, 0x08, false), None),
        (9, Malformed::WillFlagsWithoutWill)
    );
    assert_eq!(
        malformed(&connect(b"MQTT", 4, 0x20, false), None),
        (9, Malformed::WillFlagsWithoutWill)
    );
    assert_eq!(
        malformed(&connect(b"MQTT", 4, 0x1C, false), None),
        (9, Malformed::InvalidQoS(3))
    );
    assert_eq!(
        malformed(&connect(b"MQTT", 4, 0x40, false), None),
        (9, Malformed::PasswordWithoutUsername)
    );
    // MQTT 5 allows a password without a user name.
    assert!(decode(&connect(b"MQTT", 5, 0x40, true), None, usize::MAX)
        .unwrap()
        .is_some());
    // A string longer than the packet.
    assert_eq!(
        malformed(&[0x10, 0x03, 0x00, 0x04, b'M'], None),
        (
            4,
            Malformed::Truncated {
                needed: 4,
                available: 1
            }
        )
    );
    // A CONNECT decodes whatever the session version; refusing a second one is the connection's job.
    assert!(decode(&connect(b"MQTT", 4, 0x02, false), V5, usize::MAX)
        .unwrap()
        .is_some());
}

#[test]
fn connect_v5_authentication_data_needs_a_method() {
    #[rustfmt::skip]
    let bytes = [
        0x10, 17,
        0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
        0x04, 0x16, 0x00, 0x01, 0xAA,   // authentication data only
        0x00, 0x01, b'c',
    ];
    assert_eq!(
        protocol(&bytes, None),
        (12, ProtocolViolation::AuthDataWithoutMethod)
    );
}

#[test]
fn connack_rules() {
    assert_eq!(
        malformed(&[0x20, 0x02, 0x02, 0x00], V3),
        (2, Malformed::ReservedBits(2))
    );
    assert_eq!(
        malformed(&[0x20, 0x02, 0x00, 0x06], V3),
        (3, Malformed::InvalidReasonCode(6))
    );
    assert_eq!(
        malformed(&[0x20, 0x03, 0x00, 0x01, 0x00], V5),
        (3, Malformed::InvalidReasonCode(1))
    );
    // v5 CONNACK without its property length.
    assert!(matches!(
        malformed(&[0x20, 0x02, 0x00, 0x00], V5).1,
        Malformed::Truncated { .. }
    ));
}

#[test]
fn publish_rules() {
    assert_eq!(
        malformed(&[0x36, 0x05, 0, 1, b't', 0, 1], V3),
        (0, Malformed::InvalidQoS(3))
    );
    assert_eq!(
        malformed(&[0x38, 0x03, 0, 1, b't'], V3),
        (0, Malformed::DupWithQoS0)
    );
    assert_eq!(
        malformed(&[0x30, 0x03, 0, 1, b'+'], V3),
        (2, Malformed::TopicNameWildcard)
    );
    assert_eq!(
        malformed(&[0x30, 0x05, 0, 3, b'a', b'/', b'#'], V5),
        (2, Malformed::TopicNameWildcard)
    );
    assert_eq!(
        malformed(&[0x30, 0x02, 0, 0], V3),
        (2, Malformed::EmptyTopicName)
    );
    assert_eq!(
        protocol(&[0x30, 0x03, 0, 0, 0], V5),
        (2, ProtocolViolation::EmptyTopicWithoutAlias)
    );
    assert_eq!(
        malformed(&[0x32, 0x05, 0, 1, b't', 0, 0], V3),
        (5, Malformed::ZeroPacketId)
    );
    // QoS 1 without room for a packet id.
    assert!(matches!(
        malformed(&[0x32, 0x03, 0, 1, b't'], V3).1,
        Malformed::Truncated { .. }
    ));
    assert_eq!(
        malformed(&[0x30, 0x04, 0, 2, 0xC3, 0x28], V3),
        (4, Malformed::InvalidUtf8)
    );
    // An encoded surrogate (U+D800) is not UTF-8.
    assert_eq!(
        malformed(&[0x30, 0x05, 0, 3, 0xED, 0xA0, 0x80], V3),
        (4, Malformed::InvalidUtf8)
    );
    assert_eq!(
        malformed(&[0x30, 0x04, 0, 2, b'a', 0], V3),
        (5, Malformed::NullCharacter)
    );
}

#[test]
fn property_rules() {
    // Topic alias twice.
    assert_eq!(
        protocol(&[0x30, 0x0A, 0, 1, b't', 0x06, 0x23, 0, 1, 0x23, 0, 2], V5),
        (9, ProtocolViolation::DuplicateProperty(0x23))
    );
    // Session expiry interval is not a PUBLISH property.
    assert_eq!(
        malformed(&[0x30, 0x09, 0, 1, b't', 0x05, 0x11, 0, 0, 0, 1], V5),
        (6, Malformed::PropertyNotAllowed(0x11))
    );
    assert_eq!(
        malformed(&[0x30, 0x06, 0, 1, b't', 0x02, 0x7F, 0x00], V5),
        (6, Malformed::UnknownProperty(0x7F))
    );
    // Subscription identifier 0.
    assert_eq!(
        protocol(&[0x30, 0x06, 0, 1, b't', 0x02, 0x0B, 0x00], V5),
        (
            7,
            ProtocolViolation::InvalidPropertyValue { id: 0x0B, value: 0 }
        )
    );
    // Topic alias 0 decodes: the broker answers it with 0x94 Topic Alias invalid.
    let (packet, _) = decode(&[0x30, 0x07, 0, 1, b't', 0x03, 0x23, 0, 0], V5, 1 << 20)
        .unwrap()
        .unwrap();
    assert!(matches!(packet, Packet::Publish(p) if p.properties.topic_alias == Some(0)));
    // Property length beyond the packet.
    assert!(matches!(
        malformed(&[0x30, 0x05, 0, 1, b't', 0x09, 0x23], V5).1,
        Malformed::Truncated { .. }
    ));
    // A property value running past the property length.
    assert!(matches!(
        malformed(&[0x30, 0x07, 0, 1, b't', 0x02, 0x23, 0, 1], V5).1,
        Malformed::Truncated { .. }
    ));
    // User properties repeat.
    let ok = [
        0x30, 0x10, 0, 1, b't', 0x0C, 0x26, 0, 1, b'k', 0, 0, 0x26, 0, 1, b'k', 0, 0,
    ];
    let (p, _) = decode(&ok[..], V5, usize::MAX).unwrap().unwrap();
    let Packet::Publish(p) = p else { panic!() };
    assert_eq!(p.properties.user_properties.len(), 2);
}

#[test]
fn subscribe_rules() {
    // Two subscription identifiers in SUBSCRIBE.
    assert_eq!(
        protocol(
            &[0x82, 0x0B, 0, 1, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0, 1, b't', 0x00],
            V5
        ),
        (7, ProtocolViolation::DuplicateProperty(0x0B))
    );
    assert_eq!(
        protocol(&[0x82, 0x07, 0, 1, 0, 0, 1, b't', 0x30], V5),
        (8, ProtocolViolation::RetainHandling3)
    );
    assert_eq!(
        malformed(&[0x82, 0x07, 0, 1, 0, 0, 1, b't', 0x40], V5),
        (8, Malformed::ReservedBits(0x40))
    );
    assert_eq!(
        malformed(&[0x82, 0x07, 0, 1, 0, 0, 1, b't', 0x03], V5),
        (8, Malformed::InvalidQoS(3))
    );
    // No Local is a reserved bit before MQTT 5.
    assert_eq!(
        malformed(&[0x82, 0x06, 0, 1, 0, 1, b't', 0x04], V3),
        (7, Malformed::ReservedBits(0x04))
    );
    assert_eq!(
        protocol(&[0x82, 0x02, 0, 1], V3),
        (4, ProtocolViolation::NoTopicFilters)
    );
    assert_eq!(
        protocol(&[0x82, 0x03, 0, 1, 0], V5),
        (5, ProtocolViolation::NoTopicFilters)
    );
    assert_eq!(
        protocol(&[0xA2, 0x02, 0, 1], V3),
        (4, ProtocolViolation::NoTopicFilters)
    );
    assert_eq!(
        protocol(&[0x90, 0x02, 0, 1], V3),
        (4, ProtocolViolation::NoReasonCodes)
    );
    assert_eq!(
        malformed(&[0x90, 0x04, 0, 1, 0x00, 0x03], V5),
        (5, Malformed::InvalidReasonCode(3))
    );
    assert_eq!(
        malformed(&[0x90, 0x03, 0, 1, 0x87], V3),
        (4, Malformed::InvalidReasonCode(0x87))
    );
    assert_eq!(
        malformed(&[0xB0, 0x04, 0, 1, 0x00, 0x01], V5),
        (5, Malformed::InvalidReasonCode(1))
    );
}

#[test]
fn lengths_and_reason_codes_of_small_packets() {
    assert_eq!(
        malformed(&[0xC0, 0x01, 0x00], V3),
        (2, Malformed::TrailingBytes { count: 1 })
    );
    assert_eq!(
        malformed(&[0x40, 0x03, 0, 1, 0], V3),
        (4, Malformed::TrailingBytes { count: 1 })
    );
    assert_eq!(
        malformed(&[0xE0, 0x01, 0x00], V3),
        (2, Malformed::TrailingBytes { count: 1 })
    );
    assert_eq!(
        malformed(&[0xB0, 0x03, 0, 1, 0], V3),
        (4, Malformed::TrailingBytes { count: 1 })
    );
    assert_eq!(
        malformed(&[0x40, 0x02, 0, 0], V5),
        (2, Malformed::ZeroPacketId)
    );
    assert_eq!(
        malformed(&[0x40, 0x03, 0, 1, 0x01], V5),
        (4, Malformed::InvalidReasonCode(1))
    );
    // PUBREL and PUBCOMP only know 0x00 and 0x92.
    assert_eq!(
        malformed(&[0x62, 0x03, 0, 1, 0x10], V5),
        (4, Malformed::InvalidReasonCode(0x10))
    );
    assert_eq!(
        malformed(&[0xE0, 0x01, 0x01], V5),
        (2, Malformed::InvalidReasonCode(1))
    );
    assert_eq!(
        malformed(&[0xF0, 0x01, 0x04], V5),
        (2, Malformed::InvalidReasonCode(4))
    );
}

#[test]
fn errors_say_where_and_what() {
    let e = err(&[0x30, 0x03, 0, 1, b'+'], V3);
    assert_eq!(
        e.to_string(),
        "malformed PUBLISH at byte 2: topic name contains a wildcard"
    );
    let e = err(&[0x00, 0x00], V3);
    assert_eq!(
        e.to_string(),
        "malformed packet at byte 0: reserved packet type 0"
    );
}

#[test]
fn encode_rejects_what_decode_would() {
    let mut out = BytesMut::new();
    let check = |p: Packet, v: ProtocolVersion, expected: EncodeError| {
        let mut out = BytesMut::new();
        assert_eq!(encode(&p, v, &mut out), Err(expected));
        assert!(out.is_empty(), "output untouched on error");
    };
    check(
        Packet::Auth(Auth::default()),
        ProtocolVersion::V3_1_1,
        EncodeError::NotInVersion {
            packet: PacketType::Auth,
            version: ProtocolVersion::V3_1_1,
        },
    );
    check(
        Packet::Publish(Publish {
            qos: QoS::AtLeastOnce,
            topic: "t".into(),
            ..Publish::default()
        }),
        ProtocolVersion::V5,
        EncodeError::PacketIdPresence,
    );
    check(
        Packet::Publish(Publish {
            topic: "a/+".into(),
            ..Publish::default()
        }),
        ProtocolVersion::V5,
        EncodeError::InvalidTopicName(Malformed::TopicNameWildcard),
    );
    check(
        Packet::Publish(Publish {
            topic: "t".into(),
            properties: Properties {
                session_expiry_interval: Some(1),
                ..Properties::default()
            },
            ..Publish::default()
        }),
        ProtocolVersion::V5,
        EncodeError::PropertyNotAllowed {
            packet: PacketType::Publish,
            id: 0x11,
        },
    );
    check(
        Packet::Subscribe(Subscribe {
            packet_id: 1,
            ..Subscribe::default()
        }),
        ProtocolVersion::V3_1_1,
        EncodeError::EmptyList(PacketType::Subscribe),
    );
    check(
        Packet::PubAck(PubAck::default()),
        ProtocolVersion::V3_1_1,
        EncodeError::ZeroPacketId(PacketType::PubAck),
    );
    check(
        Packet::ConnAck(ConnAck {
            code: 0x87,
            ..ConnAck::default()
        }),
        ProtocolVersion::V3_1_1,
        EncodeError::InvalidReasonCode {
            packet: PacketType::ConnAck,
            code: 0x87,
        },
    );
    let c = Connect {
        protocol: ProtocolVersion::V5,
        clean_start: true,
        keep_alive: 0,
        properties: Properties::default(),
        client_id: "a\0b".into(),
        will: None,
        username: None,
        password: None,
    };
    check(
        Packet::Connect(c.clone()),
        ProtocolVersion::V3_1_1,
        EncodeError::VersionMismatch {
            connect: ProtocolVersion::V5,
            session: ProtocolVersion::V3_1_1,
        },
    );
    check(
        Packet::Connect(c),
        ProtocolVersion::V5,
        EncodeError::NullCharacter {
            field: "client identifier",
        },
    );
    // A payload too large for any packet.
    let big = Packet::Publish(Publish {
        topic: "t".into(),
        payload: bytes::Bytes::from(vec![0u8; MAX_REMAINING_LENGTH]),
        ..Publish::default()
    });
    assert_eq!(
        encode(&big, ProtocolVersion::V3_1_1, &mut out),
        Err(EncodeError::PacketTooLarge(MAX_REMAINING_LENGTH + 3))
    );
}
