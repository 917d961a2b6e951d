//! Property tests: decode(encode(p)) == p for arbitrary valid packets of each version; a valid
//! encoding fed one byte at a time is incomplete until its last byte; arbitrary and mutated
//! bytes never panic and never claim more bytes than given.

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::option::of as opt;
use proptest::prelude::*;
use proptest::sample::select;
use robustmq_mqtt::codec::*;

const VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V3_1,
    ProtocolVersion::V3_1_1,
    ProtocolVersion::V5,
];

/// Strings: ASCII, topic separators, multi-byte characters; never U+0000, `+` or `#`.
fn string() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9/ _é日😀-]{0,10}"
}

fn topic() -> impl Strategy<Value = String> {
    "[a-z0-9/é日]{1,10}"
}

fn bytes() -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..16).prop_map(Bytes::from)
}

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn flag() -> impl Strategy<Value = Option<u8>> {
    opt(0u8..=1)
}

/// Arbitrary properties with only the fields `ctx` allows, and valid values.
fn properties(ctx: PropertyContext) -> BoxedStrategy<Properties> {
    let a = (
        flag(),
        opt(any::<u32>()),
        opt(string()),
        opt(string()),
        opt(bytes()),
        vec(1u32..=MAX_VAR_INT, 0..3),
        opt(any::<u32>()),
        opt(string()),
        opt(any::<u16>()),
        opt(string()),
        opt(bytes()),
        flag(),
    );
    let b = (
        opt(any::<u32>()),
        flag(),
        opt(string()),
        opt(string()),
        opt(string()),
        opt(1u16..),
        opt(any::<u16>()),
        opt(1u16..),
        flag(),
        flag(),
        vec((string(), string()), 0..3),
        opt(1u32..),
    );
    let c = (flag(), flag(), flag());
    (a, b, c)
        .prop_map(move |(a, b, c)| {
            let mut p = Properties {
                payload_format_indicator: a.0,
                message_expiry_interval: a.1,
                content_type: a.2,
                response_topic: a.3,
                correlation_data: a.4,
                subscription_identifiers: a.5,
                session_expiry_interval: a.6,
                assigned_client_identifier: a.7,
                server_keep_alive: a.8,
                authentication_method: a.9,
                authentication_data: a.10,
                request_problem_information: a.11,
                will_delay_interval: b.0,
                request_response_information: b.1,
                response_information: b.2,
                server_reference: b.3,
                reason_string: b.4,
                receive_maximum: b.5,
                topic_alias_maximum: b.6,
                topic_alias: b.7,
                maximum_qos: b.8,
                retain_available: b.9,
                user_properties: b.10,
                maximum_packet_size: b.11,
                wildcard_subscription_available: c.0,
                subscription_identifier_available: c.1,
                shared_subscription_available: c.2,
            };
            mask(&mut p, ctx);
            p
        })
        .boxed()
}

