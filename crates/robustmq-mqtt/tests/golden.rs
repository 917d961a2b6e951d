//! Golden byte vectors, derived by hand from the layouts in the MQTT 3.1.1 and 5.0
//! specifications. Each vector is decoded (and must equal the packet) and the packet encoded
//! (and must equal the bytes).

use bytes::{Bytes, BytesMut};
use robustmq_mqtt::codec::*;

/// Decodes `bytes` as one whole packet (CONNECT without a session version) and re-encodes it.
fn golden(version: ProtocolVersion, bytes: &[u8], expected: Packet) {
    let session = match expected {
        Packet::Connect(_) => None,
        _ => Some(version),
    };
    let (packet, consumed) = decode(bytes, session, usize::MAX)
        .expect("decodes")
        .expect("complete");
    assert_eq!(packet, expected);
    assert_eq!(consumed, bytes.len());
    let mut out = BytesMut::new();
    encode(&expected, version, &mut out).expect("encodes");
    assert_eq!(&out[..], bytes, "encoding of {expected:?}");
}

/// Decodes only (for non-canonical forms the encoder does not produce).
fn decodes_to(version: ProtocolVersion, bytes: &[u8], expected: Packet) {
    let (packet, consumed) = decode(bytes, Some(version), usize::MAX).unwrap().unwrap();
    assert_eq!(packet, expected);
    assert_eq!(consumed, bytes.len());
}

const V3: ProtocolVersion = ProtocolVersion::V3_1_1;
const V5: ProtocolVersion = ProtocolVersion::V5;

fn ack(packet_id: u16, reason_code: u8) -> PubAck {
    PubAck {
        packet_id,
        reason_code,
        properties: Properties::default(),
    }
}

// ---------------------------------------------------------------- MQTT 3.1 and 3.1.1

#[test]
fn v3_connect_with_will_and_credentials() {
    #[rustfmt::skip]
    let bytes = [
        0x10, 27,                               // CONNECT, remaining length 27
        0x00, 0x04, b'M', b'Q', b'T', b'T',     // protocol name
        0x04,                                   // level 4 (3.1.1)
        0xEE,                                   // user, password, will retain, will QoS 1, will, clean
        0x00, 0x3C,                             // keep alive 60
        0x00, 0x03, b'a', b'b', b'c',           // client id
        0x00, 0x01, b'w',                       // will topic
        0x00, 0x01, b'x',                       // will payload
        0x00, 0x01, b'u',                       // user name
        0x00, 0x01, b'p',                       // password
    ];
    golden(
        V3,
        &bytes,
        Packet::Connect(Connect {
            protocol: V3,
            clean_start: true,
            keep_alive: 60,
            properties: Properties::default(),
            client_id: "abc".into(),
            will: Some(Will {
                topic: "w".into(),
                payload: Bytes::from_static(b"x"),
                qos: QoS::AtLeastOnce,
                retain: true,
                properties: Properties::default(),
            }),
            username: Some("u".into()),
            password: Some(Bytes::from_static(b"p")),
        }),
    );
}

#[test]
fn v3_1_connect() {
    #[rustfmt::skip]
    let bytes = [
        0x10, 15,
        0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', // protocol name of 3.1
        0x03,                                           // level 3
        0x02,                                           // clean session
        0x00, 0x0A,                                     // keep alive 10
        0x00, 0x01, b'c',                               // client id
    ];
    golden(
        ProtocolVersion::V3_1,
        &bytes,
        Packet::Connect(Connect {
            protocol: ProtocolVersion::V3_1,
            clean_start: true,
            keep_alive: 10,
            properties: Properties::default(),
            client_id: "c".into(),
            will: None,
            username: None,
            password: None,
        }),
    );
}

#[test]
fn v3_connack() {
    // Session present, return code 0 (accepted).
    golden(
        V3,
        &[0x20, 0x02, 0x01, 0x00],
        Packet::ConnAck(ConnAck {
            session_present: true,
            code: 0,
            properties: Properties::default(),
        }),
    );
    // Return code 5: not authorized.
    golden(
        V3,
        &[0x20, 0x02, 0x00, 0x05],
        Packet::ConnAck(ConnAck {
            code: 5,
            ..ConnAck::default()
        }),
    );
}

#[test]
fn v3_1_connack_has_no_session_present() {
    let mut out = BytesMut::new();
    let connack = Packet::ConnAck(ConnAck {
        session_present: true,
        ..ConnAck::default()
    });
    encode(&connack, ProtocolVersion::V3_1, &mut out).unwrap();
    assert_eq!(&out[..], &[0x20, 0x02, 0x00, 0x00]);
}

