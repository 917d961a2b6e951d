//! AMQP 0-9-1 frames: pure functions over bytes, no I/O and no state.
//!
//! The frame envelope (type, channel, size, payload, frame-end octet) is read here, so that the
//! negotiated frame-max is enforced before a payload is buffered and a wrong frame-end is its
//! own error. Method arguments and content-header properties are parsed by `amq-protocol`,
//! generated from the spec, after [`crate::tables::check_depth`] has bounded how deeply their
//! field tables nest (its parser recurses once per level).

use amq_protocol::frame::parsing::parse_content_header;
use amq_protocol::protocol::{parse_class, AMQPClass, BasicProperties};
use bytes::Bytes;

use crate::tables;

pub const PROTOCOL_HEADER: &[u8; 8] = b"AMQP\x00\x00\x09\x01";
pub const FRAME_END: u8 = 0xCE;
const FRAME_METHOD: u8 = 1;
const FRAME_HEADER: u8 = 2;
const FRAME_BODY: u8 = 3;
const FRAME_HEARTBEAT: u8 = 8;
/// Type, channel and size.
const ENVELOPE: usize = 7;
/// The smallest frame-max a peer may ask for (spec: frame-min-size).
pub const FRAME_MIN_SIZE: u32 = 4096;

/// One decoded frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Method {
        channel: u16,
        method: Box<AMQPClass>,
    },
    /// A content header: its properties parsed, and their bytes as sent (flags and values),
    /// which are what is stored and delivered, so every property survives byte for byte.
    Header {
        channel: u16,
        class_id: u16,
        body_size: u64,
        properties: Box<BasicProperties>,
        raw_properties: Bytes,
    },
    Body {
        channel: u16,
        data: Bytes,
    },
    Heartbeat {
        channel: u16,
    },
}

/// Why bytes are not a frame. Every one closes the connection: after a framing error the
/// stream cannot be trusted to be in step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("frame of {size} bytes is larger than the negotiated frame-max {max}")]
    TooLarge { size: u64, max: u32 },
    #[error("frame does not end with the frame-end octet 0xCE (found {0:#04x})")]
    BadFrameEnd(u8),
    #[error("unknown frame type {0}")]
    UnknownType(u8),
    #[error("malformed {what} on channel {channel}")]
    Malformed { channel: u16, what: &'static str },
    #[error("field tables nested deeper than {} levels", tables::MAX_DEPTH)]
    TooDeep,
}

impl DecodeError {
    /// The reply code the connection is closed with.
    pub fn reply_code(&self) -> u16 {
        match self {
            DecodeError::Malformed { .. } | DecodeError::TooDeep => crate::errors::SYNTAX_ERROR,
            _ => crate::errors::FRAME_ERROR,
        }
    }
}