/// Clears every property `ctx` does not allow.
fn mask(p: &mut Properties, ctx: PropertyContext) {
    use property_id as id;
    let ok = |i| property_allowed(i, ctx);
    macro_rules! clear {
        ($($id:ident => $field:ident),* $(,)?) => {
            $( if !ok(id::$id) { p.$field = Default::default(); } )*
        };
    }
    clear! {
        PAYLOAD_FORMAT_INDICATOR => payload_format_indicator,
        MESSAGE_EXPIRY_INTERVAL => message_expiry_interval,
        CONTENT_TYPE => content_type,
        RESPONSE_TOPIC => response_topic,
        CORRELATION_DATA => correlation_data,
        SUBSCRIPTION_IDENTIFIER => subscription_identifiers,
        SESSION_EXPIRY_INTERVAL => session_expiry_interval,
        ASSIGNED_CLIENT_IDENTIFIER => assigned_client_identifier,
        SERVER_KEEP_ALIVE => server_keep_alive,
        AUTHENTICATION_METHOD => authentication_method,
        AUTHENTICATION_DATA => authentication_data,
        REQUEST_PROBLEM_INFORMATION => request_problem_information,
        WILL_DELAY_INTERVAL => will_delay_interval,
        REQUEST_RESPONSE_INFORMATION => request_response_information,
        RESPONSE_INFORMATION => response_information,
        SERVER_REFERENCE => server_reference,
        REASON_STRING => reason_string,
        RECEIVE_MAXIMUM => receive_maximum,
        TOPIC_ALIAS_MAXIMUM => topic_alias_maximum,
        TOPIC_ALIAS => topic_alias,
        MAXIMUM_QOS => maximum_qos,
        RETAIN_AVAILABLE => retain_available,
        USER_PROPERTY => user_properties,
        MAXIMUM_PACKET_SIZE => maximum_packet_size,
        WILDCARD_SUBSCRIPTION_AVAILABLE => wildcard_subscription_available,
        SUBSCRIPTION_IDENTIFIER_AVAILABLE => subscription_identifier_available,
        SHARED_SUBSCRIPTION_AVAILABLE => shared_subscription_available,
    }
    if ctx == PropertyContext::Packet(PacketType::Subscribe) {
        p.subscription_identifiers.truncate(1);
    }
    if p.authentication_method.is_none() && ctx == PropertyContext::Packet(PacketType::Connect) {
        p.authentication_data = None;
    }
}

/// Properties for packet type `t` in version `v`: empty before MQTT 5.
fn props(v: ProtocolVersion, ctx: PropertyContext) -> BoxedStrategy<Properties> {
    if v.is_v5() {
        properties(ctx)
    } else {
        Just(Properties::default()).boxed()
    }
}

fn packet_props(v: ProtocolVersion, t: PacketType) -> BoxedStrategy<Properties> {
    props(v, PropertyContext::Packet(t))
}

/// A reason code from `v5_codes` in MQTT 5, else `default`.
fn code(v: ProtocolVersion, v5_codes: &'static [u8], default: u8) -> BoxedStrategy<u8> {
    if v.is_v5() {
        select(v5_codes).boxed()
    } else {
        Just(default).boxed()
    }
}

fn will(v: ProtocolVersion) -> impl Strategy<Value = Will> {
    (
        topic(),
        bytes(),
        qos(),
        any::<bool>(),
        props(v, PropertyContext::Will),
    )
        .prop_map(|(topic, payload, qos, retain, properties)| Will {
            topic,
            payload,
            qos,
            retain,
            properties,
        })
}

fn connect(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        any::<bool>(),
        any::<u16>(),
        packet_props(v, PacketType::Connect),
        string(),
        opt(will(v)),
        opt(string()),
        opt(bytes()),
    )
        .prop_map(
            move |(clean_start, keep_alive, properties, client_id, will, username, password)| {
                let username = if !v.is_v5() && password.is_some() && username.is_none() {
                    Some("user".to_owned())
                } else {
                    username
                };
                Packet::Connect(Connect {
                    protocol: v,
                    clean_start,
                    keep_alive,
                    properties,
                    client_id,
                    will,
                    username,
                    password,
                })
            },
        )
}

fn connack(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let codes = if v.is_v5() {
        reason::CONNACK
    } else {
        reason::V3_CONNACK
    };
    (
        any::<bool>(),
        select(codes),
        packet_props(v, PacketType::ConnAck),
    )
        .prop_map(move |(session_present, code, properties)| {
            Packet::ConnAck(ConnAck {
                session_present: session_present && v != ProtocolVersion::V3_1,
                code,
                properties,
            })
        })
}

fn publish(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        qos(),
        any::<bool>(),
        any::<bool>(),
        topic(),
        1u16..,
        packet_props(v, PacketType::Publish),
        vec(any::<u8>(), 0..64),
        any::<bool>(),
    )
        .prop_map(
            move |(qos, dup, retain, topic, id, properties, payload, alias_only)| {
                let topic = if alias_only && properties.topic_alias.is_some() {
                    String::new()
                } else {
                    topic
                };
                Packet::Publish(Publish {
                    dup: dup && qos != QoS::AtMostOnce,
                    qos,
                    retain,
                    topic,
                    packet_id: (qos != QoS::AtMostOnce).then_some(id),
                    properties,
                    payload: payload.into(),
                })
            },
        )
}