#[test]
fn v3_publish() {
    // QoS 0: topic "a/b", no packet id, payload "hi".
    golden(
        V3,
        &[0x30, 0x07, 0x00, 0x03, b'a', b'/', b'b', b'h', b'i'],
        Packet::Publish(Publish {
            topic: "a/b".into(),
            payload: Bytes::from_static(b"hi"),
            ..Publish::default()
        }),
    );
    // 0x3B = PUBLISH | DUP (8) | QoS 1 (2) | RETAIN (1); packet id 10; payload "x".
    golden(
        V3,
        &[0x3B, 0x06, 0x00, 0x01, b't', 0x00, 0x0A, b'x'],
        Packet::Publish(Publish {
            dup: true,
            qos: QoS::AtLeastOnce,
            retain: true,
            topic: "t".into(),
            packet_id: Some(10),
            properties: Properties::default(),
            payload: Bytes::from_static(b"x"),
        }),
    );
}

#[test]
fn v3_pub_acks() {
    golden(V3, &[0x40, 0x02, 0x00, 0x0A], Packet::PubAck(ack(10, 0)));
    golden(V3, &[0x50, 0x02, 0x00, 0x0A], Packet::PubRec(ack(10, 0)));
    // PUBREL's fixed header flags are 0b0010.
    golden(V3, &[0x62, 0x02, 0x00, 0x0A], Packet::PubRel(ack(10, 0)));
    golden(V3, &[0x70, 0x02, 0x00, 0x0A], Packet::PubComp(ack(10, 0)));
}

#[test]
fn v3_subscribe_and_suback() {
    #[rustfmt::skip]
    let bytes = [
        0x82, 12,                         // SUBSCRIBE (flags 0b0010), remaining length 12
        0x00, 0x01,                       // packet id 1
        0x00, 0x03, b'a', b'/', b'#', 0x01, // "a/#" QoS 1
        0x00, 0x01, b'+', 0x02,           // "+" QoS 2
    ];
    let qos = |qos| SubscriptionOptions {
        qos,
        ..SubscriptionOptions::default()
    };
    golden(
        V3,
        &bytes,
        Packet::Subscribe(Subscribe {
            packet_id: 1,
            properties: Properties::default(),
            filters: vec![
                ("a/#".into(), qos(QoS::AtLeastOnce)),
                ("+".into(), qos(QoS::ExactlyOnce)),
            ],
        }),
    );
    // Granted QoS 1, then failure.
    golden(
        V3,
        &[0x90, 0x04, 0x00, 0x01, 0x01, 0x80],
        Packet::SubAck(SubAck {
            packet_id: 1,
            properties: Properties::default(),
            reason_codes: vec![1, 0x80],
        }),
    );
}

#[test]
fn v3_suback_maps_v5_failures_to_0x80() {
    let mut out = BytesMut::new();
    let suback = Packet::SubAck(SubAck {
        packet_id: 1,
        properties: Properties::default(),
        reason_codes: vec![0, reason::NOT_AUTHORIZED],
    });
    encode(&suback, V3, &mut out).unwrap();
    assert_eq!(&out[..], &[0x90, 0x04, 0x00, 0x01, 0x00, 0x80]);
}

#[test]
fn v3_unsubscribe_and_unsuback() {
    golden(
        V3,
        &[0xA2, 0x07, 0x00, 0x02, 0x00, 0x03, b'a', b'/', b'b'],
        Packet::Unsubscribe(Unsubscribe {
            packet_id: 2,
            properties: Properties::default(),
            filters: vec!["a/b".into()],
        }),
    );
    golden(
        V3,
        &[0xB0, 0x02, 0x00, 0x02],
        Packet::UnsubAck(UnsubAck {
            packet_id: 2,
            ..UnsubAck::default()
        }),
    );
}

#[test]
fn v3_ping_and_disconnect() {
    golden(V3, &[0xC0, 0x00], Packet::PingReq);
    golden(V3, &[0xD0, 0x00], Packet::PingResp);
    golden(V3, &[0xE0, 0x00], Packet::Disconnect(Disconnect::default()));
}

// ---------------------------------------------------------------- MQTT 5

#[test]
fn v5_connect_with_properties() {
    #[rustfmt::skip]
    let bytes = [
        0x10, 22,
        0x00, 0x04, b'M', b'Q', b'T', b'T',
        0x05,                           // level 5
        0x02,                           // clean start
        0x00, 0x1E,                     // keep alive 30
        0x08,                           // properties: 8 bytes
        0x11, 0x00, 0x00, 0x00, 0x78,   //   session expiry interval 120
        0x21, 0x00, 0x14,               //   receive maximum 20
        0x00, 0x01, b'c',               // client id
    ];
    golden(
        V5,
        &bytes,
        Packet::Connect(Connect {
            protocol: V5,
            clean_start: true,
            keep_alive: 30,
            properties: Properties {
                session_expiry_interval: Some(120),
                receive_maximum: Some(20),
                ..Properties::default()
            },
            client_id: "c".into(),
            will: None,
            username: None,
            password: None,
        }),
    );
}