/// Decodes one frame from the start of `buf`: `Ok(None)` when more bytes are needed,
/// otherwise the frame and the bytes it used. `frame_max` counts the whole frame, as the spec
/// does (0 means the spec's "no limit", which this server never negotiates).
pub fn decode(buf: &[u8], frame_max: u32) -> Result<Option<(Frame, usize)>, DecodeError> {
    if buf.len() < ENVELOPE {
        return Ok(None);
    }
    let kind = buf[0];
    let channel = u16::from_be_bytes([buf[1], buf[2]]);
    let size = u32::from_be_bytes([buf[3], buf[4], buf[5], buf[6]]);
    let total = ENVELOPE as u64 + u64::from(size) + 1;
    if frame_max != 0 && total > u64::from(frame_max) {
        return Err(DecodeError::TooLarge {
            size: total,
            max: frame_max,
        });
    }
    if !matches!(
        kind,
        FRAME_METHOD | FRAME_HEADER | FRAME_BODY | FRAME_HEARTBEAT
    ) {
        return Err(DecodeError::UnknownType(kind));
    }
    let total = total as usize;
    if buf.len() < total {
        return Ok(None);
    }
    if buf[total - 1] != FRAME_END {
        return Err(DecodeError::BadFrameEnd(buf[total - 1]));
    }
    let payload = &buf[ENVELOPE..total - 1];
    let frame = match kind {
        FRAME_METHOD => {
            tables::check_method(payload)?;
            let (rest, method) = parse_class(payload).map_err(|_| DecodeError::Malformed {
                channel,
                what: "method",
            })?;
            if !rest.is_empty() {
                return Err(DecodeError::Malformed {
                    channel,
                    what: "method (bytes after its arguments)",
                });
            }
            Frame::Method {
                channel,
                method: Box::new(method),
            }
        }
        FRAME_HEADER => {
            tables::check_content_header(payload)?;
            let malformed = DecodeError::Malformed {
                channel,
                what: "content header",
            };
            let (rest, h) = parse_content_header(payload).map_err(|_| malformed.clone())?;
            if !rest.is_empty() || payload.len() < 14 {
                return Err(malformed);
            }
            Frame::Header {
                channel,
                class_id: h.class_id,
                body_size: h.body_size,
                properties: Box::new(h.properties),
                raw_properties: Bytes::copy_from_slice(&payload[12..]),
            }
        }
        FRAME_BODY => Frame::Body {
            channel,
            data: Bytes::copy_from_slice(payload),
        },
        _ => Frame::Heartbeat { channel },
    };
    Ok(Some((frame, total)))
}

/// A short string (at most 255 bytes) from any text: longer text is cut at a character
/// boundary, so names and reply texts from peers or other protocols never fail to encode.
pub fn short(text: &str) -> amq_protocol::types::ShortString {
    let mut end = text.len().min(255);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    amq_protocol::types::ShortString::from(&text[..end])
}

/// Appends a method frame.
pub fn put_method(out: &mut Vec<u8>, channel: u16, method: &AMQPClass) {
    let args =
        match cookie_factory::gen_simple(amq_protocol::protocol::gen_class(method), Vec::new()) {
            Ok(b) => b,
            // Writing into a Vec cannot run out of room, and every short string we send goes
            // through `short`; nothing is written if encoding fails anyway.
            Err(e) => {
                tracing::error!(error = ?e, "cannot encode an AMQP method; sending nothing");
                return;
            }
        };
    out.push(FRAME_METHOD);
    out.extend_from_slice(&channel.to_be_bytes());
    out.extend_from_slice(&(args.len() as u32).to_be_bytes());
    out.extend_from_slice(&args);
    out.push(FRAME_END);
}

/// Appends a content header frame with properties as stored (flags and values).
pub fn put_header(out: &mut Vec<u8>, channel: u16, body_size: u64, raw_properties: &[u8]) {
    out.push(FRAME_HEADER);
    out.extend_from_slice(&channel.to_be_bytes());
    let size = (12 + raw_properties.len()) as u32;
    out.extend_from_slice(&size.to_be_bytes());
    out.extend_from_slice(&60u16.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&body_size.to_be_bytes());
    out.extend_from_slice(raw_properties);
    out.push(FRAME_END);
}

/// Appends body frames for `body`, each within `frame_max`.
pub fn put_body(out: &mut Vec<u8>, channel: u16, body: &[u8], frame_max: u32) {
    let chunk = (frame_max as usize).saturating_sub(ENVELOPE + 1).max(1);
    for part in body.chunks(chunk) {
        out.push(FRAME_BODY);
        out.extend_from_slice(&channel.to_be_bytes());
        out.extend_from_slice(&(part.len() as u32).to_be_bytes());
        out.extend_from_slice(part);
        out.push(FRAME_END);
    }
}

pub fn put_heartbeat(out: &mut Vec<u8>) {
    out.extend_from_slice(&[FRAME_HEARTBEAT, 0, 0, 0, 0, 0, 0, FRAME_END]);
}

/// Property bytes for "no properties": a zero flag word.
pub const NO_PROPERTIES: &[u8] = &[0, 0];

#[cfg(test)]
mod tests {
    use super::*;
    use amq_protocol::protocol::{basic, channel};
    use proptest::prelude::*;