fn pub_ack(v: ProtocolVersion, t: PacketType) -> impl Strategy<Value = Packet> {
    let codes = match t {
        PacketType::PubAck | PacketType::PubRec => reason::PUBACK,
        _ => reason::PUBREL,
    };
    (1u16.., code(v, codes, 0), packet_props(v, t)).prop_map(
        move |(packet_id, reason_code, properties)| {
            let a = PubAck {
                packet_id,
                reason_code,
                properties,
            };
            match t {
                PacketType::PubAck => Packet::PubAck(a),
                PacketType::PubRec => Packet::PubRec(a),
                PacketType::PubRel => Packet::PubRel(a),
                _ => Packet::PubComp(a),
            }
        },
    )
}

fn options(v: ProtocolVersion) -> impl Strategy<Value = SubscriptionOptions> {
    let rh = prop_oneof![
        Just(RetainHandling::SendAtSubscribe),
        Just(RetainHandling::SendIfNew),
        Just(RetainHandling::DoNotSend)
    ];
    (qos(), any::<bool>(), any::<bool>(), rh).prop_map(move |(qos, nl, rap, rh)| {
        if v.is_v5() {
            SubscriptionOptions {
                qos,
                no_local: nl,
                retain_as_published: rap,
                retain_handling: rh,
            }
        } else {
            SubscriptionOptions {
                qos,
                ..SubscriptionOptions::default()
            }
        }
    })
}

fn subscribe(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        1u16..,
        packet_props(v, PacketType::Subscribe),
        vec((string(), options(v)), 1..4),
    )
        .prop_map(|(packet_id, properties, filters)| {
            Packet::Subscribe(Subscribe {
                packet_id,
                properties,
                filters,
            })
        })
}

fn suback(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let codes = if v.is_v5() {
        reason::SUBACK
    } else {
        reason::V3_SUBACK
    };
    (
        1u16..,
        packet_props(v, PacketType::SubAck),
        vec(select(codes), 1..4),
    )
        .prop_map(|(packet_id, properties, reason_codes)| {
            Packet::SubAck(SubAck {
                packet_id,
                properties,
                reason_codes,
            })
        })
}

fn unsubscribe(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        1u16..,
        packet_props(v, PacketType::Unsubscribe),
        vec(string(), 1..4),
    )
        .prop_map(|(packet_id, properties, filters)| {
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                properties,
                filters,
            })
        })
}

fn unsuback(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let codes = if v.is_v5() { 1..4 } else { 0..1 };
    (
        1u16..,
        packet_props(v, PacketType::UnsubAck),
        vec(select(reason::UNSUBACK), codes),
    )
        .prop_map(|(packet_id, properties, reason_codes)| {
            Packet::UnsubAck(UnsubAck {
                packet_id,
                properties,
                reason_codes,
            })
        })
}

fn disconnect(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        code(v, reason::DISCONNECT, 0),
        packet_props(v, PacketType::Disconnect),
    )
        .prop_map(|(reason_code, properties)| {
            Packet::Disconnect(Disconnect {
                reason_code,
                properties,
            })
        })
}

fn auth() -> impl Strategy<Value = Packet> {
    (
        select(reason::AUTH),
        properties(PropertyContext::Packet(PacketType::Auth)),
    )
        .prop_map(|(reason_code, properties)| {
            Packet::Auth(Auth {
                reason_code,
                properties,
            })
        })
}