#[test]
fn v5_connect_with_will_properties_and_password_only() {
    #[rustfmt::skip]
    let bytes = [
        0x10, 29,
        0x00, 0x04, b'M', b'Q', b'T', b'T',
        0x05,
        0x46,                           // password (allowed without user name in 5), will, clean
        0x00, 0x00,                     // keep alive 0
        0x00,                           // no properties
        0x00, 0x00,                     // empty client id
        0x05,                           // will properties: 5 bytes
        0x18, 0x00, 0x00, 0x00, 0x05,   //   will delay interval 5
        0x00, 0x01, b'w',               // will topic
        0x00, 0x02, b'h', b'i',         // will payload
        0x00, 0x01, b'p',               // password
    ];
    golden(
        V5,
        &bytes,
        Packet::Connect(Connect {
            protocol: V5,
            clean_start: true,
            keep_alive: 0,
            properties: Properties::default(),
            client_id: String::new(),
            will: Some(Will {
                topic: "w".into(),
                payload: Bytes::from_static(b"hi"),
                qos: QoS::AtMostOnce,
                retain: false,
                properties: Properties {
                    will_delay_interval: Some(5),
                    ..Properties::default()
                },
            }),
            username: None,
            password: Some(Bytes::from_static(b"p")),
        }),
    );
}

#[test]
fn v5_connack() {
    #[rustfmt::skip]
    let bytes = [
        0x20, 11,
        0x00,                               // no session present
        0x00,                               // success
        0x08,                               // properties: 8 bytes
        0x12, 0x00, 0x02, b'i', b'd',       //   assigned client identifier "id"
        0x22, 0x00, 0x0A,                   //   topic alias maximum 10
    ];
    golden(
        V5,
        &bytes,
        Packet::ConnAck(ConnAck {
            session_present: false,
            code: 0,
            properties: Properties {
                assigned_client_identifier: Some("id".into()),
                topic_alias_maximum: Some(10),
                ..Properties::default()
            },
        }),
    );
    // Not authorized; the property length is always present in a v5 CONNACK.
    golden(
        V5,
        &[0x20, 0x03, 0x00, 0x87, 0x00],
        Packet::ConnAck(ConnAck {
            code: reason::NOT_AUTHORIZED,
            ..ConnAck::default()
        }),
    );
}

#[test]
fn v5_publish() {
    #[rustfmt::skip]
    let bytes = [
        0x32, 22,                           // PUBLISH QoS 1
        0x00, 0x03, b'a', b'/', b'b',       // topic
        0x00, 0x01,                         // packet id 1
        0x0C,                               // properties: 12 bytes
        0x01, 0x01,                         //   payload format indicator: UTF-8
        0x23, 0x00, 0x05,                   //   topic alias 5
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // user property k=v
        b'h', b'i',                         // payload
    ];
    golden(
        V5,
        &bytes,
        Packet::Publish(Publish {
            qos: QoS::AtLeastOnce,
            topic: "a/b".into(),
            packet_id: Some(1),
            properties: Properties {
                payload_format_indicator: Some(1),
                topic_alias: Some(5),
                user_properties: vec![("k".into(), "v".into())],
                ..Properties::default()
            },
            payload: Bytes::from_static(b"hi"),
            ..Publish::default()
        }),
    );
    // Empty topic name with a topic alias.
    golden(
        V5,
        &[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x07, b'x'],
        Packet::Publish(Publish {
            topic: String::new(),
            properties: Properties {
                topic_alias: Some(7),
                ..Properties::default()
            },
            payload: Bytes::from_static(b"x"),
            ..Publish::default()
        }),
    );
    // Two subscription identifiers (1 and 128, the second a 2-byte variable byte integer),
    // empty payload.
    golden(
        V5,
        &[
            0x30, 0x09, 0x00, 0x01, b't', 0x05, 0x0B, 0x01, 0x0B, 0x80, 0x01,
        ],
        Packet::Publish(Publish {
            topic: "t".into(),
            properties: Properties {
                subscription_identifiers: vec![1, 128],
                ..Properties::default()
            },
            ..Publish::default()
        }),
    );
}