    fn roundtrip(method: AMQPClass) {
        let mut out = Vec::new();
        put_method(&mut out, 3, &method);
        let (frame, used) = decode(&out, 131_072).unwrap().unwrap();
        assert_eq!(used, out.len());
        assert_eq!(
            frame,
            Frame::Method {
                channel: 3,
                method: Box::new(method)
            }
        );
    }

    #[test]
    fn methods_round_trip() {
        roundtrip(AMQPClass::Channel(channel::AMQPMethod::Open(
            channel::Open {},
        )));
        roundtrip(AMQPClass::Basic(basic::AMQPMethod::Publish(
            basic::Publish {
                exchange: "ex".into(),
                routing_key: "a.b".into(),
                mandatory: true,
                immediate: false,
            },
        )));
    }

    #[test]
    fn header_keeps_its_property_bytes() {
        // content-type "text/plain" and delivery-mode 2.
        let mut props = vec![0x90, 0x00, 10];
        props.extend_from_slice(b"text/plain");
        props.push(2);
        let mut out = Vec::new();
        put_header(&mut out, 1, 5, &props);
        let (frame, _) = decode(&out, 4096).unwrap().unwrap();
        let Frame::Header {
            body_size,
            properties,
            raw_properties,
            ..
        } = frame
        else {
            panic!("not a header: {frame:?}");
        };
        assert_eq!(body_size, 5);
        assert_eq!(&raw_properties[..], &props[..]);
        assert_eq!(properties.delivery_mode(), &Some(2));
        assert_eq!(
            properties.content_type().as_ref().map(|s| s.as_str()),
            Some("text/plain")
        );
    }

    #[test]
    fn short_strings_are_cut_at_a_character_boundary() {
        let long = "队".repeat(100);
        let s = short(&long);
        assert!(s.as_str().len() <= 255 && s.as_str().len() >= 253);
        assert!(long.starts_with(s.as_str()));
        assert_eq!(short("q").as_str(), "q");
    }

    #[test]
    fn framing_errors() {
        let mut out = Vec::new();
        put_heartbeat(&mut out);
        assert!(decode(&out[..5], 4096).unwrap().is_none());
        let mut bad = out.clone();
        bad[7] = 0;
        assert_eq!(decode(&bad, 4096), Err(DecodeError::BadFrameEnd(0)));
        let mut big = Vec::new();
        put_body(&mut big, 1, &[0; 5000], 10_000);
        assert!(matches!(
            decode(&big, 4096),
            Err(DecodeError::TooLarge { .. })
        ));
        assert_eq!(
            decode(&[9, 0, 0, 0, 0, 0, 0, 0xCE], 4096),
            Err(DecodeError::UnknownType(9))
        );
    }

    #[test]
    fn bodies_are_split_at_frame_max() {
        let mut out = Vec::new();
        put_body(&mut out, 1, &[7; 10_000], 4096);
        let mut pos = 0;
        let mut got = Vec::new();
        while pos < out.len() {
            let (f, used) = decode(&out[pos..], 4096).unwrap().unwrap();
            let Frame::Body { data, .. } = f else {
                panic!()
            };
            got.extend_from_slice(&data);
            pos += used;
        }
        assert_eq!(got, vec![7; 10_000]);
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode(&bytes, 4096);
        }

        #[test]
        fn arbitrary_method_payloads_never_panic(
            class in prop_oneof![Just(10u16), Just(20), Just(40), Just(50), Just(60), Just(85)],
            method in 0u16..120,
            args in proptest::collection::vec(any::<u8>(), 0..256),
        ) {
            let mut payload = class.to_be_bytes().to_vec();
            payload.extend_from_slice(&method.to_be_bytes());
            payload.extend_from_slice(&args);
            let mut frame = vec![1, 0, 1];
            frame.extend_from_slice(&(payload.len() as u32).to_be_bytes());
            frame.extend_from_slice(&payload);
            frame.push(FRAME_END);
            let _ = decode(&frame, 4096);
        }
    }
}