/// Any valid packet of version `v`.
fn packet(v: ProtocolVersion) -> BoxedStrategy<Packet> {
    let common = prop_oneof![
        connect(v),
        connack(v),
        publish(v),
        pub_ack(v, PacketType::PubAck),
        pub_ack(v, PacketType::PubRec),
        pub_ack(v, PacketType::PubRel),
        pub_ack(v, PacketType::PubComp),
        subscribe(v),
        suback(v),
        unsubscribe(v),
        unsuback(v),
        Just(Packet::PingReq),
        Just(Packet::PingResp),
        disconnect(v),
    ];
    if v.is_v5() {
        prop_oneof![13 => common, 1 => auth()].boxed()
    } else {
        common.boxed()
    }
}

fn version_and_packet() -> impl Strategy<Value = (ProtocolVersion, Packet)> {
    select(&VERSIONS[..]).prop_flat_map(|v| packet(v).prop_map(move |p| (v, p)))
}

fn encoded(v: ProtocolVersion, p: &Packet) -> BytesMut {
    let mut out = BytesMut::new();
    encode(p, v, &mut out).expect("valid packets encode");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decode_inverts_encode((v, p) in version_and_packet()) {
        let bytes = encoded(v, &p);
        let decoded = decode(&bytes, Some(v), usize::MAX);
        prop_assert_eq!(decoded, Ok(Some((p.clone(), bytes.len()))));
        // Followed by more bytes, only the first packet is consumed.
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        prop_assert_eq!(decode(&two, Some(v), usize::MAX), Ok(Some((p, bytes.len()))));
    }

    #[test]
    fn incomplete_until_the_last_byte((v, p) in version_and_packet()) {
        let bytes = encoded(v, &p);
        for end in 0..bytes.len() {
            prop_assert_eq!(decode(&bytes[..end], Some(v), usize::MAX), Ok(None), "prefix {}", end);
        }
        prop_assert!(decode(&bytes, Some(v), usize::MAX).unwrap().is_some());
    }

    #[test]
    fn max_packet_size_is_the_whole_packet((v, p) in version_and_packet()) {
        let bytes = encoded(v, &p);
        prop_assert!(decode(&bytes, Some(v), bytes.len()).unwrap().is_some());
        let too_large = decode(&bytes, Some(v), bytes.len() - 1);
        prop_assert_eq!(
            too_large,
            Err(DecodeError::PacketTooLarge { size: bytes.len(), max: bytes.len() - 1 })
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..96), max in 0usize..200) {
        for v in [None, Some(ProtocolVersion::V3_1), Some(ProtocolVersion::V3_1_1), Some(ProtocolVersion::V5)] {
            check_no_overclaim(&bytes, v, max)?;
            check_no_overclaim(&bytes, v, usize::MAX)?;
        }
    }

    #[test]
    fn mutated_packets_never_panic(
        (v, p) in version_and_packet(),
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = encoded(v, &p).to_vec();
        for (i, b) in edits {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let end = cut.index(bytes.len() + 1);
        check_no_overclaim(&bytes, Some(v), usize::MAX)?;
        check_no_overclaim(&bytes[..end], Some(v), usize::MAX)?;
        check_no_overclaim(&bytes, None, usize::MAX)?;
    }
}

fn check_no_overclaim(
    bytes: &[u8],
    v: Option<ProtocolVersion>,
    max: usize,
) -> Result<(), TestCaseError> {
    if let Ok(Some((_, consumed))) = decode(bytes, v, max) {
        prop_assert!(consumed <= bytes.len());
        prop_assert!(consumed <= max);
        prop_assert!(consumed >= 2);
        // Whatever decodes re-encodes to bytes that decode to the same packet.
        let (packet, _) = decode(bytes, v, max).unwrap().unwrap();
        let version = match (&packet, v) {
            (Packet::Connect(c), _) => c.protocol,
            (_, Some(v)) => v,
            (_, None) => {
                return Err(TestCaseError::fail(
                    "decoded a non-CONNECT without a version",
                ))
            }
        };
        let again = encoded(version, &packet);
        prop_assert_eq!(
            decode(&again, Some(version), usize::MAX),
            Ok(Some((packet, again.len())))
        );
    }
    Ok(())
}