#[test]
fn v5_pub_acks_short_and_long_forms() {
    // Remaining length 2: success, no properties.
    golden(V5, &[0x40, 0x02, 0x00, 0x01], Packet::PubAck(ack(1, 0)));
    // Remaining length 3: reason code, no properties.
    golden(
        V5,
        &[0x40, 0x03, 0x00, 0x01, 0x10],
        Packet::PubAck(ack(1, 0x10)),
    );
    // Full form: quota exceeded, reason string "q".
    golden(
        V5,
        &[0x40, 0x08, 0x00, 0x01, 0x97, 0x04, 0x1F, 0x00, 0x01, b'q'],
        Packet::PubAck(PubAck {
            packet_id: 1,
            reason_code: reason::QUOTA_EXCEEDED,
            properties: Properties {
                reason_string: Some("q".into()),
                ..Properties::default()
            },
        }),
    );
    golden(
        V5,
        &[0x50, 0x03, 0x00, 0x01, 0x10],
        Packet::PubRec(ack(1, 0x10)),
    );
    golden(
        V5,
        &[0x62, 0x03, 0x00, 0x01, 0x92],
        Packet::PubRel(ack(1, 0x92)),
    );
    golden(V5, &[0x70, 0x02, 0x00, 0x01], Packet::PubComp(ack(1, 0)));
    // Non-canonical but valid: success spelled out with an empty property list.
    decodes_to(
        V5,
        &[0x40, 0x04, 0x00, 0x01, 0x00, 0x00],
        Packet::PubAck(ack(1, 0)),
    );
    decodes_to(
        V5,
        &[0x40, 0x03, 0x00, 0x01, 0x00],
        Packet::PubAck(ack(1, 0)),
    );
}

#[test]
fn v5_subscribe_suback_unsubscribe_unsuback() {
    #[rustfmt::skip]
    let bytes = [
        0x82, 11,
        0x00, 0x01,                 // packet id 1
        0x02, 0x0B, 0x05,           // properties: subscription identifier 5
        0x00, 0x03, b'a', b'/', b'+',
        0x2D,                       // QoS 1 | No Local | Retain As Published | Retain Handling 2
    ];
    golden(
        V5,
        &bytes,
        Packet::Subscribe(Subscribe {
            packet_id: 1,
            properties: Properties {
                subscription_identifiers: vec![5],
                ..Properties::default()
            },
            filters: vec![(
                "a/+".into(),
                SubscriptionOptions {
                    qos: QoS::AtLeastOnce,
                    no_local: true,
                    retain_as_published: true,
                    retain_handling: RetainHandling::DoNotSend,
                },
            )],
        }),
    );
    golden(
        V5,
        &[0x90, 0x05, 0x00, 0x01, 0x00, 0x01, 0x8F],
        Packet::SubAck(SubAck {
            packet_id: 1,
            properties: Properties::default(),
            reason_codes: vec![1, reason::TOPIC_FILTER_INVALID],
        }),
    );
    golden(
        V5,
        &[0xA2, 0x06, 0x00, 0x02, 0x00, 0x00, 0x01, b't'],
        Packet::Unsubscribe(Unsubscribe {
            packet_id: 2,
            properties: Properties::default(),
            filters: vec!["t".into()],
        }),
    );
    golden(
        V5,
        &[0xB0, 0x04, 0x00, 0x02, 0x00, 0x11],
        Packet::UnsubAck(UnsubAck {
            packet_id: 2,
            properties: Properties::default(),
            reason_codes: vec![reason::NO_SUBSCRIPTION_EXISTED],
        }),
    );
}

#[test]
fn v5_ping_disconnect_auth() {
    golden(V5, &[0xC0, 0x00], Packet::PingReq);
    golden(V5, &[0xD0, 0x00], Packet::PingResp);
    golden(V5, &[0xE0, 0x00], Packet::Disconnect(Disconnect::default()));
    golden(
        V5,
        &[0xE0, 0x01, 0x04],
        Packet::Disconnect(Disconnect {
            reason_code: reason::DISCONNECT_WITH_WILL,
            properties: Properties::default(),
        }),
    );
    // Success with a property: the reason code byte must be present.
    golden(
        V5,
        &[0xE0, 0x07, 0x00, 0x05, 0x11, 0x00, 0x00, 0x00, 0x00],
        Packet::Disconnect(Disconnect {
            reason_code: 0,
            properties: Properties {
                session_expiry_interval: Some(0),
                ..Properties::default()
            },
        }),
    );
    golden(V5, &[0xF0, 0x00], Packet::Auth(Auth::default()));
    #[rustfmt::skip]
    let bytes = [
        0xF0, 14,
        0x18,                                       // continue authentication
        0x0C,                                       // properties: 12 bytes
        0x15, 0x00, 0x04, b'S', b'C', b'R', b'M',   //   authentication method
        0x16, 0x00, 0x02, 0x01, 0x02,               //   authentication data
    ];
    golden(
        V5,
        &bytes,
        Packet::Auth(Auth {
            reason_code: reason::CONTINUE_AUTHENTICATION,
            properties: Properties {
                authentication_method: Some("SCRM".into()),
                authentication_data: Some(Bytes::from_static(&[1, 2])),
                ..Properties::default()
            },
        }),
    );
}
